/**
 * What people other than the owner see of CLASS:PRIVATE and CLASS:CONFIDENTIAL components
 * (RFC 5545 §3.8.1.3; implementors' guide seed §5.1): the busy time only. Time, recurrence and
 * transparency stay; summary, location, description, attendees, alarms and everything else go.
 */
import ICAL from 'ical.js';

type Component = InstanceType<typeof ICAL.Component>;

export type Classification = 'PUBLIC' | 'PRIVATE' | 'CONFIDENTIAL';

/** Properties that describe when a component is busy, and identify it. */
const KEPT = new Set([
  'uid', 'dtstamp', 'dtstart', 'dtend', 'duration', 'due', 'rrule', 'rdate', 'exdate', 'recurrence-id',
  'transp', 'status', 'class', 'sequence', 'created', 'last-modified',
]);

export function classificationOf(c: Component): Classification {
  const v = String(c.getFirstPropertyValue('class') ?? 'PUBLIC').toUpperCase();
  return v === 'PRIVATE' || v === 'CONFIDENTIAL' ? v : 'PUBLIC';
}

/** The most restrictive class among the object's components. */
export function objectClassification(calendar: Component): Classification {
  let worst: Classification = 'PUBLIC';
  for (const c of calendar.getAllSubcomponents()) {
    const k = classificationOf(c);
    if (k === 'PRIVATE') return 'PRIVATE';
    if (k === 'CONFIDENTIAL') worst = 'CONFIDENTIAL';
  }
  return worst;
}

/** Strips every non-public component down to its busy time, in place. Returns whether anything changed. */
export function redactInPlace(calendar: Component): boolean {
  let changed = false;
  for (const c of calendar.getAllSubcomponents()) {
    if (c.name === 'vtimezone' || classificationOf(c) === 'PUBLIC') continue;
    for (const p of [...c.getAllProperties()]) {
      if (!KEPT.has(p.name)) {
        c.removeProperty(p);
        changed = true;
      }
    }
    for (const sub of [...c.getAllSubcomponents()]) {
      c.removeSubcomponent(sub);
      changed = true;
    }
  }
  return changed;
}

/** The text a non-owner receives; the stored text unchanged when every component is public. */
export function redactedText(text: string, calendar?: Component): string {
  const parsed = calendar ?? new ICAL.Component(ICAL.parse(text) as unknown[]);
  if (objectClassification(parsed) === 'PUBLIC') return text;
  const copy = new ICAL.Component(parsed.toJSON() as unknown[]);
  redactInPlace(copy);
  return `${copy.toString()}\r\n`;
}
