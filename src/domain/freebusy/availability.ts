/**
 * Calendar availability (RFC 7953): time inside a VAVAILABILITY's period that no AVAILABLE
 * component covers is busy with the VAVAILABILITY's BUSYTYPE (default BUSY-UNAVAILABLE, §3.2).
 * Pure: a parsed VCALENDAR and a range in, periods out. Priorities are not layered: every
 * VAVAILABILITY counts (§4 allows simpler servers this reading when they do not overlap).
 */
import ICAL from 'ical.js';
import { expandInstances } from '../recurrence/instances.js';
import type { Period } from './compute.js';

type Component = InstanceType<typeof ICAL.Component>;

export interface UnavailableTime {
  busy: Period[];
  unavailable: Period[];
  tentative: Period[];
}

function ms(v: unknown): number | null {
  return v instanceof ICAL.Time ? v.toJSDate().getTime() : null;
}

/** The AVAILABLE slots of one VAVAILABILITY within the range, expanded like events. */
function availableSlots(vav: Component, range: { start: number; end: number }, maxInstances: number): Period[] {
  const calendar = new ICAL.Component('vcalendar');
  for (const a of vav.getAllSubcomponents('available')) {
    const jcal = a.toJSON() as unknown[];
    jcal[0] = 'vevent';
    calendar.addSubcomponent(new ICAL.Component(jcal));
  }
  return expandInstances(calendar, range, { maxInstances }).map((i) => ({ start: i.start, end: i.end }));
}

/** Subtracts `holes` from [start, end). */
function subtract(start: number, end: number, holes: Period[]): Period[] {
  const out: Period[] = [];
  let cursor = start;
  for (const h of [...holes].sort((a, b) => a.start - b.start)) {
    if (h.end <= cursor || h.start >= end) continue;
    if (h.start > cursor) out.push({ start: cursor, end: Math.min(h.start, end) });
    cursor = Math.max(cursor, h.end);
  }
  if (cursor < end) out.push({ start: cursor, end });
  return out;
}

export function unavailableTime(calendar: Component, range: { start: number; end: number }, maxInstances: number): UnavailableTime {
  const result: UnavailableTime = { busy: [], unavailable: [], tentative: [] };
  for (const vav of calendar.getAllSubcomponents('vavailability')) {
    const start = Math.max(range.start, ms(vav.getFirstPropertyValue('dtstart')) ?? range.start);
    const end = Math.min(range.end, ms(vav.getFirstPropertyValue('dtend')) ?? range.end);
    if (start >= end) continue;
    const free = availableSlots(vav, { start, end }, maxInstances);
    const type = String(vav.getFirstPropertyValue('busytype') ?? 'BUSY-UNAVAILABLE').toUpperCase();
    const bucket = type === 'BUSY' ? result.busy : type === 'BUSY-TENTATIVE' ? result.tentative : result.unavailable;
    bucket.push(...subtract(start, end, free));
  }
  return result;
}
