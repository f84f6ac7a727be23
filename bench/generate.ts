/**
 * Deterministic benchmark data: event `i` of seed `s` is always the same iCalendar object, made
 * from its own seeded PRNG, so any event can be rebuilt (or edited) without keeping them all in
 * memory. The mix: singles over two years (2026–2027), all-day events, weekly and daily
 * recurrences (COUNT, UNTIL or open-ended) with EXDATEs and moved overrides, attendees, several
 * time zones with their VTIMEZONEs. Each event also carries its instances in UTC, from which
 * `reference.ts` computes what a correct server must answer (RFC 4791 §9.9 overlap rules).
 */
import { DAY, dateTimeLine, formatDate, formatWall, vtimezone, wallToUtc, type ZoneId } from './tz.js';

export const BASE = Date.UTC(2026, 0, 1);
export const SPAN_DAYS = 730;
/** Open-ended rules are expanded up to here; every query range lies before it. */
export const HORIZON = BASE + 800 * DAY;

/** Where a family of events lies in time. */
export interface Window {
  prefix: string;
  base: number;
  spanDays: number;
  /** Whether rules may be open-ended (no COUNT or UNTIL). */
  open: boolean;
}

/** The calendar's main events: 2026–2027, where every query looks. */
export const MAIN: Window = { prefix: 'bench', base: BASE, spanDays: SPAN_DAYS, open: true };
/**
 * History (--history): 1996–2022, bounded rules only, so none of it reaches the queried weeks:
 * it makes the calendar bigger without changing any query's answer.
 */
export const HISTORY: Window = { prefix: 'hist', base: Date.UTC(1996, 0, 1), spanDays: 27 * 365, open: false };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface GenEvent {
  uid: string;
  /** Resource name inside the calendar collection. */
  name: string;
  ics: string;
  /** Instances as flat [start, end, start, end, …] UTC epoch ms. */
  instances: number[];
  /** False when TRANSP:TRANSPARENT (left out of free-busy, RFC 4791 §7.10). */
  opaque: boolean;
}

/** mulberry32: small, fast and good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
function pick<T>(r: Rand, items: readonly T[]): T {
  const v = items[Math.floor(r() * items.length)];
  if (v === undefined) throw new Error('pick from an empty list');
  return v;
}

const ZONES: readonly ZoneId[] = ['UTC', 'UTC', 'Europe/Berlin', 'Europe/Berlin', 'Europe/Berlin', 'America/New_York', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'];
const WORDS = ['planning', 'review', 'standup', 'lunch', 'budget', 'design', 'retro', 'customer', 'release', 'training', 'sync', 'offsite', 'interview', 'dentist', 'gym', 'workshop', 'roadmap', 'hiring', 'quarterly', 'board'];
const NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Tim', 'Margaret', 'Linus'];
const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;

/** Folds a content line at 75 octets (RFC 5545 §3.1; the text is ASCII). */
function fold(line: string): string {
  if (line.length <= 75) return line;
  const parts = [line.slice(0, 75)];
  for (let i = 75; i < line.length; i += 74) parts.push(' ' + line.slice(i, i + 74));
  return parts.join('\r\n');
}

function sentence(r: Rand, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(pick(r, WORDS));
  return out.join(' ');
}

function attendeeLines(r: Rand, i: number): string[] {
  const org = pick(r, NAMES);
  const lines = [`ORGANIZER;CN=${org}:mailto:${org.toLowerCase()}.${i % 97}@example.net`];
  const n = int(r, 2, 8);
  for (let k = 0; k < n; k++) {
    const who = pick(r, NAMES);
    const partstat = pick(r, ['ACCEPTED', 'ACCEPTED', 'TENTATIVE', 'NEEDS-ACTION', 'DECLINED']);
    lines.push(`ATTENDEE;CN=${who} ${k};ROLE=REQ-PARTICIPANT;PARTSTAT=${partstat};RSVP=TRUE:mailto:${who.toLowerCase()}.${k}@example.org`);
  }
  return lines;
}

interface Rule {
  freq: 'WEEKLY' | 'DAILY';
  interval: number;
  byday: number[];
  count?: number;
  until?: number;
}

