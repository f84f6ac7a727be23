/**
 * Checks one calendar object resource against RFC 4791 §4.1 and §5.3.2.1 (one UID, one component
 * type, no METHOD) and the server's limits, and extracts the summary row the store indexes.
 * Pure: text in, facts out (or a ReefknotError naming the broken rule).
 */
import ICAL from 'ical.js';
import { ReefknotError } from '../errors.js';
import type { CalendarLimits } from './limits.js';
import { resolveTimezones, type TimezoneLookup } from './timezones.js';

export const CALENDAR_COMPONENTS = ['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY', 'VAVAILABILITY'] as const;
export type CalendarComponentType = (typeof CALENDAR_COMPONENTS)[number];

export interface CalendarObjectInfo {
  uid: string;
  componentType: CalendarComponentType;
  /** True when the master has RRULE/RDATE or there are overridden instances. */
  recurring: boolean;
  /** Earliest start of any instance, ms UTC; null when the object has no start (a VTODO without dates). */
  firstStart: number | null;
  /** Latest end of any instance, ms UTC; null when open-ended (an unbounded rule). */
  lastEnd: number | null;
  organizer: string | null;
  attendees: string[];
  summary: string | null;
  /** The parsed VCALENDAR, with IANA VTIMEZONEs added for TZIDs it named without defining. */
  calendar: Component;
}

type Component = InstanceType<typeof ICAL.Component>;
type Time = InstanceType<typeof ICAL.Time>;

export function parseIcalendar(text: string, limits: Pick<CalendarLimits, 'maxLineLength'>): Component {
  checkLines(text, limits.maxLineLength);
  let jcal: unknown;
  try {
    jcal = ICAL.parse(text);
  } catch (e) {
    throw new ReefknotError('invalid-calendar-data', `The iCalendar data cannot be parsed: ${(e as Error).message}`);
  }
  if (Array.isArray(jcal) && Array.isArray(jcal[0])) {
    throw new ReefknotError('invalid-calendar-object', 'The body holds more than one VCALENDAR object');
  }
  const root = new ICAL.Component(jcal as unknown[]);
  if (root.name !== 'vcalendar') {
    throw new ReefknotError('invalid-calendar-data', `The body must be a VCALENDAR, not ${root.name.toUpperCase()}`);
  }
  return root;
}

function checkLines(text: string, maxLineLength: number): void {
  if (!/^\s*BEGIN:VCALENDAR/i.test(text)) {
    throw new ReefknotError('invalid-calendar-data', 'iCalendar data must begin with BEGIN:VCALENDAR');
  }
  let lineStart = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text.charCodeAt(i) === 10) {
      if (i - lineStart > maxLineLength) {
        throw new ReefknotError('invalid-calendar-data', `A content line is longer than ${maxLineLength} characters`);
      }
      lineStart = i + 1;
    }
  }
}

export function analyseCalendarObject(text: string, limits: CalendarLimits, timezones: TimezoneLookup = () => null): CalendarObjectInfo {
  if (Buffer.byteLength(text) > limits.maxResourceSize) {
    throw new ReefknotError('too-large', `The calendar object is larger than the ${limits.maxResourceSize} bytes allowed`);
  }
  const root = parseIcalendar(text, limits);
  checkTimezoneIds(root);
  resolveTimezones(root, timezones);
  if (root.getFirstProperty('method')) {
    throw new ReefknotError('invalid-calendar-object', 'A stored calendar object must not have a METHOD property (RFC 4791 §4.1)');
  }
  const all = root.getAllSubcomponents();
  if (countComponents(root) > limits.maxComponents) {
    throw new ReefknotError('invalid-calendar-data', `The object has more than ${limits.maxComponents} components`);
  }
  const main = all.filter((c) => c.name !== 'vtimezone');
  if (main.length === 0) throw new ReefknotError('invalid-calendar-object', 'The VCALENDAR holds no VEVENT, VTODO, VJOURNAL or VFREEBUSY');
  const types = new Set(main.map((c) => c.name.toUpperCase()));
  if (types.size > 1) {
    throw new ReefknotError('invalid-calendar-object', `One resource may hold one component type only, not ${[...types].join(' and ')}`);
  }
  const componentType = [...types][0] as string;
  if (!(CALENDAR_COMPONENTS as readonly string[]).includes(componentType)) {
    throw new ReefknotError('invalid-calendar-object', `${componentType} is not a calendar component`);
  }
  const uids = new Set(main.map((c) => String(c.getFirstPropertyValue('uid') ?? '')));
  if (uids.has('')) {
    throw new ReefknotError('invalid-calendar-object', `Every ${componentType} needs a UID`);
  }
  if (uids.size > 1) throw new ReefknotError('invalid-calendar-object', 'All components of one resource must share one UID (RFC 4791 §4.1)');
  checkRecurrenceIds(main);
  const times = collectTimes(main, limits);
  checkAttendees(main, limits.maxAttendeesPerInstance);
  const master = main.find((c) => !c.getFirstProperty('recurrence-id')) ?? main[0];
  const organizer = master?.getFirstPropertyValue('organizer');
  return {
    uid: String([...uids][0]),
    componentType: componentType as CalendarComponentType,
    recurring: times.recurring,
    firstStart: times.firstStart,
    lastEnd: times.lastEnd,
    organizer: typeof organizer === 'string' ? organizer : null,
    attendees: unique(main.flatMap((c) => c.getAllProperties('attendee').map((p) => String(p.getFirstValue())))),
    summary: stringOrNull(master?.getFirstPropertyValue('summary')),
    calendar: root,
  };
}

