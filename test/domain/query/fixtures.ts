/** Test helpers: the RFC 4791 Appendix B resources and small builders for filters. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ICAL from 'ical.js';
import type { Collation, CompFilter, ParamFilter, PropFilter, TextMatch, TimeRange } from '../../../src/domain/query/types.js';

export type Component = InstanceType<typeof ICAL.Component>;

export const APPENDIX_B = ['abcd1', 'abcd2', 'abcd3', 'abcd4', 'abcd5', 'abcd6', 'abcd7', 'abcd8'] as const;

export function fixtureText(name: string): string {
  return readFileSync(join(process.cwd(), 'test', 'fixtures', 'rfc4791', `${name}.ics`), 'utf8');
}

export function parse(text: string): Component {
  return new ICAL.Component(ICAL.parse(text.replace(/\r?\n/g, '\r\n')) as unknown[]);
}

export function fixture(name: string): Component {
  return parse(fixtureText(name));
}

/** UTC text such as 20060104T000000Z to ms. */
export function utc(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) throw new Error(`bad UTC time ${text}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

export function range(start: string | null, end: string | null): TimeRange {
  return { start: start === null ? null : utc(start), end: end === null ? null : utc(end) };
}

export function comp(name: string, parts: Partial<Omit<CompFilter, 'name'>> = {}): CompFilter {
  return { name, isNotDefined: false, propFilters: [], compFilters: [], ...parts };
}

export function calendar(...children: CompFilter[]): CompFilter {
  return comp('VCALENDAR', { compFilters: children });
}

export function prop(name: string, parts: Partial<Omit<PropFilter, 'name'>> = {}): PropFilter {
  return { name, isNotDefined: false, paramFilters: [], ...parts };
}

export function param(name: string, parts: Partial<Omit<ParamFilter, 'name'>> = {}): ParamFilter {
  return { name, isNotDefined: false, ...parts };
}

export function text(value: string, collation: Collation = 'i;ascii-casemap', negate = false): TextMatch {
  return { value, collation, negate };
}

/** A VCALENDAR around the given component lines, with the America/New_York VTIMEZONE when asked. */
export function wrap(body: string, withNewYork = false): Component {
  return parse(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Reefknot//Tests//EN', ...(withNewYork ? [NEW_YORK] : []), body.trim(), 'END:VCALENDAR'].join('\n'));
}

export const NEW_YORK = `BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:DAYLIGHT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE`;

/** calendar-timezone text (RFC 4791 §5.2.2) holding the America/New_York VTIMEZONE. */
export const NEW_YORK_CALENDAR = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Reefknot//Tests//EN', NEW_YORK, 'END:VCALENDAR'].join('\r\n');
