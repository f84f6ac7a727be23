/** What every service is built with: no globals, so tests can pass a fixed clock or a small limit. */
import type { CalendarLimits } from '../domain/ical/limits.js';
import type { Store } from '../store/types.js';

export interface ServiceContext {
  store: Store;
  /** Milliseconds since the epoch. */
  now: () => number;
  limits: CalendarLimits;
  /** Default per-user quota in bytes for new users; null means unlimited. */
  defaultQuotaBytes: number | null;
}

/** Path scheme of design.md "Identity". */
export const PRINCIPALS_PATH = '/principals/';
export const USER_PRINCIPALS_PATH = '/principals/users/';
export const HOMES_PATH = '/calendars/';

export const principalPath = (name: string): string => `${USER_PRINCIPALS_PATH}${name}/`;
export const homePath = (name: string): string => `${HOMES_PATH}${name}/`;
