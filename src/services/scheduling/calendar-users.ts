/**
 * Calendar users as scheduling sees them (RFC 6638 §2): a recipient is local if and only if its
 * address belongs to a user of this server (design.md "Identity"; never by domain), and each user
 * has an inbox, an outbox and a default calendar for new invitations (§9.2).
 */
import ICAL from 'ical.js';
import type { CollectionRow, ObjectMeta, StoreTx, UserRow } from '../../store/types.js';
import { homePath } from '../context.js';
import { normaliseAddress } from '../users.js';

export const SCHEDULE_CALENDAR_TRANSP = { ns: 'urn:ietf:params:xml:ns:caldav', name: 'schedule-calendar-transp' };
export const CALENDAR_AVAILABILITY = { ns: 'urn:ietf:params:xml:ns:caldav', name: 'calendar-availability' };

/** The local user holding `address`, or null (a recipient on another server, or nobody). */
export async function localUser(tx: StoreTx, address: string): Promise<UserRow | null> {
  try {
    return await tx.getUserByAddress(normaliseAddress(address));
  } catch {
    return null;
  }
}

export async function specialCollection(tx: StoreTx, user: UserRow, kind: 'inbox' | 'outbox'): Promise<CollectionRow | null> {
  return tx.getCollection(`${homePath(user.name)}${kind}/`);
}

/**
 * Where a new invitation lands (RFC 6638 §9.2 schedule-default-calendar-URL): the calendar named
 * `calendar` when it takes the component, else the first calendar that does.
 */
export async function defaultCalendar(tx: StoreTx, user: UserRow, componentType: string): Promise<CollectionRow | null> {
  const calendars = (await tx.listCollectionsOwnedBy(user.id)).filter((c) => c.kind === 'calendar' && c.components.includes(componentType as 'VEVENT'));
  return calendars.find((c) => c.path === `${homePath(user.name)}calendar/`) ?? calendars[0] ?? null;
}

/** The user's copy of the object with `uid` in one of their calendars, with its text. */
export async function userCopy(tx: StoreTx, user: UserRow, uid: string): Promise<{ collection: CollectionRow; object: ObjectMeta; text: string } | null> {
  for (const { collection, object } of await tx.findObjectsByUidForOwner(user.id, uid)) {
    if (collection.kind !== 'calendar') continue;
    const row = await tx.getObject(collection.id, object.name);
    if (row) return { collection, object, text: row.content.toString('utf8') };
  }
  return null;
}

export interface SchedulingFacts {
  uid: string;
  componentType: string;
  organizer: string | null;
  attendees: string[];
}

/** ORGANIZER and ATTENDEEs of an object (all components), lower-cased. */
export function schedulingFacts(text: string): SchedulingFacts | null {
  if (!text.trim()) return null;
  try {
    const root = new ICAL.Component(ICAL.parse(text) as unknown[]);
    const comps = root.getAllSubcomponents().filter((c) => c.name !== 'vtimezone');
    const first = comps[0];
    if (!first) return null;
    const organizer = first.getFirstPropertyValue('organizer');
    const attendees = new Set<string>();
    for (const c of comps) for (const a of c.getAllProperties('attendee')) attendees.add(String(a.getFirstValue()).toLowerCase());
    return {
      uid: String(first.getFirstPropertyValue('uid') ?? ''), componentType: first.name.toUpperCase(),
      organizer: typeof organizer === 'string' ? organizer.toLowerCase() : null, attendees: [...attendees],
    };
  } catch {
    return null;
  }
}
