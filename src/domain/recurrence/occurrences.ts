/**
 * The instances of a recurrence set (RFC 5545 §3.8.5.1–3 EXDATE/RDATE/RRULE, §3.8.4.4
 * RECURRENCE-ID with RANGE=THISANDFUTURE) as a lazy sequence bounded by a window and a work
 * budget: the master's occurrences not overridden, each override at its own times (RFC 4791 §9.9:
 * an overridden instance counts where it is now, not where it was).
 */
import ICAL from 'ical.js';
import type { Override, RecurrenceSet } from './recurrence-set.js';
import { endTime, spanOf, type Range, type Span } from './span.js';
import { addDuration, toMs, timeValue, type Component, type Time, type TimeContext } from './time.js';

export interface Occurrence {
  /** The original start of the instance, ms UTC. */
  recurrenceId: number;
  /** The start as an iCalendar time; null for a VTODO without DTSTART. */
  start: Time | null;
  span: Span;
  /** The master, or the override that defines this instance. */
  component: Component;
  isOverride: boolean;
}

/**
 * Every instance that may overlap `window` (callers test the span), in no particular order: the
 * master's occurrences stop once they start after the window's end.
 */
export function* occurrences(set: RecurrenceSet, window: Range, ctx: TimeContext): Generator<Occurrence> {
  if (set.master) yield* masterOccurrences(set.master, set.overrides, window, ctx);
  for (const o of set.overrides) {
    yield { recurrenceId: o.recurrenceId, start: timeValue(o.component, 'dtstart'), span: spanOf(o.component, null, ctx), component: o.component, isOverride: true };
  }
}

function* masterOccurrences(master: Component, overrides: Override[], window: Range, ctx: TimeContext): Generator<Occurrence> {
  const dtstart = timeValue(master, 'dtstart');
  if (!dtstart) {
    const span = spanOf(master, null, ctx);
    yield { recurrenceId: span.start, start: null, span, component: master, isOverride: false };
    return;
  }
  const replaced = new Set(overrides.map((o) => o.recurrenceId));
  const futures = overrides.filter((o) => o.thisAndFuture);
  const earliestShift = Math.min(0, ...futures.map((o) => o.shiftMs));
  const periods = rdatePeriods(master, ctx);
  const seen = new Set<number>();
  for (const t of startTimes(master, dtstart, window.start + earliestShift, ctx)) {
    const rid = toMs(t, ctx);
    if (rid + earliestShift > window.end) return;
    if (seen.has(rid) || replaced.has(rid)) continue;
    seen.add(rid);
    const future = latestFuture(futures, rid);
    if (future) {
      const start = addDuration(t, future.shift);
      yield { recurrenceId: rid, start, span: spanOf(future.component, start, ctx), component: future.component, isOverride: true };
    } else {
      yield { recurrenceId: rid, start: t.clone(), span: periods.get(rid) ?? spanOf(master, t, ctx), component: master, isOverride: false };
    }
  }
}

/**
 * Instance starts in order from ical.js, one budget step each. RFC 5545 §3.8.5.2: DTSTART is
 * always an instance; ical.js leaves it out when there are RDATEs but no RRULE. A simple rule
 * whose window starts far after DTSTART is first moved forward along its own grid (see
 * fastForward), so a far-away window does not walk millions of earlier instances.
 */
function* startTimes(master: Component, dtstart: Time, windowStart: number, ctx: TimeContext): Generator<Time> {
  const source = fastForward(master, dtstart, windowStart, ctx) ?? { component: master, dtstart };
  const expansion = new ICAL.RecurExpansion({ component: source.component, dtstart: source.dtstart });
  let pendingStart = !master.hasProperty('rrule') && !isExcluded(master, dtstart, ctx);
  for (let next: unknown = expansion.next(); next; next = expansion.next()) {
    ctx.budget.step();
    const t = next instanceof ICAL.Period ? next.start : (next as Time);
    if (pendingStart && toMs(dtstart, ctx) <= toMs(t, ctx)) {
      pendingStart = false;
      yield dtstart;
    }
    yield t;
  }
  if (pendingStart) yield dtstart;
}

