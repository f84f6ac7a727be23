/**
 * What the store indexes about an object's time (design.md "The store"): the [start, end) of its
 * instances over a horizon, and the part of time the index covers. A time-range query (RFC 4791
 * §9.9) then reads candidates from the index; only candidates are parsed for the exact test.
 * Floating times and DATE values move with the calendar's zone, so their spans are widened by
 * the largest UTC offset: the index may return a few extra candidates, never miss one.
 */
import { ReefknotError } from '../errors.js';
import { instancesOverHorizon } from './instances.js';
import type { Component } from './time.js';

export const FLOATING_MARGIN_MS = 14 * 3_600_000;
/** Index coverage is absolute; ±8.64e15 ms is JavaScript's largest date. */
export const NO_LIMIT = 8.64e15;

export interface TimeIndex {
  /** busy: 0 free (transparent, cancelled, not an event), 1 busy, 2 tentative (RFC 4791 §7.10). */
  spans: { start: number; end: number; busy: 0 | 1 | 2 }[];
  /** The index is complete for [coveredFrom, coveredUntil); outside, the object is always a candidate. */
  coveredFrom: number;
  coveredUntil: number;
  /**
   * True when, inside the covered range, "some span overlaps [s, e)" is exactly the RFC 4791 §9.9
   * test: a VEVENT whose instances all have a length and no floating time. A time-range-only query
   * then needs no parse of this object.
   */
  exact: boolean;
}

export interface TimeIndexOptions {
  /** Milliseconds since the epoch: the horizon is placed around it. */
  now: number;
  horizonBeforeMs: number;
  horizonAfterMs: number;
  /** Most instances indexed for one object; beyond, the object is always a candidate. */
  maxIndexedInstances: number;
}

/** An object the index cannot describe: a candidate for every query. */
export const UNINDEXED: TimeIndex = { spans: [], coveredFrom: NO_LIMIT, coveredUntil: -NO_LIMIT, exact: false };

const FLOATING_RE = /^(DTSTART|DTEND|DUE|RDATE|EXDATE|RECURRENCE-ID|COMPLETED|CREATED)((?:;(?!TZID=)[^:;\r\n]*)*):(\d{8}(T\d{6})?)(,\d{8}(T\d{6})?)*\r?$/im;

/** True when some time of the object is floating or a DATE (evaluated in the calendar's zone). */
export function hasFloatingTimes(text: string): boolean {
  // VTIMEZONE observances are written in local time by definition; they are not event times.
  return FLOATING_RE.test(text.replace(/BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE/gi, ''));
}

const clamp = (ms: number): number => Math.max(-NO_LIMIT, Math.min(NO_LIMIT, ms));

export function timeIndexOf(calendar: Component, text: string, o: TimeIndexOptions): TimeIndex {
  const recurring = calendar.getAllSubcomponents().some((c) => c.getFirstProperty('rrule') || c.getFirstProperty('rdate') || c.getFirstProperty('recurrence-id'));
  const horizon = recurring ? { start: o.now - o.horizonBeforeMs, end: o.now + o.horizonAfterMs } : { start: -Infinity, end: Infinity };
  let result;
  try {
    result = instancesOverHorizon(calendar, horizon, { maxInstances: o.maxIndexedInstances });
  } catch (e) {
    if (e instanceof ReefknotError && e.kind === 'too-many-instances') return UNINDEXED;
    throw e;
  }
  const margin = hasFloatingTimes(text) ? FLOATING_MARGIN_MS : 0;
  const spans = result.instances.map((i) => ({
    start: clamp(i.start - margin), end: clamp(Math.max(i.end, i.start) + margin), busy: i.busy === 'busy' ? 1 as const : i.busy === 'tentative' ? 2 as const : 0 as const,
  }));
  const exact = margin === 0 && calendar.getAllSubcomponents().every((c) => c.name === 'vevent' || c.name === 'vtimezone') && spans.every((s) => s.end > s.start);
  if (!recurring) return { spans, coveredFrom: -NO_LIMIT, coveredUntil: NO_LIMIT, exact };
  // Instances before the horizon are not indexed: a query reaching back there parses the object.
  const startsBefore = recurringStartsBefore(calendar, horizon.start);
  return {
    spans,
    coveredFrom: startsBefore ? clamp(horizon.start + margin) : -NO_LIMIT,
    coveredUntil: result.continues ? clamp(horizon.end - margin) : NO_LIMIT,
    exact,
  };
}

function recurringStartsBefore(calendar: Component, instant: number): boolean {
  return calendar.getAllSubcomponents().some((c) => {
    const v = c.getFirstPropertyValue('dtstart');
    return v !== null && typeof v === 'object' && 'toJSDate' in v && (v as { toJSDate(): Date }).toJSDate().getTime() < instant;
  });
}
