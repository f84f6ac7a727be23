/**
 * CALDAV:time-range on components and properties (RFC 4791 §9.9): recurrence-aware tests for
 * VEVENT, VTODO and VJOURNAL, the VFREEBUSY table, VALARM trigger times for every instance of
 * the parent (RFC 5545 §3.8.6.3 TRIGGER, §3.8.6.2 REPEAT), and DATE/DATE-TIME property values.
 */
import ICAL from 'ical.js';
import { occurrences, type Occurrence } from '../recurrence/occurrences.js';
import { setContaining, type RecurrenceSet } from '../recurrence/recurrence-set.js';
import { spanOf, spanOverlaps, type Range } from '../recurrence/span.js';
import { toMs, type Component, type Property, type TimeContext } from '../recurrence/time.js';

export interface RangeContext {
  time: TimeContext;
  /** The recurrence sets of the calendar object being evaluated. */
  sets: () => RecurrenceSet[];
}

export function componentInRange(c: Component, parent: Component | null, range: Range, ctx: RangeContext): boolean {
  switch (c.name) {
    case 'vcalendar':
      return c.getAllSubcomponents().some((s) => s.name !== 'vtimezone' && componentInRange(s, c, range, ctx));
    case 'valarm':
      return parent !== null && alarmInRange(c, parent, range, ctx);
    case 'vfreebusy':
      return freebusyInRange(c, range, ctx.time);
    case 'vtimezone':
      return false;
    default:
      return instanceInRange(c, range, ctx);
  }
}

/** RFC 4791 §9.9: a component matches when one of its own instances overlaps the range. */
function instanceInRange(c: Component, range: Range, ctx: RangeContext): boolean {
  const rid = c.getFirstProperty('recurrence-id');
  const rangeParam: unknown = rid?.getParameter('range');
  if (rid && typeof rangeParam !== 'string') return spanOverlaps(spanOf(c, null, ctx.time), range);
  for (const o of instancesOf(c, range, ctx)) {
    if (spanOverlaps(o.span, range)) return true;
  }
  return false;
}

function* instancesOf(c: Component, window: Range, ctx: RangeContext): Generator<Occurrence> {
  const set = setContaining(ctx.sets(), c);
  if (!set) return;
  for (const o of occurrences(set, window, ctx.time)) if (o.component === c) yield o;
}

/** RFC 4791 §9.9 VFREEBUSY table. */
function freebusyInRange(c: Component, range: Range, ctx: TimeContext): boolean {
  const start = c.getFirstPropertyValue('dtstart');
  const end = c.getFirstPropertyValue('dtend');
  if (start instanceof ICAL.Time && end instanceof ICAL.Time) {
    return range.start <= toMs(end, ctx) && range.end > toMs(start, ctx);
  }
  return c.getAllProperties('freebusy').some((p) =>
    (p.getValues() as unknown[]).some((v) => v instanceof ICAL.Period && range.start < toMs(v.getEnd(), ctx) && range.end > toMs(v.start, ctx)),
  );
}

interface Trigger {
  /** Absolute trigger times (ms), or offsets from the parent's start or end. */
  absolute: number[];
  offsets: number[];
  relatedToEnd: boolean;
}

/** RFC 5545 §3.8.6.3 TRIGGER with §3.8.6.2 REPEAT/DURATION: the first time and each repeat. */
function triggerOf(alarm: Component, ctx: TimeContext): Trigger | null {
  const prop = alarm.getFirstProperty('trigger');
  const value = prop?.getFirstValue();
  if (!prop) return null;
  const repeat = Number(alarm.getFirstPropertyValue('repeat') ?? 0);
  const every = alarm.getFirstPropertyValue('duration');
  const steps = every instanceof ICAL.Duration && Number.isInteger(repeat) && repeat > 0 ? repeat : 0;
  const stepMs = every instanceof ICAL.Duration ? every.toSeconds() * 1000 : 0;
  const times = (first: number): number[] => Array.from({ length: steps + 1 }, (_, k) => first + k * stepMs);
  if (value instanceof ICAL.Time) return { absolute: times(toMs(value, ctx)), offsets: [], relatedToEnd: false };
  if (!(value instanceof ICAL.Duration)) return null;
  const related: unknown = prop.getParameter('related');
  return { absolute: [], offsets: times(value.toSeconds() * 1000), relatedToEnd: typeof related === 'string' && related.toUpperCase() === 'END' };
}

const inRange = (t: number, r: Range): boolean => r.start <= t && r.end > t;

/** RFC 4791 §9.9 VALARM: (start <= trigger-time) AND (end > trigger-time), for any instance. */
function alarmInRange(alarm: Component, parent: Component, range: Range, ctx: RangeContext): boolean {
  const trigger = triggerOf(alarm, ctx.time);
  if (!trigger) return false;
  if (trigger.absolute.length > 0) return trigger.absolute.some((t) => inRange(t, range));
  const earliest = Math.min(0, ...trigger.offsets);
  const window = { start: range.start, end: range.end - earliest };
  for (const o of instancesOf(parent, window, ctx)) {
    const base = alarmBase(o, trigger.relatedToEnd);
    if (base !== null && trigger.offsets.some((off) => inRange(base + off, range))) return true;
  }
  return false;
}

/** The instant a relative trigger counts from; a VTODO without DTSTART counts from DUE and back. */
function alarmBase(o: Occurrence, relatedToEnd: boolean): number | null {
  const { kind, start, end } = o.span;
  if (kind === 'always' || kind === 'never') return null;
  if (kind === 'completed' || kind === 'created' || kind === 'completed-created') return null;
  return relatedToEnd ? end : start;
}

/** A prop-filter time-range on a DATE, DATE-TIME or PERIOD valued property (RFC 4791 §9.9). */
export function propertyInRange(p: Property, range: Range, ctx: TimeContext): boolean {
  return (p.getValues() as unknown[]).some((v) => {
    if (v instanceof ICAL.Period) return range.start < toMs(v.getEnd(), ctx) && range.end > toMs(v.start, ctx);
    if (!(v instanceof ICAL.Time)) return false;
    const t = toMs(v, ctx);
    if (!v.isDate) return inRange(t, range);
    const next = v.clone();
    next.adjust(1, 0, 0, 0);
    return range.start < toMs(next, ctx) && range.end > t;
  });
}
