/**
 * Time zones for the benchmark data: the VTIMEZONE text each event carries (RFC 5545 §3.6.5) and
 * the same rules in code, to turn local wall-clock times into UTC when the generator computes the
 * reference answers. Only the current rules are written out (enough for 2026–2028); the wall
 * times the generator uses (07:00–21:00) never fall in a DST gap or overlap.
 */

export type ZoneId = 'UTC' | 'Europe/Berlin' | 'America/New_York' | 'Asia/Tokyo' | 'Australia/Sydney';

const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

interface Rule {
  /** Offset from UTC in standard time, in hours. */
  std: number;
  /** Offset in daylight time, or null without DST. */
  dst: number | null;
  /** Wall time (in standard time) when DST starts in `year`. */
  start?: (year: number) => number;
  /** Wall time (in daylight time) when DST ends in `year`. */
  end?: (year: number) => number;
}

/** Day of the month of the n-th Sunday (n = -1: the last) of `month` (1–12). */
function nthSunday(year: number, month: number, n: number): number {
  if (n > 0) {
    const firstDow = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
    return 1 + ((7 - firstDow) % 7) + (n - 1) * 7;
  }
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const lastDow = new Date(Date.UTC(year, month - 1, lastDay)).getUTCDay();
  return lastDay - lastDow;
}

const at = (year: number, month: number, day: number, hour: number): number => Date.UTC(year, month - 1, day, hour);

const RULES: Record<ZoneId, Rule> = {
  UTC: { std: 0, dst: null },
  'Europe/Berlin': {
    std: 1, dst: 2,
    start: (y) => at(y, 3, nthSunday(y, 3, -1), 2),
    end: (y) => at(y, 10, nthSunday(y, 10, -1), 3),
  },
  'America/New_York': {
    std: -5, dst: -4,
    start: (y) => at(y, 3, nthSunday(y, 3, 2), 2),
    end: (y) => at(y, 11, nthSunday(y, 11, 1), 2),
  },
  'Asia/Tokyo': { std: 9, dst: null },
  'Australia/Sydney': {
    // Southern hemisphere: DST from October to April of the next year.
    std: 10, dst: 11,
    start: (y) => at(y, 10, nthSunday(y, 10, 1), 2),
    end: (y) => at(y, 4, nthSunday(y, 4, 1), 3),
  },
};

/** Offset (ms) of `zone` at the wall time `wall` (wall-clock fields encoded as a UTC epoch). */
function offsetAtWall(zone: ZoneId, wall: number): number {
  const r = RULES[zone];
  if (r.dst === null || !r.start || !r.end) return r.std * HOUR;
  const year = new Date(wall).getUTCFullYear();
  const start = r.start(year);
  const end = r.end(year);
  const inDst = start < end ? wall >= start && wall < end : !(wall >= end && wall < start);
  return (inDst ? r.dst : r.std) * HOUR;
}

/** UTC epoch ms of a wall-clock time in `zone`. */
export function wallToUtc(zone: ZoneId, wall: number): number {
  return wall - offsetAtWall(zone, wall);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `YYYYMMDDTHHMMSS` of a wall time (add `Z` for UTC). */
export function formatWall(wall: number): string {
  const d = new Date(wall);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

/** `YYYYMMDD` of a date (midnight UTC epoch). */
export function formatDate(day: number): string {
  return formatWall(day).slice(0, 8);
}

/** A DATE-TIME property line: `NAME:…Z` in UTC, else `NAME;TZID=…:…`. */
export function dateTimeLine(name: string, zone: ZoneId, wall: number): string {
  return zone === 'UTC' ? `${name}:${formatWall(wall)}Z` : `${name};TZID=${zone}:${formatWall(wall)}`;
}

const VTIMEZONES: Record<Exclude<ZoneId, 'UTC'>, string[]> = {
  'Europe/Berlin': [
    'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin',
    'BEGIN:DAYLIGHT', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'TZNAME:CEST', 'DTSTART:19700329T020000',
    'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'END:DAYLIGHT',
    'BEGIN:STANDARD', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'TZNAME:CET', 'DTSTART:19701025T030000',
    'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'END:STANDARD',
    'END:VTIMEZONE',
  ],
  'America/New_York': [
    'BEGIN:VTIMEZONE', 'TZID:America/New_York',
    'BEGIN:DAYLIGHT', 'TZOFFSETFROM:-0500', 'TZOFFSETTO:-0400', 'TZNAME:EDT', 'DTSTART:20070311T020000',
    'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU', 'END:DAYLIGHT',
    'BEGIN:STANDARD', 'TZOFFSETFROM:-0400', 'TZOFFSETTO:-0500', 'TZNAME:EST', 'DTSTART:20071104T020000',
    'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU', 'END:STANDARD',
    'END:VTIMEZONE',
  ],
  'Asia/Tokyo': [
    'BEGIN:VTIMEZONE', 'TZID:Asia/Tokyo',
    'BEGIN:STANDARD', 'TZOFFSETFROM:+0900', 'TZOFFSETTO:+0900', 'TZNAME:JST', 'DTSTART:19700101T000000', 'END:STANDARD',
    'END:VTIMEZONE',
  ],
  'Australia/Sydney': [
    'BEGIN:VTIMEZONE', 'TZID:Australia/Sydney',
    'BEGIN:STANDARD', 'TZOFFSETFROM:+1100', 'TZOFFSETTO:+1000', 'TZNAME:AEST', 'DTSTART:20080406T030000',
    'RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU', 'END:STANDARD',
    'BEGIN:DAYLIGHT', 'TZOFFSETFROM:+1000', 'TZOFFSETTO:+1100', 'TZNAME:AEDT', 'DTSTART:20081005T020000',
    'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU', 'END:DAYLIGHT',
    'END:VTIMEZONE',
  ],
};

/** The VTIMEZONE lines for `zone` (none for UTC). */
export function vtimezone(zone: ZoneId): string[] {
  return zone === 'UTC' ? [] : VTIMEZONES[zone];
}