/** Grid steps of the simple frequencies, as [unit of Time.adjust, size of one step in ms]. */
const STEPS: Record<string, { days: number; hours: number; minutes: number; seconds: number; ms: number }> = {
  SECONDLY: { days: 0, hours: 0, minutes: 0, seconds: 1, ms: 1_000 },
  MINUTELY: { days: 0, hours: 0, minutes: 1, seconds: 0, ms: 60_000 },
  HOURLY: { days: 0, hours: 1, minutes: 0, seconds: 0, ms: 3_600_000 },
  DAILY: { days: 1, hours: 0, minutes: 0, seconds: 0, ms: 86_400_000 },
  WEEKLY: { days: 7, hours: 0, minutes: 0, seconds: 0, ms: 7 * 86_400_000 },
};
/** Fast-forwarding pays off only past this many skipped steps. */
const FAST_FORWARD_MIN_STEPS = 512;

/**
 * For one RRULE of a simple frequency with no BYxxx parts (RFC 5545 §3.3.10), every instance is
 * DTSTART plus a whole number of INTERVAL steps, so the expansion can start at the last grid point
 * safely before the window (the instance length, a DST hour and two steps of margin), with
 * COUNT reduced by the steps skipped. Returns null when the rule is not of that kind.
 */
function fastForward(master: Component, dtstart: Time, windowStart: number, ctx: TimeContext): { component: Component; dtstart: Time } | null {
  const rules = master.getAllProperties('rrule');
  const rule = rules[0]?.getFirstValue();
  if (rules.length !== 1 || !(rule instanceof ICAL.Recur) || !Number.isFinite(windowStart) || master.hasProperty('rdate')) return null;
  const step = STEPS[rule.freq];
  if (!step || Object.keys(rule.parts ?? {}).length > 0 || dtstart.isDate !== (step.days > 0 && dtstart.isDate)) return null;
  const stepMs = step.ms * (rule.interval || 1);
  // Margin: the instance's own length (it may overlap the window from before) and a DST hour.
  const end = endTime(master, dtstart);
  const lengthMs = end ? Math.max(0, toMs(end, ctx) - toMs(dtstart, ctx)) : 86_400_000;
  const skipped = Math.floor((windowStart - toMs(dtstart, ctx) - lengthMs - 3_600_000) / stepMs) - 2;
  if (skipped < FAST_FORWARD_MIN_STEPS) return null;
  if (rule.count && skipped >= rule.count) return null;
  const moved = dtstart.clone();
  const n = skipped * (rule.interval || 1);
  moved.adjust(step.days * n, step.hours * n, step.minutes * n, step.seconds * n);
  const clone = new ICAL.Component(master.toJSON() as unknown[], master.parent ?? undefined);
  clone.updatePropertyWithValue('dtstart', moved);
  if (rule.count) {
    const shorter = rule.clone();
    shorter.count = rule.count - skipped;
    clone.updatePropertyWithValue('rrule', shorter);
  }
  return { component: clone, dtstart: moved };
}

function isExcluded(master: Component, t: Time, ctx: TimeContext): boolean {
  const ms = toMs(t, ctx);
  return master.getAllProperties('exdate').some((p) => (p.getValues() as unknown[]).some((v) => v instanceof ICAL.Time && toMs(v, ctx) === ms));
}

/** The THISANDFUTURE override in force for an instance: the latest one at or before it. */
function latestFuture(futures: Override[], rid: number): Override | undefined {
  let found: Override | undefined;
  for (const o of futures) if (o.recurrenceId <= rid) found = o;
  return found;
}

/** RDATE;VALUE=PERIOD instances carry their own end (RFC 5545 §3.8.5.2). */
function rdatePeriods(master: Component, ctx: TimeContext): Map<number, Span> {
  const spans = new Map<number, Span>();
  for (const p of master.getAllProperties('rdate')) {
    for (const v of p.getValues() as unknown[]) {
      if (!(v instanceof ICAL.Period)) continue;
      const start = toMs(v.start, ctx);
      spans.set(start, { kind: 'interval', start, end: toMs(v.getEnd(), ctx) });
    }
  }
  return spans;
}
