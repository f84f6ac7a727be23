/**
 * What an organizer's change means, instance by instance (RFC 5546 §2.1.4 significant changes and
 * SEQUENCE, §3.2.2 REQUEST: initial, reschedule, update; §3.2.4 ADD; §3.2.5 CANCEL).
 */
import ICAL from 'ical.js';
import { canonicalComponentText, propertiesSignature } from './compare.js';
import { MASTER, attendeeProps, addressOf, findAttendee, instanceKey, type Component } from './calendar-data.js';

/**
 * How one instance changed: 'reschedule' (time or recurrence changed: PARTSTAT reset, SEQUENCE
 * bumped), 'update' (other properties: reconfirm), 'status' (only attendees' PARTSTAT/RSVP).
 */
export type InstanceChange = 'added' | 'reschedule' | 'update' | 'status' | 'none';

/** RFC 5546 §2.1.4: changes to these reschedule the instance (EXDATE and RDATE are handled apart). */
const TIME_PROPERTIES = ['dtstart', 'dtend', 'duration', 'due', 'rrule', 'recurrence-id'];
const VOLATILE = ['dtstamp', 'sequence', 'last-modified', 'exdate', 'rdate'];
const VOLATILE_PARAMS = ['schedule-status', 'schedule-force-send', 'x-reefknot-reply-sequence', 'x-reefknot-reply-dtstamp'];

export function classifyInstance(before: Component | undefined, after: Component): InstanceChange {
  if (before === undefined) return 'added';
  if (propertiesSignature(before, TIME_PROPERTIES) !== propertiesSignature(after, TIME_PROPERTIES)) return 'reschedule';
  const text = (c: Component, extra: string[]): string => canonicalComponentText(c, VOLATILE, [...VOLATILE_PARAMS, ...extra]);
  if (text(before, []) !== text(after, [])) {
    return text(before, ['partstat', 'rsvp']) === text(after, ['partstat', 'rsvp']) ? 'status' : 'update';
  }
  return 'none';
}

/** Values of a multi-valued date property (EXDATE, RDATE) as instance keys with their source values. */
export function dateValues(comp: Component | undefined, name: string): Map<string, { value: unknown; tzid: string | null }> {
  const out = new Map<string, { value: unknown; tzid: string | null }>();
  for (const prop of comp?.getAllProperties(name) ?? []) {
    const tzidRaw: unknown = prop.getParameter('tzid');
    const tzid = typeof tzidRaw === 'string' ? tzidRaw : null;
    for (const value of prop.getValues() as unknown[]) {
      if (value instanceof ICAL.Time) {
        const key = value.isDate ? value.toString() : new Date(value.toUnixTime() * 1000).toISOString();
        out.set(key, { value, tzid });
      }
    }
  }
  return out;
}

/** Keys present in `after` but not in `before`. */
export function addedKeys<T>(before: Map<string, T>, after: Map<string, T>): string[] {
  return [...after.keys()].filter((k) => !before.has(k));
}

export function isCancelled(comp: Component | undefined): boolean {
  return comp !== undefined && String(comp.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED';
}

/** Attendee addresses per instance key. */
export function attendeesByInstance(comps: Map<string, Component>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [key, comp] of comps) out.set(key, new Set(attendeeProps(comp).map(addressOf)));
  return out;
}

export function allAttendees(comps: Map<string, Component>): Set<string> {
  const out = new Set<string>();
  for (const set of attendeesByInstance(comps).values()) for (const a of set) out.add(a);
  return out;
}

/** The instance keys in whose component `address` is an attendee. */
export function instancesOf(comps: Map<string, Component>, address: string): string[] {
  return [...comps].filter(([, c]) => findAttendee(c, address) !== null).map(([k]) => k);
}

export { MASTER, instanceKey };
