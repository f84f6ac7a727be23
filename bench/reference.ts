/**
 * Reference answers computed from the generator's own instance lists: for a time range, how many
 * objects a calendar-query must return, how many VEVENT instances an expand must produce, and
 * how much busy time a free-busy-query must report. Overlap follows RFC 4791 §9.9 (an instance
 * [s, e) overlaps [start, end) when s < end and e > start); all-day dates are taken in UTC (no
 * calendar-timezone is set); free busy leaves out TRANSP:TRANSPARENT (RFC 4791 §7.10).
 */
import { DAY } from './tz.js';

export interface RangeAnswer {
  hrefs: number;
  instances: number;
  busyMs: number;
}

/** Monday 2026-01-05 00:00Z, the first week the queries use. */
const FIRST_MONDAY = Date.UTC(2026, 0, 5);
const WEEK = 7 * DAY;

/** Start of the j-th query week: 100 distinct weeks over 2026–2027, visited out of order. */
export const queryWeek = (j: number): number => FIRST_MONDAY + ((j * 41) % 100) * WEEK;
/** Weeks kept for warm-up requests (never measured). */
export const warmupWeek = (j: number): number => FIRST_MONDAY + (100 + (j % 4)) * WEEK;
export const WEEK_MS = WEEK;

export class Reference {
  private readonly instances: number[][] = [];
  private readonly opaque: boolean[] = [];

  add(instances: number[], opaque: boolean): void {
    this.instances.push(instances);
    this.opaque.push(opaque);
  }

  get size(): number {
    return this.instances.length;
  }

  /** Total number of instances held (for the report). */
  get instanceCount(): number {
    return this.instances.reduce((n, a) => n + a.length / 2, 0);
  }

  answer(start: number, end: number): RangeAnswer {
    let hrefs = 0;
    let count = 0;
    const busy: Array<[number, number]> = [];
    this.instances.forEach((list, i) => {
      let hit = false;
      for (let k = 0; k + 1 < list.length; k += 2) {
        const s = list[k] ?? 0;
        const e = list[k + 1] ?? 0;
        if (s < end && e > start) {
          hit = true;
          count++;
          if (this.opaque[i]) busy.push([Math.max(s, start), Math.min(e, end)]);
        }
      }
      if (hit) hrefs++;
    });
    return { hrefs, instances: count, busyMs: unionLength(busy) };
  }
}

/** Length of the union of intervals. */
export function unionLength(intervals: Array<[number, number]>): number {
  intervals.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let curS = -Infinity;
  let curE = -Infinity;
  for (const [s, e] of intervals) {
    if (s > curE) {
      if (curE > curS) total += curE - curS;
      curS = s;
      curE = e;
    } else if (e > curE) curE = e;
  }
  if (curE > curS) total += curE - curS;
  return total;
}
