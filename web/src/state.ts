/** What the parts of the web calendar share once signed in. */
import type { Calendar } from '@fullcalendar/core';
import type { DavClient } from './caldav';
import type { CalendarInfo } from './calendars';
import type { FreeBusySource } from './freebusy';

export interface AppState {
  dav: DavClient;
  calendars: CalendarInfo[];
  hidden: Set<string>;
  zone: string;
  organizer: { address: string; name: string };
  calendar: Calendar | null;
  freeBusy: FreeBusySource;
  /** Re-reads the calendar list and the events shown. */
  reload(): Promise<void>;
  /** Re-reads the events shown. */
  refetch(): void;
}

const HIDDEN_KEY = 'reefknot.hiddenCalendars';
export function loadHidden(): Set<string> {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(HIDDEN_KEY) ?? '[]');
    return new Set(Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}
export function saveHidden(hidden: Set<string>): void {
  localStorage.setItem(HIDDEN_KEY, JSON.stringify([...hidden]));
}

/** Readable text on a calendar colour: black or white by luminance (WCAG contrast). */
export function textOn(color: string): string {
  const m = /^#(..)(..)(..)$/.exec(color);
  if (!m) return '#000';
  const lin = (h: string): number => { const c = parseInt(h, 16) / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const l = 0.2126 * lin(m[1]!) + 0.7152 * lin(m[2]!) + 0.0722 * lin(m[3]!);
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}