function countComponents(c: Component): number {
  return c.getAllSubcomponents().reduce((n, s) => n + 1 + countComponents(s), 0);
}

function checkRecurrenceIds(main: Component[]): void {
  const seen = new Set<string>();
  let masters = 0;
  for (const c of main) {
    const rid = c.getFirstPropertyValue('recurrence-id');
    if (!rid) {
      masters++;
      continue;
    }
    const key = String(rid);
    if (seen.has(key)) throw new ReefknotError('invalid-calendar-object', `RECURRENCE-ID ${key} appears twice`);
    seen.add(key);
  }
  if (masters > 1) throw new ReefknotError('invalid-calendar-object', 'Only one component may lack a RECURRENCE-ID');
}

function checkTimezoneIds(root: Component): void {
  const zones = root.getAllSubcomponents('vtimezone');
  const ids = new Set<string>();
  for (const z of zones) {
    const id = z.getFirstPropertyValue('tzid');
    if (!id) throw new ReefknotError('invalid-calendar-data', 'A VTIMEZONE has no TZID');
    if (ids.has(String(id))) throw new ReefknotError('invalid-calendar-data', `VTIMEZONE ${String(id)} is defined twice`);
    ids.add(String(id));
  }
  // A TZID without a VTIMEZONE is tolerated (RFC 7809 §3.1): IANA names are resolved by the caller's lookup.
}

interface TimeFacts {
  recurring: boolean;
  firstStart: number | null;
  lastEnd: number | null;
}

const DATE_PROPS = ['dtstart', 'dtend', 'due', 'recurrence-id', 'exdate', 'rdate', 'completed'];

function collectTimes(main: Component[], limits: CalendarLimits): TimeFacts {
  let firstStart: number | null = null;
  let lastEnd: number | null = null;
  let openEnded = false;
  let recurring = main.length > 1;
  for (const c of main) {
    for (const name of DATE_PROPS) {
      for (const p of c.getAllProperties(name)) {
        for (const v of p.getValues()) {
          const ms = timeValueMs(v);
          if (ms === null) continue;
          if (ms < limits.minDateTime) throw new ReefknotError('before-min-date', `${name.toUpperCase()} is earlier than the server's min-date-time`);
          if (ms > limits.maxDateTime) throw new ReefknotError('after-max-date', `${name.toUpperCase()} is later than the server's max-date-time`);
        }
      }
    }
    const start = timeValueMs(c.getFirstPropertyValue('dtstart'));
    const end = endOf(c, start);
    if (start !== null) firstStart = firstStart === null ? start : Math.min(firstStart, start);
    if (end !== null) lastEnd = lastEnd === null ? end : Math.max(lastEnd, end);
    if (c.getFirstProperty('rrule') || c.getFirstProperty('rdate')) {
      recurring = true;
      if (!c.getFirstProperty('recurrence-id')) {
        const last = lastInstanceEnd(c, limits);
        if (last === 'open') openEnded = true;
        else if (last !== null) lastEnd = lastEnd === null ? last : Math.max(lastEnd, last);
      }
    }
  }
  return { recurring, firstStart, lastEnd: openEnded ? null : lastEnd };
}

function timeValueMs(v: unknown): number | null {
  if (v instanceof ICAL.Time) return v.toJSDate().getTime();
  if (v instanceof ICAL.Period) return v.start.toJSDate().getTime();
  return null;
}

function endOf(c: Component, start: number | null): number | null {
  const end = timeValueMs(c.getFirstPropertyValue('dtend') ?? c.getFirstPropertyValue('due'));
  if (end !== null) return end;
  if (start === null) return null;
  const duration = c.getFirstPropertyValue('duration');
  if (duration instanceof ICAL.Duration) return start + duration.toSeconds() * 1000;
  const dtstart = c.getFirstPropertyValue('dtstart');
  // RFC 5545 §3.6.1: an all-day VEVENT without DTEND lasts one day.
  if (dtstart instanceof ICAL.Time && dtstart.isDate) return start + 86_400_000;
  return start;
}

/** End of the last instance of a finite recurrence set; 'open' for unbounded rules. Bounded by max-instances. */
function lastInstanceEnd(master: Component, limits: CalendarLimits): number | 'open' | null {
  const rules = master.getAllProperties('rrule').map((p) => p.getFirstValue() as InstanceType<typeof ICAL.Recur>);
  if (rules.some((r) => !r.isFinite())) return 'open';
  const dtstart = master.getFirstPropertyValue('dtstart');
  if (!(dtstart instanceof ICAL.Time)) return null;
  const start = dtstart.toJSDate().getTime();
  const duration = (endOf(master, start) ?? start) - start;
  const expansion = new ICAL.RecurExpansion({ component: master, dtstart });
  let count = 0;
  let last: Time | null = null;
  for (let next = expansion.next(); next; next = expansion.next()) {
    if (++count > limits.maxInstances) {
      throw new ReefknotError('too-many-instances', `The recurrence has more than the ${limits.maxInstances} instances allowed`);
    }
    last = next;
  }
  return last ? last.toJSDate().getTime() + duration : null;
}

function checkAttendees(main: Component[], max: number): void {
  for (const c of main) {
    const n = c.getAllProperties('attendee').length;
    if (n > max) throw new ReefknotError('too-many-attendees', `An instance has ${n} attendees; at most ${max} are allowed`);
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

function stringOrNull(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
