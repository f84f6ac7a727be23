/**
 * Instants from iCalendar times (RFC 5545 §3.3.4 DATE, §3.3.5 DATE-TIME forms 1–3, §3.2.19 TZID).
 * Floating times and DATE values are read in the calendar's default zone when one is given
 * (RFC 4791 §9.9 and §5.2.2 calendar-timezone), else as UTC. The process's own zone is never used.
 */
import ICAL from 'ical.js';
import { ReefknotError } from '../errors.js';

export type Component = InstanceType<typeof ICAL.Component>;
export type Property = InstanceType<typeof ICAL.Property>;
export type Time = InstanceType<typeof ICAL.Time>;
export type Duration = InstanceType<typeof ICAL.Duration>;
export type Timezone = InstanceType<typeof ICAL.Timezone>;

export const DAY_MS = 86_400_000;

export interface TimeOptions {
  /** A VCALENDAR text holding one VTIMEZONE, used for floating times (RFC 4791 §9.9). */
  defaultTimezone?: string;
  /** Most instances one request may compute (RFC 4791 §5.2.8 CALDAV:max-instances). */
  maxInstances: number;
}

/** What every evaluation needs: the zone for floating times and a work budget. */
export interface TimeContext {
  defaultZone: Timezone | null;
  budget: Budget;
}

/** Bounds the recurrence work of one request (RFC 4791 §5.2.8; design: expansion is bounded). */
export class Budget {
  private steps = 0;
  private readonly maxSteps: number;
  constructor(readonly maxInstances: number) {
    this.maxSteps = Math.max(maxInstances, 1) * WORK_FACTOR;
  }
  /** One generated occurrence; throws too-many-instances past the bound. */
  step(): void {
    if (++this.steps > this.maxSteps) throw tooMany(this.maxInstances);
  }
}

/** Occurrences walked before the range starts count too, up to this multiple of maxInstances. */
export const WORK_FACTOR = 50;


export function tooMany(max: number): ReefknotError {
  return new ReefknotError('too-many-instances', `The recurrence expands to more than the ${max} instances allowed for one request`);
}

export function makeTimeContext(options: TimeOptions): TimeContext {
  return { defaultZone: parseDefaultZone(options.defaultTimezone), budget: new Budget(options.maxInstances) };
}

function parseDefaultZone(text: string | undefined): Timezone | null {
  if (!text) return null;
  try {
    const root = new ICAL.Component(ICAL.parse(text) as unknown[]);
    const vtz = root.name === 'vtimezone' ? root : root.getFirstSubcomponent('vtimezone');
    return vtz ? new ICAL.Timezone(vtz) : null;
  } catch {
    return null;
  }
}

export function isFloating(t: Time): boolean {
  return t.zone === null || t.zone === undefined || t.zone === ICAL.Timezone.localTimezone || t.zone.tzid === 'floating';
}

/** Milliseconds since the epoch for an iCalendar time (RFC 5545 §3.3.5). */
export function toMs(t: Time, ctx: TimeContext): number {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.isDate ? 0 : t.hour, t.isDate ? 0 : t.minute, t.isDate ? 0 : t.second);
  if (t.zone === ICAL.Timezone.utcTimezone) return wall;
  if (isFloating(t)) return ctx.defaultZone ? wall - ctx.defaultZone.utcOffset(t) * 1000 : wall;
  return wall - t.zone.utcOffset(t) * 1000;
}

/** The UTC time of an instant, as ical.js DATE-TIME. */
export function utcTime(ms: number): Time {
  return ICAL.Time.fromJSDate(new Date(ms), true);
}

/** Wall-clock addition (RFC 5545 §3.3.6: nominal days and weeks, exact hours and below). */
export function addDuration(t: Time, d: Duration): Time {
  const r = t.clone();
  r.addDuration(d);
  return r;
}

export function timeValue(c: Component, name: string): Time | null {
  const v = c.getFirstPropertyValue(name);
  return v instanceof ICAL.Time ? v : null;
}

export function durationValue(c: Component, name: string): Duration | null {
  const v = c.getFirstPropertyValue(name);
  return v instanceof ICAL.Duration ? v : null;
}

/** iCalendar UTC text such as 20060104T000000Z. */
export function icalUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
