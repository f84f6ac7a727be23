/**
 * iCalendar helpers for the client: VTIMEZONE data for IANA names (RFC 5545 §3.6.5, from
 * timezones-ical-library), reading user-typed dates and durations into RFC 5545 §3.3.4/§3.3.5/
 * §3.3.6 values, and instants shown in a chosen zone.
 */
import ICAL from 'ical.js';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import { resolveTimezones, type TimezoneLookup } from '../domain/ical/timezones.js';
import { ClientError } from './profile.js';

export type Component = InstanceType<typeof ICAL.Component>;
export type Time = InstanceType<typeof ICAL.Time>;

const cache = new Map<string, string | null>();

export const zoneLookup: TimezoneLookup = (tzid) => {
  if (cache.has(tzid)) return cache.get(tzid) ?? null;
  let text: string | null = null;
  try {
    const block = tzlib_get_ical_block(tzid);
    text = Array.isArray(block) && typeof block[0] === 'string' && block[0].includes('BEGIN:VTIMEZONE') ? block[0] : null;
  } catch {
    text = null;
  }
  cache.set(tzid, text);
  return text;
};

/** Parses a VCALENDAR, adding the VTIMEZONEs it names but lacks (RFC 7809 §3.1). */
export function parseCalendar(text: string): Component {
  let root: Component;
  try {
    root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  } catch (e) {
    throw new ClientError(`not valid iCalendar data: ${(e as Error).message}`);
  }
  if (root.name !== 'vcalendar') throw new ClientError('not a VCALENDAR');
  resolveTimezones(root, zoneLookup);
  return root;
}

export function icalZone(tzid: string): InstanceType<typeof ICAL.Timezone> | null {
  const text = zoneLookup(tzid);
  if (!text) return null;
  const c = new ICAL.Component(ICAL.parse(text) as unknown[]);
  return new ICAL.Timezone(c);
}

/** "2026-03-10", "2026-03-10 14:00", "2026-03-10T14:00:00" → a DATE or a DATE-TIME in `tzid`. */
export function parseUserTime(input: string, tzid: string, allDay = false): Time {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?(Z)?$/.exec(input.trim());
  if (!m) throw new ClientError(`cannot read the date '${input}': use YYYY-MM-DD or 'YYYY-MM-DD HH:MM'`, 2);
  const [, y, mo, d, h, mi, s, z] = m;
  const days = new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate();
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > days || Number(h ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(s ?? 0) > 59) {
    throw new ClientError(`there is no such date or time as '${input}'`, 2);
  }
  if (allDay || h === undefined) return new ICAL.Time({ year: Number(y), month: Number(mo), day: Number(d), isDate: true }, ICAL.Timezone.localTimezone);
  const t = new ICAL.Time({ year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s ?? 0), isDate: false }, ICAL.Timezone.localTimezone);
  if (z || tzid === 'UTC') return new ICAL.Time({ ...timeFields(t), isDate: false }, ICAL.Timezone.utcTimezone);
  const zone = icalZone(tzid);
  if (!zone) throw new ClientError(`unknown time zone '${tzid}'`, 2);
  return new ICAL.Time({ ...timeFields(t), isDate: false }, zone);
}

const timeFields = (t: Time): { year: number; month: number; day: number; hour: number; minute: number; second: number } =>
  ({ year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second });

/** "90m", "1h30m", "2d", "1w" or an RFC 5545 §3.3.6 value such as PT1H. */
export function parseUserDuration(input: string): InstanceType<typeof ICAL.Duration> {
  const v = input.trim();
  if (/^[+-]?P/i.test(v)) return ICAL.Duration.fromString(v.toUpperCase());
  const m = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?:in)?)?$/i.exec(v);
  if (!m || v === '') throw new ClientError(`cannot read the duration '${input}': use e.g. 30m, 1h30m, 2d or PT1H`, 2);
  return new ICAL.Duration({ weeks: Number(m[1] ?? 0), days: Number(m[2] ?? 0), hours: Number(m[3] ?? 0), minutes: Number(m[4] ?? 0) });
}

/** Adds a time property, with TZID (and the zone's VTIMEZONE on the calendar) when it has one. */
export function setTime(calendar: Component, comp: Component, name: string, t: Time): void {
  comp.removeAllProperties(name);
  const p = comp.addPropertyWithValue(name, t);
  const tzid = t.zone?.tzid;
  if (!t.isDate && tzid && tzid !== 'UTC' && tzid !== 'floating') {
    p.setParameter('tzid', tzid);
    const has = calendar.getAllSubcomponents('vtimezone').some((z) => z.getFirstPropertyValue('tzid') === tzid);
    const text = zoneLookup(tzid);
    if (!has && text) calendar.addSubcomponent(new ICAL.Component(ICAL.parse(text) as unknown[]));
  }
}

/** An instant shown in a zone, e.g. "Tue 10 Mar 2026 14:00". */
export function showInstant(ms: number, zone: string, withDate = true): string {
  const o: Intl.DateTimeFormatOptions = withDate
    ? { timeZone: zone, weekday: 'short', day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
    : { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  return new Intl.DateTimeFormat('en-GB', o).format(new Date(ms)).replace(/,/g, '');
}

export function showDate(ms: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: '2-digit', month: 'short', year: 'numeric' }).format(new Date(ms)).replace(/,/g, '');
}

/** The master (or only) event/to-do/journal of a calendar object. */
export function mainComponent(root: Component): Component {
  const comps = root.getAllSubcomponents().filter((c) => c.name !== 'vtimezone');
  const c = comps.find((x) => !x.getFirstProperty('recurrence-id')) ?? comps[0];
  if (!c) throw new ClientError('the calendar data holds no event, to-do or journal');
  return c;
}

export function uidOf(text: string): string {
  return String(mainComponent(parseCalendar(text)).getFirstPropertyValue('uid') ?? '');
}

/** UTC instant as iCalendar text, 20260310T130000Z. */
export function utcStamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