/** The wall-time starts of a rule's instances (RFC 5545 §3.3.10 for the subset used here). */
function expandRule(zone: ZoneId, startWall: number, rule: Rule): number[] {
  const out: number[] = [];
  const startDay = startWall - (startWall % DAY);
  const timeOfDay = startWall - startDay;
  const dow0 = new Date(startDay).getUTCDay();
  const weekStart = startDay - ((dow0 + 6) % 7) * DAY; // WKST=MO
  for (let day = startDay; day < HORIZON; day += DAY) {
    const dow = new Date(day).getUTCDay();
    const ok = rule.freq === 'WEEKLY'
      ? Math.floor((day - weekStart) / (7 * DAY)) % rule.interval === 0 && rule.byday.includes(dow)
      : Math.round((day - startDay) / DAY) % rule.interval === 0 && (rule.byday.length === 0 || rule.byday.includes(dow));
    if (!ok) continue;
    const wall = day + timeOfDay;
    if (rule.until !== undefined && wallToUtc(zone, wall) > rule.until) break;
    out.push(wall);
    if (rule.count !== undefined && out.length >= rule.count) break;
  }
  return out;
}

function ruleLine(rule: Rule): string {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.count !== undefined) parts.push(`COUNT=${rule.count}`);
  if (rule.until !== undefined) parts.push(`UNTIL=${formatWall(rule.until)}Z`);
  if (rule.byday.length > 0) parts.push(`BYDAY=${rule.byday.map((d) => DAYS[d] ?? 'MO').join(',')}`);
  return `RRULE:${parts.join(';')}`;
}

function makeRule(r: Rand, zone: ZoneId, startWall: number, weekly: boolean, open: boolean): Rule {
  const dow = new Date(startWall).getUTCDay();
  const rule: Rule = weekly
    ? { freq: 'WEEKLY', interval: r() < 0.8 ? 1 : 2, byday: [dow] }
    : { freq: 'DAILY', interval: 1, byday: r() < 0.5 && dow >= 1 && dow <= 5 ? [1, 2, 3, 4, 5] : [] };
  if (weekly && r() < 0.3) {
    const extra = int(r, 1, 5);
    if (extra !== dow) rule.byday = [...rule.byday, extra].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7));
  }
  const end = r();
  if (end < 0.7) rule.count = weekly ? int(r, 8, 52) : int(r, 5, 40);
  else if (end < 0.9 || !weekly || !open) rule.until = wallToUtc(zone, startWall) + int(r, 20, 300) * DAY + 5 * HOUR + 7 * MINUTE;
  return rule;
}

interface Body {
  lines: string[];
  instances: number[];
}

function singleTimed(r: Rand, zone: ZoneId, w: Window): Body {
  const wall = w.base + int(r, 0, w.spanDays - 1) * DAY + int(r, 7, 19) * HOUR + pick(r, [0, 15, 30, 45]) * MINUTE;
  const dur = pick(r, [30, 45, 60, 60, 90, 120, 180]) * MINUTE;
  return {
    lines: [dateTimeLine('DTSTART', zone, wall), dateTimeLine('DTEND', zone, wall + dur)],
    instances: [wallToUtc(zone, wall), wallToUtc(zone, wall + dur)],
  };
}

function allDay(r: Rand, w: Window): Body {
  const day = w.base + int(r, 0, w.spanDays - 1) * DAY;
  const len = r() < 0.8 ? 1 : int(r, 2, 3);
  return {
    lines: [`DTSTART;VALUE=DATE:${formatDate(day)}`, `DTEND;VALUE=DATE:${formatDate(day + len * DAY)}`],
    instances: [day, day + len * DAY],
  };
}

/** A recurring master plus its overrides (extra VEVENTs with RECURRENCE-ID). */
function recurring(r: Rand, zone: ZoneId, weekly: boolean, head: string[], w: Window): { master: Body; overrides: string[][] } {
  const wall = w.base + int(r, 0, w.spanDays - (weekly ? 130 : 30)) * DAY + int(r, 8, 18) * HOUR + pick(r, [0, 30]) * MINUTE;
  const dur = pick(r, [15, 30, 60, 90]) * MINUTE;
  const rule = makeRule(r, zone, wall, weekly, w.open);
  const starts = expandRule(zone, wall, rule);
  const lines = [dateTimeLine('DTSTART', zone, wall)];
  lines.push(r() < 0.5 ? dateTimeLine('DTEND', zone, wall + dur) : `DURATION:PT${dur / MINUTE}M`);
  lines.push(ruleLine(rule));
  const excluded = new Set<number>();
  const moved = new Map<number, number>();
  if (starts.length > 4) {
    const firstFew = Math.min(starts.length - 1, 20);
    for (let k = int(r, 0, 3); k > 0; k--) excluded.add(int(r, 1, firstFew));
    for (let k = int(r, 0, 2); k > 0; k--) {
      const idx = int(r, 1, firstFew);
      if (!excluded.has(idx)) moved.set(idx, pick(r, weekly ? [HOUR, 2 * HOUR, DAY] : [HOUR, 2 * HOUR, 3 * HOUR]));
    }
  }
  for (const idx of [...excluded].sort((a, b) => a - b)) lines.push(dateTimeLine('EXDATE', zone, starts[idx] ?? wall));
  const instances: number[] = [];
  const overrides: string[][] = [];
  starts.forEach((s, idx) => {
    if (excluded.has(idx)) return;
    const delta = moved.get(idx) ?? 0;
    instances.push(wallToUtc(zone, s + delta), wallToUtc(zone, s + delta + dur));
    if (delta === 0) return;
    overrides.push([
      ...head, dateTimeLine('RECURRENCE-ID', zone, s),
      dateTimeLine('DTSTART', zone, s + delta), dateTimeLine('DTEND', zone, s + delta + dur),
      'SEQUENCE:1', `SUMMARY:${sentence(r, 2)} (moved)`,
    ]);
  });
  return { master: { lines, instances }, overrides };
}

