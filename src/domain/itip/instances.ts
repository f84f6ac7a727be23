/**
 * Instances of a recurring object (RFC 5545 §3.8.5 RRULE/RDATE/EXDATE, §3.8.4.4 RECURRENCE-ID):
 * whether a RECURRENCE-ID names a real instance (RFC 5546 §3.2.3 and §4.7 "bad RECURRENCE-ID"),
 * and the override created when one instance gets its own data. Expansion is bounded.
 */
import ICAL from 'ical.js';
import { addComponent } from './organizer-views.js';
import type { Component, Property, Time } from './calendar-data.js';

/** At most this many instances are walked to find one. */
export const MAX_INSTANCES = 5000;

export function isRecurring(master: Component): boolean {
  return master.hasProperty('rrule') || master.hasProperty('rdate');
}

/** True when `rid` is one of the master's instances (EXDATEs excluded). */
export function isInstanceOf(master: Component, rid: Time): boolean {
  const start = master.getFirstPropertyValue('dtstart');
  if (!(start instanceof ICAL.Time)) return false;
  const target = rid.toUnixTime();
  const expansion = new ICAL.RecurExpansion({ component: master, dtstart: start });
  for (let i = 0; i < MAX_INSTANCES; i++) {
    const next = expansion.next();
    if (next === undefined || next === null) return false;
    const t = next.toUnixTime();
    if (t === target || (rid.isDate && next.toString().slice(0, 10) === rid.toString())) return true;
    if (t > target + 86400) return false;
  }
  return false;
}

/** Instance start times of a rule-bearing component, up to `limit`; `clipped` when more exist. */
export function expandStarts(comp: Component, limit: number): { starts: Time[]; clipped: boolean } {
  const start = comp.getFirstPropertyValue('dtstart');
  if (!(start instanceof ICAL.Time)) return { starts: [], clipped: false };
  const expansion = new ICAL.RecurExpansion({ component: comp, dtstart: start });
  const starts: Time[] = [];
  for (;;) {
    const next = expansion.next();
    if (next === undefined || next === null) return { starts, clipped: false };
    if (starts.length >= limit) return { starts, clipped: true };
    starts.push(next);
  }
}

/** An override for one instance: the master's data moved to that instance, with RECURRENCE-ID. */
export function createOverride(master: Component, recurrenceId: Property): Component | null {
  const value = recurrenceId.getFirstValue();
  const tzidRaw: unknown = recurrenceId.getParameter('tzid');
  const comp = addComponent(master, value, typeof tzidRaw === 'string' ? tzidRaw : null);
  if (comp === null) return null;
  comp.addProperty(new ICAL.Property(JSON.parse(JSON.stringify(recurrenceId.toJSON())) as unknown[]));
  return comp;
}
