/**
 * The times of one instance of a component and the RFC 4791 §9.9 rule that decides whether it
 * overlaps a time range: the VEVENT table (DTSTART/DTEND/DURATION, all-day events), every row of
 * the VTODO table, the VJOURNAL table. An open bound is -Infinity/+Infinity.
 */
import { addDuration, durationValue, timeValue, toMs, type Component, type Time, type TimeContext } from './time.js';

/** Which row of the RFC 4791 §9.9 tables applies. */
export type SpanKind =
  | 'interval' // VEVENT with DTEND or DURATION > 0, all-day VEVENT/VJOURNAL: start < end-of-range, end > start
  | 'instant' // VEVENT DATE-TIME without end or DURATION 0, VTODO DTSTART only, VJOURNAL DATE-TIME
  | 'todo-duration' // VTODO DTSTART + DURATION
  | 'todo-due' // VTODO DTSTART + DUE
  | 'due' // VTODO DUE only
  | 'completed-created' // VTODO COMPLETED + CREATED (start = CREATED, end = COMPLETED)
  | 'completed' // VTODO COMPLETED only
  | 'created' // VTODO CREATED only
  | 'always' // VTODO without any of these
  | 'never'; // VJOURNAL without DTSTART, or a component with no times

export interface Span {
  kind: SpanKind;
  start: number;
  end: number;
}

export interface Range {
  start: number;
  end: number;
}

/** RFC 4791 §9.9: does the instance overlap [range.start, range.end)? */
export function spanOverlaps(span: Span, range: Range): boolean {
  const { start: a, end: b } = range;
  const { start: s, end: e } = span;
  switch (span.kind) {
    case 'interval':
      return a < e && b > s;
    case 'instant':
      return a <= s && b > s;
    case 'todo-duration':
      return a <= e && (b > s || b >= e);
    case 'todo-due':
      return (a < e || a <= s) && (b > s || b >= e);
    case 'due':
      return a < e && b >= e;
    case 'completed-created':
      return (a <= s || a <= e) && (b >= s || b >= e);
    case 'completed':
      return a <= s && b >= s;
    case 'created':
      return b > s;
    case 'always':
      return true;
    case 'never':
      return false;
  }
}

/**
 * The span of the instance of `c` that starts at `start` (the component's own DTSTART when
 * null is passed for a component without one).
 */
export function spanOf(c: Component, start: Time | null, ctx: TimeContext): Span {
  const at = start ?? timeValue(c, 'dtstart');
  switch (c.name) {
    case 'vtodo':
      return todoSpan(c, at, ctx);
    case 'vjournal':
      return journalSpan(at, ctx);
    default:
      return eventSpan(c, at, ctx);
  }
}

/** RFC 4791 §9.9 VEVENT table; also used for VAVAILABILITY-like components with DTSTART/DTEND. */
function eventSpan(c: Component, start: Time | null, ctx: TimeContext): Span {
  if (!start) return { kind: 'never', start: NaN, end: NaN };
  const s = toMs(start, ctx);
  const end = endTime(c, start);
  if (end) {
    const e = toMs(end, ctx);
    if (e === s && !c.hasProperty('dtend')) return { kind: 'instant', start: s, end: s };
    return { kind: 'interval', start: s, end: Math.max(e, s) };
  }
  // RFC 5545 §3.6.1: a DATE DTSTART without DTEND/DURATION lasts one day; a DATE-TIME one is an instant.
  if (start.isDate) return { kind: 'interval', start: s, end: toMs(nextDay(start), ctx) };
  return { kind: 'instant', start: s, end: s };
}

/** The end of an instance starting at `start`: DTEND/DUE moved by the same offset, or DURATION. */
export function endTime(c: Component, start: Time): Time | null {
  const duration = durationValue(c, 'duration');
  if (duration) return addDuration(start, duration);
  const dtstart = timeValue(c, 'dtstart');
  const end = timeValue(c, c.name === 'vtodo' ? 'due' : 'dtend');
  if (!end) return null;
  if (!dtstart) return end;
  return addDuration(start, end.subtractDateTz(dtstart));
}

function nextDay(t: Time): Time {
  const r = t.clone();
  r.adjust(1, 0, 0, 0);
  return r;
}

/** RFC 4791 §9.9 VTODO table, row by row. */
function todoSpan(c: Component, start: Time | null, ctx: TimeContext): Span {
  const dtstart = start ?? timeValue(c, 'dtstart');
  const duration = durationValue(c, 'duration');
  const due = timeValue(c, 'due');
  if (dtstart) {
    const s = toMs(dtstart, ctx);
    if (duration && !due) return { kind: 'todo-duration', start: s, end: toMs(addDuration(dtstart, duration), ctx) };
    const end = due ? endTime(c, dtstart) : null;
    if (end) return { kind: 'todo-due', start: s, end: toMs(end, ctx) };
    return { kind: 'instant', start: s, end: s };
  }
  if (due) {
    const d = toMs(due, ctx);
    return { kind: 'due', start: d, end: d };
  }
  const completed = timeValue(c, 'completed');
  const created = timeValue(c, 'created');
  if (completed && created) return { kind: 'completed-created', start: toMs(created, ctx), end: toMs(completed, ctx) };
  if (completed) return { kind: 'completed', start: toMs(completed, ctx), end: toMs(completed, ctx) };
  if (created) return { kind: 'created', start: toMs(created, ctx), end: toMs(created, ctx) };
  return { kind: 'always', start: -Infinity, end: Infinity };
}

/** RFC 4791 §9.9 VJOURNAL table. */
function journalSpan(start: Time | null, ctx: TimeContext): Span {
  if (!start) return { kind: 'never', start: NaN, end: NaN };
  const s = toMs(start, ctx);
  if (start.isDate) return { kind: 'interval', start: s, end: toMs(nextDay(start), ctx) };
  return { kind: 'instant', start: s, end: s };
}

/** The span an instance occupies for listing and free-busy: [start, end), end >= start. */
export function spanBounds(span: Span): Range {
  if (span.kind === 'completed-created') return { start: Math.min(span.start, span.end), end: Math.max(span.start, span.end) };
  return { start: span.start, end: Math.max(span.start, span.end) };
}
