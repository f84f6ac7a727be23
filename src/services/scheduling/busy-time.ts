/**
 * A calendar user's busy time for scheduling (RFC 6638 §3.2.2 free-busy, RFC 4791 §7.10 rules):
 * opaque, non-cancelled items in their calendars, except calendars marked
 * schedule-calendar-transp transparent and items they declined; the inbox never counts (§2.3).
 * Read through the time index: only candidates in the range are parsed.
 */
import ICAL from 'ical.js';
import { busyPeriods, type BusyTime } from '../../domain/freebusy/compute.js';
import { resolveTimezones } from '../../domain/ical/timezones.js';
import type { CollectionRow, StoreTx, UserRow } from '../../store/types.js';
import type { ServiceContext } from '../context.js';
import { SCHEDULE_CALENDAR_TRANSP } from './calendar-users.js';

type Component = InstanceType<typeof ICAL.Component>;

async function isTransparent(tx: StoreTx, c: CollectionRow): Promise<boolean> {
  const p = (await tx.getProperties(c.id, '')).find((x) => x.ns === SCHEDULE_CALENDAR_TRANSP.ns && x.name === SCHEDULE_CALENDAR_TRANSP.name);
  return p !== undefined && p.value.includes('"transparent"');
}

/** Drops the components the user declined, and marks tentative answers as tentative busy time. */
function asSeenBy(calendar: Component, addresses: Set<string>): Component {
  for (const c of [...calendar.getAllSubcomponents()]) {
    const mine = c.getAllProperties('attendee').find((a) => addresses.has(String(a.getFirstValue()).toLowerCase()));
    const partstat = String(mine?.getParameter('partstat') ?? '').toUpperCase();
    if (partstat === 'DECLINED') calendar.removeSubcomponent(c);
    else if (partstat === 'TENTATIVE' || partstat === 'NEEDS-ACTION') c.updatePropertyWithValue('status', 'TENTATIVE');
  }
  return calendar;
}

export async function busyTimeOf(tx: StoreTx, ctx: ServiceContext, user: UserRow, range: { start: number; end: number }, excludeUid?: string): Promise<BusyTime> {
  const addresses = new Set(await tx.listAddresses(user.id));
  const calendars: Component[] = [];
  for (const c of await tx.listCollectionsOwnedBy(user.id)) {
    if (c.kind !== 'calendar' || (await isTransparent(tx, c))) continue;
    for (const meta of await tx.objectsInRange(c.id, range.start, range.end)) {
      if (excludeUid !== undefined && meta.uid === excludeUid) continue;
      const row = await tx.getObject(c.id, meta.name);
      if (!row) continue;
      const parsed = new ICAL.Component(ICAL.parse(row.content.toString('utf8')) as unknown[]);
      resolveTimezones(parsed, ctx.timezones);
      calendars.push(asSeenBy(parsed, addresses));
    }
  }
  return busyPeriods(calendars, range, { maxInstances: ctx.limits.maxInstances });
}
