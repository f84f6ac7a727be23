/**
 * Rooms and resources (RFC 6638 calendar-user-type ROOM/RESOURCE) answer invitations themselves:
 * accepted when every instance in the coming year is free, declined when any is busy.
 */
import ICAL from 'ical.js';
import { attendeeMessages, type ItipMessage } from '../../domain/itip/index.js';
import { expandInstances } from '../../domain/recurrence/instances.js';
import type { StoreTx, UserRow } from '../../store/types.js';
import type { ServiceContext } from '../context.js';
import type { ObjectWriter } from '../object-writer.js';
import { busyTimeOf } from './busy-time.js';
import { userCopy } from './calendar-users.js';

const YEAR_MS = 366 * 86_400_000;

/** The object with `address`'s PARTSTAT set (and RSVP dropped) on every component. */
export function setPartstat(text: string, address: string, partstat: string): string {
  const root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  for (const c of root.getAllSubcomponents()) {
    for (const a of c.getAllProperties('attendee')) {
      if (String(a.getFirstValue()).toLowerCase() !== address) continue;
      a.setParameter('partstat', partstat);
      a.removeParameter('rsvp');
    }
  }
  return `${root.toString()}\r\n`;
}

/** Decides, stores the room's answer on its copy, and returns the REPLY to send (or null). */
export async function answerAsResource(tx: StoreTx, ctx: ServiceContext, room: UserRow, address: string, copy: string, writer: ObjectWriter): Promise<ItipMessage | null> {
  const calendar = new ICAL.Component(ICAL.parse(copy) as unknown[]);
  const uid = String(calendar.getAllSubcomponents().find((c) => c.name !== 'vtimezone')?.getFirstPropertyValue('uid') ?? '');
  const now = ctx.now();
  const instances = expandInstances(calendar, { start: now - 86_400_000, end: now + YEAR_MS }, { maxInstances: 500 });
  let free = true;
  if (instances.length > 0) {
    const span = { start: Math.min(...instances.map((i) => i.start)), end: Math.max(...instances.map((i) => i.end)) };
    const busy = await busyTimeOf(tx, ctx, room, span, uid);
    const taken = [...busy.busy, ...busy.tentative, ...busy.unavailable];
    free = !instances.some((i) => taken.some((b) => b.start < i.end && b.end > i.start));
  }
  const answered = setPartstat(copy, address, free ? 'ACCEPTED' : 'DECLINED');
  const stored = await userCopy(tx, room, uid);
  if (stored) await writer.write(tx, stored.collection, stored.object.name, Buffer.from(answered), 'text/calendar');
  return attendeeMessages({ before: copy, after: answered, attendeeAddress: address, now: new Date(now), options: { describe: true } })[0] ?? null;
}