/**
 * Event `i` of `seed`. `edit` > 0 gives the same event edited that many times (new SUMMARY and
 * SEQUENCE, same times), for incremental-sync rounds.
 */
export function generateEvent(seed: number, i: number, edit = 0, w: Window = MAIN): GenEvent {
  const r = prng(Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + i * 0x85ebca6b + (w === MAIN ? 0 : 0x3c6ef372));
  const uid = `${w.prefix}-${seed}-${i}@reefknot.example`;
  const kind = r();
  const zone = pick(r, ZONES);
  const head = [`UID:${uid}`, 'DTSTAMP:20260101T000000Z'];
  let body: Body;
  let overrides: string[][] = [];
  let usedZone: ZoneId = zone;
  if (kind < 0.5) body = singleTimed(r, zone, w);
  else if (kind < 0.62) {
    body = allDay(r, w);
    usedZone = 'UTC';
  } else if (kind < 0.9) {
    const rec = recurring(r, zone, kind < 0.8, head, w);
    body = rec.master;
    overrides = rec.overrides;
  } else body = singleTimed(r, zone, w);
  const transparent = kind >= 0.5 && kind < 0.62 ? r() < 0.5 : r() < 0.05;
  const props = [...head, ...body.lines, `SUMMARY:${sentence(r, int(r, 1, 4))}${edit > 0 ? ` (edit ${edit})` : ''}`];
  if (edit > 0) props.push(`SEQUENCE:${edit}`);
  if (r() < 0.4) props.push(`DESCRIPTION:${sentence(r, int(r, 8, 40))}`);
  if (r() < 0.3) props.push(`LOCATION:Room ${int(r, 1, 40)}\\, building ${pick(r, ['A', 'B', 'C'])}`);
  if (r() < 0.2) props.push(`CATEGORIES:${pick(r, WORDS).toUpperCase()}`);
  // Overrides do not inherit from the master (RFC 5545 §3.8.4.4): they carry these themselves.
  const shared = [...(r() < 0.05 ? ['STATUS:TENTATIVE'] : []), ...(transparent ? ['TRANSP:TRANSPARENT'] : [])];
  props.push(...shared);
  overrides.forEach((o) => o.push(...shared));
  if (kind >= 0.9 || r() < 0.25) props.push(...attendeeLines(r, i));
  const alarm = r() < 0.2 ? ['BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Reminder', 'TRIGGER:-PT15M', 'END:VALARM'] : [];
  const lines = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Reefknot//bench//EN', 'CALSCALE:GREGORIAN',
    ...vtimezone(usedZone),
    'BEGIN:VEVENT', ...props, ...alarm, 'END:VEVENT',
    ...overrides.flatMap((o) => ['BEGIN:VEVENT', ...o, 'END:VEVENT']),
    'END:VCALENDAR',
  ];
  return { uid, name: `${uid.replace(/@.*/, '')}.ics`, ics: lines.map(fold).join('\r\n') + '\r\n', instances: body.instances, opaque: !transparent };
}

/** Object `idx` of a calendar with `events` main events followed by history events. */
export function objectAt(seed: number, events: number, idx: number): GenEvent {
  return idx < events ? generateEvent(seed, idx) : generateEvent(seed, idx - events, 0, HISTORY);
}

/** Name of object `idx` without building it. */
export const objectName = (seed: number, events: number, idx: number): string =>
  idx < events ? `bench-${seed}-${idx}.ics` : `hist-${seed}-${idx - events}.ics`;
