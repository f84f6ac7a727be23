/**
 * A calendar user's busy time for scheduling (RFC 6638 §3.2.2 free-busy, RFC 4791 §7.10 rules):
 * opaque, non-cancelled items in their calendars, except calendars marked
 * schedule-calendar-transp transparent and items they declined; the inbox never counts (§2.3).
 * Read through the time index: only candidates in the range are parsed.
 */
import ICAL from 'ical.js';
import { busyPeriods, merge, type BusyTime } from '../../domain/freebusy/compute.js';
import { resolveTimezones } from '../../domain/ical/timezones.js';
import type { CollectionRow, StoreTx, UserRow } from '../../store/types.js';
import type { ServiceContext } from '../context.js';
import { CALENDAR_AVAILABILITY, SCHEDULE_CALENDAR_TRANSP, specialCollection } from './calendar-users.js';
import { unavailableTime } from '../../domain/freebusy/availability.js';

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
  const busy = busyPeriods(calendars, range, { maxInstances: ctx.limits.maxInstances });
  const availability = await availabilityOf(tx, user);
  if (!availability) return busy;
  const off = unavailableTime(availability, range, ctx.limits.maxInstances);
  return {
    busy: merge([...busy.busy, ...off.busy], range),
    tentative: merge([...busy.tentative, ...off.tentative], range),
    unavailable: merge([...busy.unavailable, ...off.unavailable], range),
  };
}

/** The text inside a stored dead property (the JSON of its XML element). */
function propertyText(json: string): string {
  const walk = (n: unknown): string => (typeof n === 'string' ? n : typeof n === 'object' && n !== null && 'children' in n && Array.isArray(n.children) ? n.children.map(walk).join('') : '');
  try {
    return walk(JSON.parse(json));
  } catch {
    return '';
  }
}

/** RFC 7953 §7.2.4 CALDAV:calendar-availability on the user's inbox, parsed, if set. */
async function availabilityOf(tx: StoreTx, user: UserRow): Promise<Component | null> {
  const inbox = await specialCollection(tx, user, 'inbox');
  const prop = inbox ? (await tx.getProperties(inbox.id, '')).find((p) => p.ns === CALENDAR_AVAILABILITY.ns && p.name === CALENDAR_AVAILABILITY.name) : undefined;
  if (!prop) return null;
  try {
    return new ICAL.Component(ICAL.parse(propertyText(prop.value).trim()) as unknown[]);
  } catch {
    return null;
  }
}
