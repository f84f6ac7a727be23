/**
 * Time zones from the browser's own IANA data (Intl): wall time in a zone and back, and a
 * FullCalendar plugin so the calendar shows the user's chosen zone (stored in localStorage).
 */
import { createPlugin, type PluginDef } from '@fullcalendar/core';
import { NamedTimeZoneImpl } from '@fullcalendar/core/internal';

export interface Wall { year: number; month: number; day: number; hour: number; minute: number; second: number }

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock time of an instant in a zone. */
export function wallInZone(instant: Date, zone: string): Wall {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(instant)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1, hour: (parts.hour ?? 0) % 24, minute: parts.minute ?? 0, second: parts.second ?? 0 };
}

const wallMs = (w: Wall): number => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/** Minutes east of UTC of a zone at an instant. */
export function offsetMinutes(instant: Date, zone: string): number {
  return Math.round((wallMs(wallInZone(instant, zone)) - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant a wall-clock time in a zone names (the earlier one in a DST overlap). */
export function instantFromWall(w: Wall, zone: string): Date {
  const guess = wallMs(w);
  let t = guess - offsetMinutes(new Date(guess), zone) * 60_000;
  t = guess - offsetMinutes(new Date(t), zone) * 60_000;
  return new Date(t);
}

export const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `YYYY-MM-DDTHH:MM` for a datetime-local input, in a zone. */
export function toLocalInput(instant: Date, zone: string): string {
  const w = wallInZone(instant, zone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

export function fromLocalInput(value: string, zone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  return instantFromWall({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: 0 }, zone);
}

const KEY = 'reefknot.timeZone';
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
export function chosenZone(): string {
  const z = localStorage.getItem(KEY);
  return z && isZone(z) ? z : browserZone();
}
export function chooseZone(zone: string): void {
  localStorage.setItem(KEY, zone);
}
export function isZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}
export function allZones(): string[] {
  const fn = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf;
  return fn ? fn('timeZone') : ['UTC', browserZone()];
}

class IntlZone extends NamedTimeZoneImpl {
  offsetForArray(a: number[]): number {
    const w: Wall = { year: a[0] ?? 1970, month: (a[1] ?? 0) + 1, day: a[2] ?? 1, hour: a[3] ?? 0, minute: a[4] ?? 0, second: a[5] ?? 0 };
    return offsetMinutes(instantFromWall(w, this.timeZoneName), this.timeZoneName);
  }
  timestampToArray(ms: number): number[] {
    const w = wallInZone(new Date(ms), this.timeZoneName);
    return [w.year, w.month - 1, w.day, w.hour, w.minute, w.second, ms % 1000 < 0 ? 0 : ms % 1000];
  }
}

/** FullCalendar named time zones computed with Intl (no extra library). */
export const intlZonePlugin: PluginDef = createPlugin({ name: 'reefknot-intl-zones', namedTimeZonedImpl: IntlZone });
