/**
 * Which side of iTIP a calendar user is on for an object (RFC 5546 §1.4 roles; RFC 6638 §3.2:
 * an object is a scheduling object when it has an ORGANIZER and attendees).
 */
import { sameAddress } from './address.js';
import { findAttendee, organizerOf } from './calendar-data.js';
import { loadObject } from './loaded-object.js';

export type SchedulingRole = 'organizer' | 'attendee' | 'none';

/** 'organizer' when `address` organizes the object, 'attendee' when it is invited, else 'none'. */
export function schedulingRole(text: string, address: string): SchedulingRole {
  const obj = loadObject(text);
  const comps = [...obj.comps.values()];
  const organizer = comps.map(organizerOf).find((o) => o !== null) ?? null;
  if (organizer === null) return 'none';
  if (sameAddress(organizer, address)) return 'organizer';
  return comps.some((c) => findAttendee(c, address) !== null) ? 'attendee' : 'none';
}
