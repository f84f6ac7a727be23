/** What every service is built with: no globals, so tests can pass a fixed clock or a small limit. */
import type { CalendarLimits } from '../domain/ical/limits.js';
import type { TimezoneLookup } from '../domain/ical/timezones.js';
import type { Store } from '../store/types.js';

export interface ServiceContext {
  store: Store;
  /** Milliseconds since the epoch. */
  now: () => number;
  limits: CalendarLimits;
  /** Default per-user quota in bytes for new users; null means unlimited. */
  defaultQuotaBytes: number | null;
  /** IANA VTIMEZONEs for TZIDs objects name without defining (built once by the server). */
  timezones: TimezoneLookup;
  /** The time index horizon around the time of each write (design.md "The store"). */
  index: { horizonBeforeMs: number; horizonAfterMs: number; maxIndexedInstances: number };
}

export const DEFAULT_INDEX = { horizonBeforeMs: 366 * 86_400_000, horizonAfterMs: 3 * 366 * 86_400_000, maxIndexedInstances: 5_000 };

/** Path scheme of design.md "Identity". */
export const PRINCIPALS_PATH = '/principals/';
export const USER_PRINCIPALS_PATH = '/principals/users/';
export const HOMES_PATH = '/calendars/';

export const principalPath = (name: string): string => `${USER_PRINCIPALS_PATH}${name}/`;
export const homePath = (name: string): string => `${HOMES_PATH}${name}/`;
