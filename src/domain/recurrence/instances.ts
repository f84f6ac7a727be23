/**
 * The instances of a calendar object over a time range (RFC 5545 §3.8.5 recurrence, §3.8.4.4
 * overrides; RFC 4791 §9.9 overlap rules), bounded by CALDAV:max-instances (RFC 4791 §5.2.8).
 * Used for CALDAV:expand, free-busy, and by the store to materialise its index of instances.
 */
import { occurrences, type Occurrence } from './occurrences.js';
import { recurrenceSets, type RecurrenceSet } from './recurrence-set.js';
import { spanBounds, spanOverlaps, type Range } from './span.js';
import { makeTimeContext, tooMany, type Component, type TimeContext, type TimeOptions } from './time.js';

export interface Instance {
  /** ms UTC of the original start (RECURRENCE-ID value). */
  recurrenceId: number;
  /** ms UTC; a VTODO without any date has -Infinity…Infinity. */
  start: number;
  end: number;
  /** The master or the override that defines this instance. */
  component: Component;
  isOverride: boolean;
}

export type InstanceOptions = TimeOptions;

/** The instances overlapping the range, sorted by start, overrides applied, EXDATEs removed. */
export function expandInstances(calendar: Component, range: Range, options: InstanceOptions): Instance[] {
  return instancesIn(calendar, range, makeTimeContext(options));
}

export function instancesIn(calendar: Component, range: Range, ctx: TimeContext): Instance[] {
  const out: Instance[] = [];
  for (const set of recurrenceSets(calendar, ctx)) {
    for (const o of occurrences(set, range, ctx)) {
      if (!spanOverlaps(o.span, range)) continue;
      if (out.length >= ctx.budget.maxInstances) throw tooMany(ctx.budget.maxInstances);
      out.push(toInstance(o));
    }
  }
  return out.sort((a, b) => a.start - b.start || a.recurrenceId - b.recurrenceId);
}

function toInstance(o: Occurrence): Instance {
  const { start, end } = spanBounds(o.span);
  return { recurrenceId: o.recurrenceId, start, end, component: o.component, isOverride: o.isOverride };
}

const upper = (v: unknown): string => (typeof v === 'string' ? v.toUpperCase() : '');

/** RFC 4791 §7.10: the busy time an event instance gives — transparent and cancelled ones none. */
export function busyKind(c: Component): 'busy' | 'tentative' | null {
  if (upper(c.getFirstPropertyValue('transp')) === 'TRANSPARENT') return null;
  const status = upper(c.getFirstPropertyValue('status'));
  if (status === 'CANCELLED') return null;
  return status === 'TENTATIVE' ? 'tentative' : 'busy';
}

export interface InstanceSpan {
  recurrenceId: number;
  start: number;
  end: number;
  isOverride: boolean;
  /** RFC 4791 §7.10 busy time of the instance: busy, tentative, or null (free: transparent, cancelled, not an event). */
  busy: 'busy' | 'tentative' | null;
}

export interface Horizon {
  /** Every instance overlapping [from, to), sorted. */
  instances: InstanceSpan[];
  /** True when the object has instances starting at or after `to` (an unbounded or longer rule). */
  continues: boolean;
}

/**
 * The [start, end) of every instance between two instants, for the store's index of instances,
 * and whether the set goes on beyond the end. Bounded like expandInstances.
 */
export function instancesOverHorizon(calendar: Component, horizon: Range, options: InstanceOptions): Horizon {
  const ctx = makeTimeContext(options);
  const instances = instancesIn(calendar, horizon, ctx).map(({ recurrenceId, start, end, isOverride, component }) => ({
    recurrenceId, start, end, isOverride, busy: component.name === 'vevent' ? busyKind(component) : null,
  }));
  const continues = recurrenceSets(calendar, ctx).some((set) => continuesAfter(set, horizon.end, ctx));
  return { instances, continues };
}

function continuesAfter(set: RecurrenceSet, end: number, ctx: TimeContext): boolean {
  for (const o of occurrences(set, { start: end, end: Infinity }, ctx)) {
    if (Number.isFinite(o.span.start) && o.span.start >= end) return true;
  }
  return false;
}
