/**
 * `npm run loadtest [-- options]`: a bounded load generator on loopback, measured, not a CI gate.
 * Two setups run one after the other: (A) one `reefknot serve` on SQLite, (B) two `reefknot serve`
 * processes sharing one throwaway PostgreSQL database (test/helpers/postgres.ts), the clients
 * spread round-robin over them. Each setup gets N users (`reefknot user add`) whose default
 * calendars are seeded with events, then C virtual clients loop for D seconds over a weighted mix
 * of what calendar clients do: sync polls (RFC 6578), week queries (RFC 4791 calendar-query),
 * event writes guarded by If-Match / If-None-Match, invitations to other local users and replies
 * to them (implicit scheduling, RFC 6638). At the end every object written is read back through
 * every server: the last successful write of each name must be what is stored ("lost writes").
 *
 * Stdout gets a markdown report (per operation: count, ops/s, p50/p99, conflicts, errors; the
 * servers' and PostgreSQL's CPU time; the lost-write check; the comparison of the two setups);
 * stderr gets progress. Exit code 1 when any request failed or a write was lost. Run it from the
 * repository root: the servers are `bin/reefknot.js`, i.e. the built dist/.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { postgresMissing, startPostgres, type PgCluster } from '../test/helpers/postgres.js';
import { BIN, startServe, stopServe, type ServeProcess } from '../test/helpers/serve-process.js';

const HELP = `usage: npm run loadtest -- [options]   (or: node dist/bench/loadtest.js [options], from the repository root)
  --users N            users, each with a seeded calendar (default 20, at least 3)
  --clients C          concurrent virtual clients; client i is a device of user i mod N (default 16;
                       more clients than users gives users several devices, whose writes race)
  --seconds D          measured seconds per setup (default 30)
  --events-per-user E  events seeded into each calendar before measuring (default 200)
  --only KIND          run one setup: sqlite or postgres
  --json FILE          write the raw numbers (every latency) as JSON
  --help               this text`;

const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

type SetupKind = 'sqlite' | 'postgres';

interface Options {
  users: number;
  clients: number;
  seconds: number;
  eventsPerUser: number;
  only: SetupKind | null;
  json: string | null;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      users: { type: 'string' }, clients: { type: 'string' }, seconds: { type: 'string' }, 'events-per-user': { type: 'string' },
      only: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean' },
    },
  });
  if (values.help) {
    log(HELP);
    process.exit(0);
  }
  const number = (v: string | undefined, dflt: number, name: string, min: number): number => {
    const n = v === undefined ? dflt : Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}`);
    return n;
  };
  if (values.only !== undefined && values.only !== 'sqlite' && values.only !== 'postgres') throw new Error('--only must be sqlite or postgres');
  return {
    // Three users at least: an invitation goes to two users other than the organizer.
    users: Math.floor(number(values.users, 20, 'users', 3)),
    clients: Math.floor(number(values.clients, 16, 'clients', 1)),
    seconds: number(values.seconds, 30, 'seconds', 0.1),
    eventsPerUser: Math.floor(number(values['events-per-user'], 200, 'events-per-user', 1)),
    only: values.only ?? null,
    json: values.json ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Randomness: seeded, so that two runs (and the two setups) get the same events and the same mix.

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** mulberry32: uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    const v = items[this.int(items.length)];
    if (v === undefined) throw new Error('pick from an empty list');
    return v;
  }

  weighted<K>(table: readonly (readonly [K, number])[]): K {
    const total = table.reduce((a, [, w]) => a + w, 0);
    let r = this.next() * total;
    for (const [k, w] of table) {
      if ((r -= w) < 0) return k;
    }
    const last = table[table.length - 1];
    if (!last) throw new Error('empty weight table');
    return last[0];
  }
}

// ---------------------------------------------------------------------------------------------
// The operations, their mix and what is recorded about them.

const OPS = ['sync', 'week', 'create', 'update', 'invite', 'reply', 'noReply'] as const;
type Op = (typeof OPS)[number];

const LABEL: Record<Op, string> = {
  sync: 'sync poll (sync-collection)',
  week: 'week query (calendar-query)',
  create: 'PUT create (If-None-Match: *)',
  update: 'PUT update (If-Match)',
  invite: 'invitation (PUT, 2 local attendees)',
  reply: 'reply (lookup query + PUT ACCEPTED)',
  noReply: 'reply lookup, nothing pending (then a sync poll)',
};

/** What a client does next, by weight; a PUT is a create or (when it knows an event) an update. */
const MIX: readonly (readonly ['sync' | 'week' | 'put' | 'invite' | 'reply', number])[] = [
  ['sync', 40], ['week', 25], ['put', 20], ['invite', 10], ['reply', 5],
];

type Outcome = { kind: 'ok' } | { kind: 'conflict' } | { kind: 'error'; key: string; sample: string };

interface OpRecord {
  latenciesMs: number[];
  conflicts: number;
  errors: Map<string, number>;
  /** One response per error kind, for the report. */
  samples: Map<string, string>;
}

class Recorder {
  readonly ops = new Map<Op, OpRecord>(OPS.map((op) => [op, { latenciesMs: [], conflicts: 0, errors: new Map(), samples: new Map() }]));
  /** Objects returned by the week queries, to show that they find something. */
  weekObjects = 0;

  record(op: Op, ms: number, outcome: Outcome): void {
    const r = this.get(op);
    r.latenciesMs.push(ms);
    if (outcome.kind === 'conflict') r.conflicts++;
    if (outcome.kind === 'error') {
      r.errors.set(outcome.key, (r.errors.get(outcome.key) ?? 0) + 1);
      if (!r.samples.has(outcome.key)) r.samples.set(outcome.key, outcome.sample);
    }
  }

  get(op: Op): OpRecord {
    const r = this.ops.get(op);
    if (!r) throw new Error(`unknown operation ${op}`);
    return r;
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP: Node's fetch (undici, keep-alive), one latency per request including the body.

const REQUEST_TIMEOUT_MS = 60_000;

interface HttpResult {
  status: number;
  text: string;
  etag: string | null;
  ms: number;
}

async function http(base: string, auth: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<HttpResult> {
  const t0 = performance.now();
  try {
    const res = await fetch(base + path, { method, headers: { authorization: auth, ...headers }, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await res.text();
    return { status: res.status, text, etag: res.headers.get('etag'), ms: performance.now() - t0 };
  } catch (e) {
    // status 0: the request never got an HTTP answer (refused, reset, timed out).
    return { status: 0, text: errorText(e), etag: null, ms: performance.now() - t0 };
  }
}

function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${e.message}${cause}`;
}

/**
 * 2xx (207 included) is success; 412 on a conditional request is a lost race, expected under
 * concurrency and harmless since nothing was written; anything else is an error.
 */
function outcomeOf(r: HttpResult, method: string, path: string, conditional: boolean): Outcome {
  if (r.status >= 200 && r.status < 300) return { kind: 'ok' };
  if (r.status === 412 && conditional) return { kind: 'conflict' };
  const key = r.status === 0 ? `network error (${r.text.slice(0, 80)})` : String(r.status);
  return { kind: 'error', key, sample: `${method} ${path} → ${r.status || 'no response'}: ${r.text.trim().slice(0, 600)}` };
}

const XML_HEADERS = { 'content-type': 'application/xml; charset=utf-8', depth: '1' };
const ICS_HEADERS = { 'content-type': 'text/calendar; charset=utf-8' };

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unescapeXml = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#13;/g, '\r').replace(/&#10;/g, '\n').replace(/&amp;/g, '&');

function syncBody(token: string): string {
  const t = token ? `<D:sync-token>${escapeXml(token)}</D:sync-token>` : '<D:sync-token/>';
  return `<?xml version="1.0" encoding="utf-8"?><D:sync-collection xmlns:D="DAV:">${t}<D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`;
}

/** The week every client looks at; the seeded events surround it. */
const WEEK_QUERY = '<?xml version="1.0" encoding="utf-8"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">' +
  '<D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">' +
  '<C:time-range start="20260105T000000Z" end="20260112T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>';

/**
 * Invitations this user has not answered: organized by someone else, with the user's ATTENDEE
 * carrying no PARTSTAT (RFC 5545's default NEEDS-ACTION; the organizer here never writes one for
 * invitees). RFC 4791 §9.7.2: one ATTENDEE must satisfy both the text-match and the param-filter.
 */
function pendingInvitationsQuery(email: string): string {
  const me = escapeXml(`mailto:${email}`);
  return '<?xml version="1.0" encoding="utf-8"?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">' +
    '<D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">' +
    `<C:prop-filter name="ORGANIZER"><C:text-match negate-condition="yes">${me}</C:text-match></C:prop-filter>` +
    `<C:prop-filter name="ATTENDEE"><C:text-match>${me}</C:text-match><C:param-filter name="PARTSTAT"><C:is-not-defined/></C:param-filter></C:prop-filter>` +
    '</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>';
}

interface DavEntry {
  href: string;
  etag: string | null;
  data: string | null;
}

// Prefix agnostic: every server picks its own namespace prefixes.
const RESPONSE = /<(?:[\w.-]+:)?response\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?response>/g;
const HREF = /<(?:[\w.-]+:)?href\b[^>]*>([^<]*)<\//;
const GETETAG = /<(?:[\w.-]+:)?getetag\b[^>]*>([^<]*)<\//;
const CALDATA = /<(?:[\w.-]+:)?calendar-data\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?calendar-data>/;
const SYNC_TOKEN = /<(?:[\w.-]+:)?sync-token\b[^>]*>([^<]*)<\//g;

function parseMultistatus(xml: string): DavEntry[] {
  const out: DavEntry[] = [];
  for (const m of xml.matchAll(RESPONSE)) {
    const body = m[1] ?? '';
    const href = HREF.exec(body)?.[1];
    if (href === undefined) continue;
    const etag = GETETAG.exec(body)?.[1];
    const data = CALDATA.exec(body)?.[1];
    out.push({
      href: decodeURIComponent(unescapeXml(href)),
      etag: etag ? unescapeXml(etag) : null,
      data: data === undefined ? null : calendarDataText(data),
    });
  }
  return out;
}

function calendarDataText(raw: string): string {
  const cdata = /^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/.exec(raw);
  return cdata ? (cdata[1] ?? '') : unescapeXml(raw);
}

/** The sync-token of the multistatus: the last one, since each response element may not carry one. */
function syncTokenOf(xml: string): string | null {
  let token: string | null = null;
  for (const m of xml.matchAll(SYNC_TOKEN)) token = unescapeXml(m[1] ?? '');
  return token;
}

// ---------------------------------------------------------------------------------------------
// iCalendar: what the clients write and the little they read back.

const DAY = 86_400_000;
/** Events fall in the 13 weeks from 1 December 2025, around the queried week of 5 January 2026. */
const RANGE_START = Date.UTC(2025, 11, 1);
const RANGE_DAYS = 91;
const SUMMARIES = ['Standup', '1:1', 'Planning', 'Review', 'Lunch', 'Design sync', 'Customer call', 'Retro'];

interface EventSpec {
  uid: string;
  startMs: number;
  minutes: number;
  summary: string;
  /** Goes into DESCRIPTION: the marker the lost-write check looks for. */
  marker: string;
  rrule: string | null;
  organizer: string | null;
  attendees: string[];
}

const utc = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

function eventIcs(e: EventSpec): string {
  const lines = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Reefknot loadtest//EN', 'BEGIN:VEVENT',
    `UID:${e.uid}`, `DTSTAMP:${utc(Date.now())}`, `DTSTART:${utc(e.startMs)}`, `DTEND:${utc(e.startMs + e.minutes * 60_000)}`,
    `SUMMARY:${e.summary}`, `DESCRIPTION:${e.marker}`,
  ];
  if (e.rrule) lines.push(`RRULE:${e.rrule}`);
  if (e.organizer) {
    // No PARTSTAT for invitees: that is how pendingInvitationsQuery finds unanswered ones.
    lines.push(`ORGANIZER:mailto:${e.organizer}`, `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${e.organizer}`);
    for (const a of e.attendees) lines.push(`ATTENDEE;RSVP=TRUE:mailto:${a}`);
  }
  lines.push('END:VEVENT', 'END:VCALENDAR', '');
  return lines.join('\r\n');
}

/** A plain event somewhere in the range: office hours, some weekly (a few without end). */
function randomEvent(rng: Rng, uid: string, marker: string): EventSpec {
  const startMs = RANGE_START + rng.int(RANGE_DAYS) * DAY + (8 + rng.int(10)) * 3_600_000 + rng.int(2) * 1_800_000;
  const r = rng.next();
  const rrule = r < 0.15 ? 'FREQ=WEEKLY;COUNT=12' : r < 0.2 ? 'FREQ=WEEKLY' : null;
  return { uid, startMs, minutes: rng.pick([30, 60, 60, 90]), summary: rng.pick(SUMMARIES), marker, rrule, organizer: null, attendees: [] };
}

const unfold = (ics: string): string => ics.replace(/\r?\n[ \t]/g, '');
const icsLines = (ics: string): string[] => unfold(ics).split(/\r?\n/);

interface ContentLine {
  name: string;
  params: string[];
  value: string;
}

/** NAME;PARAM=..;PARAM="..":VALUE, with quoted parameter values that may hold ; and :. */
function parseLine(line: string): ContentLine | null {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charAt(i);
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === ';' || ch === ':')) {
      parts.push(cur);
      cur = '';
      if (ch === ':') {
        const [name = '', ...params] = parts;
        return { name: name.toUpperCase(), params, value: line.slice(i + 1) };
      }
      continue;
    }
    cur += ch;
  }
  return null;
}

const isAddress = (value: string, email: string): boolean => value.trim().toLowerCase() === `mailto:${email.toLowerCase()}`;

/** The PARTSTAT of the user's ATTENDEE (NEEDS-ACTION when absent), or null when not invited. */
function partstatOf(ics: string, email: string): string | null {
  for (const line of icsLines(ics)) {
    const p = parseLine(line);
    if (!p || p.name !== 'ATTENDEE' || !isAddress(p.value, email)) continue;
    const ps = p.params.find((x) => /^PARTSTAT=/i.test(x));
    return ps ? ps.slice('PARTSTAT='.length).replace(/"/g, '').toUpperCase() : 'NEEDS-ACTION';
  }
  return null;
}

function organizerOf(ics: string): string | null {
  for (const line of icsLines(ics)) {
    const p = parseLine(line);
    if (p?.name === 'ORGANIZER') return p.value.trim().toLowerCase();
  }
  return null;
}

function uidOf(ics: string): string | null {
  return /^UID:(.*)$/m.exec(unfold(ics).replace(/\r/g, ''))?.[1]?.trim() ?? null;
}

/** The attendee's copy with their answer: PARTSTAT=ACCEPTED on their ATTENDEE, RSVP dropped. */
function accepted(ics: string, email: string): string {
  return icsLines(ics).map((line) => {
    const p = parseLine(line);
    if (!p || p.name !== 'ATTENDEE' || !isAddress(p.value, email)) return line;
    const params = p.params.filter((x) => !/^(PARTSTAT|RSVP)=/i.test(x));
    return `${['ATTENDEE', ...params, 'PARTSTAT=ACCEPTED'].join(';')}:${p.value}`;
  }).join('\r\n');
}

// ---------------------------------------------------------------------------------------------
// The ledger of successful writes, checked against the stores at the end.

interface User {
  name: string;
  email: string;
  auth: string;
  calendar: string;
}

type Expectation = { kind: 'marker'; marker: string } | { kind: 'accepted'; email: string };

interface LedgerEntry {
  user: User;
  path: string;
  /** When the write was sent: two successful conditional writes of one name cannot overlap, so the later-sent one is the later-committed one. */
  sentAt: number;
  expect: Expectation;
}

class Ledger {
  private readonly entries = new Map<string, LedgerEntry>();

  note(entry: LedgerEntry): void {
    const e = entry.expect;
    const key = `${entry.user.name} ${entry.path} ${e.kind === 'marker' ? '' : e.email}`;
    const prev = this.entries.get(key);
    if (!prev || prev.sentAt <= entry.sentAt) this.entries.set(key, entry);
  }

  /** The entries grouped by object, so that each object is read once per server. */
  byObject(): Map<string, LedgerEntry[]> {
    const out = new Map<string, LedgerEntry[]>();
    for (const e of this.entries.values()) {
      const key = `${e.user.name} ${e.path}`;
      out.set(key, [...(out.get(key) ?? []), e]);
    }
    return out;
  }
}

function satisfied(body: string, e: Expectation): boolean {
  if (e.kind === 'marker') return icsLines(body).includes(`DESCRIPTION:${e.marker}`);
  return partstatOf(body, e.email) === 'ACCEPTED';
}

// ---------------------------------------------------------------------------------------------
// A virtual client: one device of one user, on one server, doing one thing at a time.

interface RunContext {
  users: User[];
  rec: Recorder;
  ledger: Ledger;
  /** UID of each invitation sent → where the organizer's copy is. */
  invitations: Map<string, { organizer: User; path: string }>;
}

const basename = (href: string): string => href.slice(href.lastIndexOf('/') + 1);
/** Plain events this run creates or seeds; invitations and attendee copies are never rewritten by a PUT op. */
const isPlainEvent = (name: string): boolean => name.startsWith('ev-') || name.startsWith('lt-');
const uidFor = (user: User, name: string): string => `${user.name}-${name.replace(/\.ics$/, '')}`;

class VirtualClient {
  private token = '';
  /** Plain events of the calendar with the last ETag this client saw. */
  private readonly known = new Map<string, string>();
  private writes = 0;
  private created = 0;
  private invited = 0;

  constructor(readonly id: number, readonly user: User, readonly base: string, private readonly ctx: RunContext, private readonly rng: Rng) {}

  private req(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<HttpResult> {
    return http(this.base, this.user.auth, method, path, body, headers);
  }

  private nextMarker(): string {
    return `lt-c${this.id}-w${++this.writes}`;
  }

  /** The first, full sync a client does when set up: not measured, every later poll is incremental. */
  async prime(): Promise<void> {
    const r = await this.req('REPORT', this.user.calendar, syncBody(''), XML_HEADERS);
    if (r.status !== 207) throw new Error(`initial sync of ${this.user.calendar} → ${r.status}: ${r.text.slice(0, 300)}`);
    this.absorb(r.text);
  }

  async run(deadline: number): Promise<void> {
    while (performance.now() < deadline) {
      const what = this.rng.weighted(MIX);
      if (what === 'sync') await this.sync();
      else if (what === 'week') await this.week();
      else if (what === 'put') await (this.known.size > 0 && this.rng.next() < 0.5 ? this.update() : this.create());
      else if (what === 'invite') await this.invite();
      else if (!(await this.reply())) await this.sync();
    }
  }

  private absorb(xml: string): void {
    const token = syncTokenOf(xml);
    if (token) this.token = token;
    for (const e of parseMultistatus(xml)) {
      if (!isPlainEvent(basename(e.href))) continue;
      if (e.etag) this.known.set(e.href, e.etag);
      else this.known.delete(e.href); // a removed member (404 in the response)
    }
  }

  private async sync(): Promise<void> {
    const r = await this.req('REPORT', this.user.calendar, syncBody(this.token), XML_HEADERS);
    const o = outcomeOf(r, 'REPORT sync-collection', this.user.calendar, false);
    if (o.kind === 'ok') this.absorb(r.text);
    this.ctx.rec.record('sync', r.ms, o);
  }

  private async week(): Promise<void> {
    const r = await this.req('REPORT', this.user.calendar, WEEK_QUERY, XML_HEADERS);
    const o = outcomeOf(r, 'REPORT calendar-query', this.user.calendar, false);
    if (o.kind === 'ok') this.ctx.rec.weekObjects += parseMultistatus(r.text).length;
    this.ctx.rec.record('week', r.ms, o);
  }

  private async create(): Promise<void> {
    const name = `lt-c${this.id}-${++this.created}.ics`;
    await this.put('create', this.user.calendar + name, randomEvent(this.rng, uidFor(this.user, name), this.nextMarker()), { 'if-none-match': '*' });
  }

  private async update(): Promise<void> {
    const path = this.rng.pick([...this.known.keys()]);
    const etag = this.known.get(path) ?? '';
    await this.put('update', path, randomEvent(this.rng, uidFor(this.user, basename(path)), this.nextMarker()), { 'if-match': etag });
  }

  private async put(op: 'create' | 'update', path: string, ev: EventSpec, condition: Record<string, string>): Promise<void> {
    const sentAt = performance.now();
    const r = await this.req('PUT', path, eventIcs(ev), { ...ICS_HEADERS, ...condition });
    const o = outcomeOf(r, 'PUT', path, true);
    if (o.kind === 'ok') {
      this.ctx.ledger.note({ user: this.user, path, sentAt, expect: { kind: 'marker', marker: ev.marker } });
      // No ETag means the server changed what it stored: the next sync tells the new one.
      if (r.etag) this.known.set(path, r.etag);
      else this.known.delete(path);
    } else if (o.kind === 'conflict') {
      this.known.delete(path); // stale: someone else wrote it; a later sync brings it back
    }
    this.ctx.rec.record(op, r.ms, o);
  }

  private async invite(): Promise<void> {
    const others = this.ctx.users.filter((u) => u !== this.user);
    const first = this.rng.pick(others);
    const second = this.rng.pick(others.filter((u) => u !== first));
    const name = `inv-c${this.id}-${++this.invited}.ics`;
    const path = this.user.calendar + name;
    const ev = { ...randomEvent(this.rng, uidFor(this.user, name), this.nextMarker()), rrule: null, organizer: this.user.email, attendees: [first.email, second.email] };
    const sentAt = performance.now();
    const r = await this.req('PUT', path, eventIcs(ev), { ...ICS_HEADERS, 'if-none-match': '*' });
    const o = outcomeOf(r, 'PUT (invitation)', path, true);
    if (o.kind === 'ok') {
      this.ctx.ledger.note({ user: this.user, path, sentAt, expect: { kind: 'marker', marker: ev.marker } });
      this.ctx.invitations.set(ev.uid, { organizer: this.user, path });
    }
    this.ctx.rec.record('invite', r.ms, o);
  }

  /** Accepts one pending invitation; false (after recording the lookup) when there was none. */
  private async reply(): Promise<boolean> {
    const q = await this.req('REPORT', this.user.calendar, pendingInvitationsQuery(this.user.email), XML_HEADERS);
    const qo = outcomeOf(q, 'REPORT calendar-query (pending invitations)', this.user.calendar, false);
    if (qo.kind !== 'ok') {
      this.ctx.rec.record('reply', q.ms, qo);
      return true;
    }
    const me = `mailto:${this.user.email}`;
    const pending = parseMultistatus(q.text).filter((e): e is DavEntry & { data: string; etag: string } =>
      e.data !== null && e.etag !== null && organizerOf(e.data) !== me && partstatOf(e.data, this.user.email) === 'NEEDS-ACTION');
    if (pending.length === 0) {
      this.ctx.rec.record('noReply', q.ms, qo);
      return false;
    }
    const copy = this.rng.pick(pending);
    const sentAt = performance.now();
    const r = await this.req('PUT', copy.href, accepted(copy.data, this.user.email), { ...ICS_HEADERS, 'if-match': copy.etag });
    const o = outcomeOf(r, 'PUT (reply)', copy.href, true);
    if (o.kind === 'ok') {
      const expect: Expectation = { kind: 'accepted', email: this.user.email };
      this.ctx.ledger.note({ user: this.user, path: copy.href, sentAt, expect });
      // The implicit REPLY must reach the organizer's copy too: the server updates the
      // organizer's ATTENDEE in the same transaction (docs/scheduling.md).
      const uid = uidOf(copy.data);
      const org = uid ? this.ctx.invitations.get(uid) : undefined;
      if (org) this.ctx.ledger.note({ user: org.organizer, path: org.path, sentAt, expect });
    }
    this.ctx.rec.record('reply', q.ms + r.ms, o);
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Processes: the CLI, the servers, and the CPU time the kernel accounts to them.

function runCli(args: string[], input: string): Promise<{ code: number; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', (e) => resolve({ code: -1, err: `${err}${e.message}` }));
    child.on('close', (code) => resolve({ code: code ?? -1, err }));
    child.stdin.end(input);
  });
}

/** Runs `work` over the items, at most `width` at a time. */
async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

const CLK_TCK = ((): number => {
  const n = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

interface ProcTimes {
  ppid: number;
  /** utime + stime, seconds. */
  own: number;
  /** cutime + cstime: children that exited and were waited for, seconds. */
  reaped: number;
}

/** /proc/PID/stat (proc(5)); the fields after the parenthesized command name start at field 3. */
function procTimes(pid: number): ProcTimes | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const n = (field: number): number => Number(f[field - 3] ?? 0);
    return { ppid: n(4), own: (n(14) + n(15)) / CLK_TCK, reaped: (n(16) + n(17)) / CLK_TCK };
  } catch {
    return null; // gone, or not Linux
  }
}

const numericDirs = (): number[] => {
  try {
    return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return [];
  }
};

/** The postmaster of the throwaway cluster: the `postgres` program started with `-p PORT`. */
function postmasterPid(port: number): number | null {
  for (const pid of numericDirs()) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const p = argv.indexOf('-p');
    if ((argv[0] ?? '').endsWith('/postgres') && p >= 0 && argv[p + 1] === String(port)) return pid;
  }
  return null;
}

/**
 * CPU seconds of the whole cluster: the postmaster, its live children (backends, WAL writer,
 * checkpointer…) and, through cutime, the children that have already exited.
 */
function clusterCpu(postmaster: number): number {
  let total = 0;
  const pm = procTimes(postmaster);
  if (pm) total += pm.own + pm.reaped;
  for (const pid of numericDirs()) {
    const t = pid === postmaster ? null : procTimes(pid);
    if (t && t.ppid === postmaster) total += t.own;
  }
  return total;
}

interface CpuSnapshot {
  servers: number[];
  postgres: number | null;
  generator: NodeJS.CpuUsage;
}

function cpuSnapshot(servers: ServeProcess[], postmaster: number | null): CpuSnapshot {
  return {
    servers: servers.map((s) => {
      const t = s.child.pid === undefined ? null : procTimes(s.child.pid);
      return t ? t.own + t.reaped : NaN;
    }),
    postgres: postmaster === null ? null : clusterCpu(postmaster),
    generator: process.cpuUsage(),
  };
}

interface CpuUse {
  serversSeconds: number[];
  postgresSeconds: number | null;
  generatorSeconds: number;
}

function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): CpuUse {
  const generatorMicros = b.generator.user + b.generator.system - a.generator.user - a.generator.system;
  return {
    serversSeconds: b.servers.map((v, i) => v - (a.servers[i] ?? NaN)),
    postgresSeconds: a.postgres === null || b.postgres === null ? null : b.postgres - a.postgres,
    generatorSeconds: generatorMicros / 1e6,
  };
}

/** Transactions of the database, from pg_stat_database: a rollback is mostly a write that lost a race and ran again. */
interface PgCounters {
  commits: number;
  rollbacks: number;
  deadlocks: number;
}

interface PgActivity {
  counters: PgCounters;
  samples: number;
  /** Busy backends seen per sample, summed: a backend is busy when running or waiting inside a transaction. */
  busy: number;
  /** What the busy backends were doing, summed over the samples. */
  states: Record<string, number>;
}

/**
 * Watches PostgreSQL while the clients run: what the backends of the database wait on
 * (pg_stat_activity every 100 ms) and how many transactions committed or rolled back.
 */
class PgMonitor {
  private timer: NodeJS.Timeout | null = null;
  private sampling: Promise<void> = Promise.resolve();
  private start: PgCounters = { commits: 0, rollbacks: 0, deadlocks: 0 };
  private samples = 0;
  private busy = 0;
  private readonly states = new Map<string, number>();

  private constructor(private readonly client: pg.Client) {}

  static async open(url: string): Promise<PgMonitor> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return new PgMonitor(client);
  }

  async begin(): Promise<void> {
    this.start = await this.counters();
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample()).catch(() => undefined);
    }, 100);
  }

  async end(): Promise<PgActivity> {
    if (this.timer) clearInterval(this.timer);
    await this.sampling;
    // Backends report their counters when idle, at most once a second.
    await new Promise((r) => setTimeout(r, 1_500));
    const now = await this.counters();
    await this.client.end();
    return {
      counters: { commits: now.commits - this.start.commits, rollbacks: now.rollbacks - this.start.rollbacks, deadlocks: now.deadlocks - this.start.deadlocks },
      samples: this.samples, busy: this.busy, states: Object.fromEntries(this.states),
    };
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.client.end().catch(() => undefined);
  }

  private async counters(): Promise<PgCounters> {
    await this.client.query('SELECT pg_stat_clear_snapshot()');
    const r = await this.client.query<{ c: string; r: string; d: string }>(
      'SELECT xact_commit AS c, xact_rollback AS r, deadlocks AS d FROM pg_stat_database WHERE datname = current_database()');
    const row = r.rows[0];
    return { commits: Number(row?.c ?? 0), rollbacks: Number(row?.r ?? 0), deadlocks: Number(row?.d ?? 0) };
  }

  private async sample(): Promise<void> {
    const r = await this.client.query<{ state: string | null; wait_event_type: string | null; wait_event: string | null }>(
      `SELECT state, wait_event_type, wait_event FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`);
    this.samples++;
    for (const row of r.rows) {
      const what = row.state === 'active'
        ? (row.wait_event_type ? `${row.wait_event_type}:${row.wait_event ?? '?'}` : 'running')
        : row.state?.startsWith('idle in transaction') ? 'idle in transaction (waiting for Reefknot)' : null;
      if (what === null) continue; // an idle pooled connection, or the LISTEN one
      this.busy++;
      this.states.set(what, (this.states.get(what) ?? 0) + 1);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// One setup, start to finish.

const SERVE_ENV = { REEFKNOT_LOG_LEVEL: 'warn' };

interface OpSummary {
  count: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  conflicts: number;
  errors: Record<string, number>;
  errorSamples: Record<string, string>;
  latenciesMs: number[];
}

interface SetupResult {
  kind: SetupKind;
  title: string;
  processes: number;
  users: number;
  clients: number;
  seed: { events: number; seconds: number; errors: number; firstError: string | null; weekObjects: number };
  measuredSeconds: number;
  /** 1-minute load average when the measurement started: other work on the machine shows here. */
  loadBefore: number;
  ops: Record<Op, OpSummary>;
  totalOps: number;
  opsPerSec: number;
  totalErrors: number;
  totalConflicts: number;
  weekObjectsMean: number;
  cpu: CpuUse;
  postgres: PgActivity | null;
  check: { objects: number; reads: number; lostWrites: number; repliesChecked: number; repliesMissing: number; details: string[] };
  serverNotes: string[];
}

const TITLES: Record<SetupKind, string> = {
  sqlite: 'A — one `reefknot serve` on SQLite',
  postgres: 'B — two `reefknot serve` processes on one PostgreSQL database',
};

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? NaN;
}

function summarize(r: OpRecord, seconds: number): OpSummary {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    opsPerSec: sorted.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : NaN,
    conflicts: r.conflicts,
    errors: Object.fromEntries(r.errors),
    errorSamples: Object.fromEntries(r.samples),
    latenciesMs: r.latenciesMs,
  };
}

async function createUsers(count: number, cliArgs: string[]): Promise<User[]> {
  const users = Array.from({ length: count }, (_, i): User => {
    const name = `user${String(i + 1).padStart(2, '0')}`;
    return { name, email: `${name}@example.com`, auth: `Basic ${Buffer.from(`${name}:pw-${name}-lt`).toString('base64')}`, calendar: `/calendars/${name}/calendar/` };
  });
  await pool(users, 4, async (u) => {
    const r = await runCli(['user', 'add', u.name, '--email', u.email, '--password-stdin', ...cliArgs], `pw-${u.name}-lt\n`);
    if (r.code !== 0) throw new Error(`user add ${u.name} failed (${r.code}): ${r.err.trim()}`);
  });
  return users;
}

/** Fills every calendar before measuring (8 PUTs at a time); the seeded events are writes the final check covers too. */
async function seed(users: User[], bases: string[], perUser: number, ledger: Ledger): Promise<SetupResult['seed']> {
  // Event-major order: the writers work on different calendars at a time, like users importing
  // their own calendars side by side, rather than all eight at once into one calendar.
  const jobs = Array.from({ length: perUser }, (_, i) => users.map((user, u) => ({ user, u, i }))).flat();
  let errors = 0;
  let firstError: string | null = null;
  const t0 = performance.now();
  await pool(jobs, 8, async ({ user, u, i }) => {
    const name = `ev-${String(i).padStart(4, '0')}.ics`;
    const path = user.calendar + name;
    const ev = randomEvent(new Rng(u * 100_003 + i), uidFor(user, name), `seed-${user.name}-${i}`);
    const sentAt = performance.now();
    const r = await http(bases[(u + i) % bases.length] ?? '', user.auth, 'PUT', path, eventIcs(ev), { ...ICS_HEADERS, 'if-none-match': '*' });
    if (r.status >= 200 && r.status < 300) {
      ledger.note({ user, path, sentAt, expect: { kind: 'marker', marker: ev.marker } });
    } else {
      errors++;
      firstError ??= `PUT ${path} → ${r.status || 'no response'}: ${r.text.trim().slice(0, 300)}`;
    }
  });
  return { events: jobs.length, seconds: (performance.now() - t0) / 1000, errors, firstError, weekObjects: NaN };
}

/**
 * Reads every written object through every server and compares with the ledger. A write counts
 * once as lost however many servers miss it; a reply to someone else's invitation is an entry on
 * the organizer's copy and counts apart, as a reply the organizer did not get.
 */
async function verify(ledger: Ledger, bases: string[]): Promise<SetupResult['check']> {
  const objects = [...ledger.byObject().values()];
  const check = { objects: objects.length, reads: 0, lostWrites: 0, repliesChecked: 0, repliesMissing: 0, details: [] as string[] };
  await pool(objects, 16, async (entries) => {
    const first = entries[0];
    if (!first) return;
    const reads = await Promise.all(bases.map((base) => http(base, first.user.auth, 'GET', first.path)));
    check.reads += reads.length;
    for (const e of entries) {
      const reply = e.expect.kind === 'accepted' && e.user.email !== e.expect.email;
      if (reply) check.repliesChecked++;
      const misses = reads.flatMap((r, s) => (r.status === 200 && satisfied(r.text, e.expect) ? [] : [{ r, s }]));
      if (misses.length === 0) continue;
      if (reply) check.repliesMissing++;
      else check.lostWrites++;
      const want = e.expect.kind === 'marker' ? `DESCRIPTION:${e.expect.marker}` : `PARTSTAT=ACCEPTED for ${e.expect.email}`;
      for (const { r, s } of misses) {
        if (check.details.length < 10) check.details.push(`server ${s + 1}: GET ${e.path} → ${r.status}, expected ${want}; got ${r.text.replace(/\s+/g, ' ').slice(0, 300)}`);
      }
    }
  });
  return check;
}

/** Objects the week query finds in each calendar right after seeding: the same in every setup, or a store answers differently. */
async function seededWeek(users: User[], base: string): Promise<number> {
  let total = 0;
  await pool(users, 4, async (u) => {
    const r = await http(base, u.auth, 'REPORT', u.calendar, WEEK_QUERY, XML_HEADERS);
    total += r.status === 207 ? parseMultistatus(r.text).length : NaN;
  });
  return total / users.length;
}

/** The server's pino lines (JSON on stdout; at REEFKNOT_LOG_LEVEL=warn only warn and above), shortened. */
function warnings(stdout: string): string[] {
  return stdout.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: string | { message?: string }; method?: string; path?: string };
      if ((entry.level ?? 0) < 40) return [];
      const err = typeof entry.err === 'string' ? entry.err : entry.err?.message;
      return [[entry.method, entry.path, entry.msg, err].filter((x) => x !== undefined).join(' ')];
    } catch {
      return [line.slice(0, 300)];
    }
  });
}

let stopAll: (() => Promise<void>) | null = null;

/** What a setup has started, filled in as it goes so that cleanup stops whatever got started. */
interface Running {
  servers: ServeProcess[];
  cluster: PgCluster | null;
  /** The PostgreSQL database, or null on SQLite. */
  storeUrl: string | null;
  /** --data / --store for `reefknot user add`. */
  cliArgs: string[];
}

async function startServers(kind: SetupKind, dir: string, running: Running): Promise<void> {
  let storeArgs: string[] = [];
  running.cliArgs = ['--data', join(dir, 'serve-1')];
  if (kind === 'postgres') {
    log('postgres: starting a throwaway PostgreSQL cluster');
    running.cluster = await startPostgres();
    running.storeUrl = await running.cluster.createDatabase();
    storeArgs = ['--store', running.storeUrl];
    running.cliArgs = ['--store', running.storeUrl, '--data', join(dir, 'cli')];
  }
  const count = kind === 'postgres' ? 2 : 1;
  // Started together: on PostgreSQL the migration runs once, under an advisory lock.
  const started = Promise.all(Array.from({ length: count }, (_, i) => startServe(join(dir, `serve-${i + 1}`), storeArgs, SERVE_ENV)));
  running.servers.push(...(await started));
  for (const s of running.servers) if (!s.url) throw new Error(`reefknot serve did not start: ${s.err().slice(-2000)}`);
  log(`${kind}: ${count} server(s) (pid ${running.servers.map((s) => s.child.pid).join(', ')}) at ${running.servers.map((s) => s.url).join(', ')}`);
}

/** The measured part: every client loops until the deadline; CPU and PostgreSQL are watched meanwhile. */
async function measure(clients: VirtualClient[], ctx: RunContext, seconds: number, running: Running): Promise<{ seconds: number; loadBefore: number; cpu: CpuUse; postgres: PgActivity | null }> {
  const postmaster = running.cluster ? postmasterPid(running.cluster.port) : null;
  const monitor = running.storeUrl ? await PgMonitor.open(running.storeUrl) : null;
  try {
    await monitor?.begin();
    const loadBefore = loadavg()[0] ?? NaN;
    const before = cpuSnapshot(running.servers, postmaster);
    const t0 = performance.now();
    const ticker = setInterval(() => {
      const done = OPS.reduce((a, op) => a + ctx.rec.get(op).latenciesMs.length, 0);
      log(`  ${((performance.now() - t0) / 1000).toFixed(0)} s: ${done} operations`);
    }, 5_000);
    try {
      await Promise.all(clients.map((c) => c.run(t0 + seconds * 1000)));
    } finally {
      clearInterval(ticker);
    }
    const measured = (performance.now() - t0) / 1000;
    const cpu = cpuBetween(before, cpuSnapshot(running.servers, postmaster));
    return { seconds: measured, loadBefore, cpu, postgres: monitor ? await monitor.end() : null };
  } finally {
    await monitor?.close();
  }
}

function serverNotes(servers: ServeProcess[]): string[] {
  return servers.flatMap((s, i) => {
    const notes: string[] = [];
    if (s.child.exitCode !== null || s.child.signalCode !== null) notes.push(`server ${i + 1} exited during the run (${s.child.exitCode ?? s.child.signalCode})`);
    const logged = warnings(s.out());
    if (logged.length) notes.push(`server ${i + 1} logged ${logged.length} line(s) at warn or above; last: ${logged.slice(-3).join(' ⏎ ').slice(0, 800)}`);
    return notes;
  });
}

async function runSetup(kind: SetupKind, opts: Options): Promise<SetupResult> {
  const dir = mkdtempSync(join(tmpdir(), `reefknot-loadtest-${kind}-`));
  const running: Running = { servers: [], cluster: null, storeUrl: null, cliArgs: [] };
  const cleanup = async (): Promise<void> => {
    await Promise.all(running.servers.map((s) => stopServe(s.child)));
    await running.cluster?.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  stopAll = cleanup;
  try {
    await startServers(kind, dir, running);
    const bases = running.servers.map((s) => s.url);
    const u0 = performance.now();
    const users = await createUsers(opts.users, running.cliArgs);
    log(`${kind}: ${users.length} users in ${((performance.now() - u0) / 1000).toFixed(1)} s`);
    const ctx: RunContext = { users, rec: new Recorder(), ledger: new Ledger(), invitations: new Map() };
    const seeded = await seed(users, bases, opts.eventsPerUser, ctx.ledger);
    seeded.weekObjects = await seededWeek(users, bases[bases.length - 1] ?? '');
    log(`${kind}: seeded ${seeded.events} events in ${seeded.seconds.toFixed(1)} s, ${seeded.errors} errors${seeded.firstError ? ` (${seeded.firstError.slice(0, 200)})` : ''}`);

    // Client i is a device of user i mod N; when a user has several devices (clients > users) the
    // next one goes to the next server, so that their writes race across processes.
    const clients = Array.from({ length: opts.clients }, (_, i) =>
      new VirtualClient(i + 1, users[i % users.length] as User, bases[(i + Math.floor(i / users.length)) % bases.length] ?? '', ctx, new Rng(1_000 + i)));
    await pool(clients, 8, (c) => c.prime());
    log(`${kind}: ${clients.length} clients for ${opts.seconds} s`);
    const m = await measure(clients, ctx, opts.seconds, running);

    log(`${kind}: checking every written object on ${bases.length} server(s)`);
    const check = await verify(ctx.ledger, bases);
    const ops = Object.fromEntries(OPS.map((op) => [op, summarize(ctx.rec.get(op), m.seconds)])) as Record<Op, OpSummary>;
    const all = Object.values(ops);
    const totalOps = all.reduce((a, o) => a + o.count, 0);
    return {
      kind, title: TITLES[kind], processes: running.servers.length, users: users.length, clients: clients.length, seed: seeded,
      measuredSeconds: m.seconds, loadBefore: m.loadBefore, ops, totalOps, opsPerSec: totalOps / m.seconds,
      totalErrors: all.reduce((a, o) => a + Object.values(o.errors).reduce((x, y) => x + y, 0), 0),
      totalConflicts: all.reduce((a, o) => a + o.conflicts, 0),
      weekObjectsMean: ops.week.count ? ctx.rec.weekObjects / ops.week.count : NaN,
      cpu: m.cpu, postgres: m.postgres, check, serverNotes: serverNotes(running.servers),
    };
  } finally {
    stopAll = null;
    await cleanup();
    log(`${kind}: servers stopped${running.cluster ? ', PostgreSQL removed' : ''}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The report.

function num(v: number, digits?: number): string {
  if (!Number.isFinite(v)) return '—';
  const d = digits ?? (v >= 100 ? 0 : v >= 10 ? 1 : 2);
  return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/`/g, "'").replace(/\s+/g, ' ');

function errorCell(errors: Record<string, number>): string {
  const entries = Object.entries(errors);
  const total = entries.reduce((a, [, n]) => a + n, 0);
  if (total === 0) return '0';
  return `**${total}** (${entries.map(([k, n]) => `${cell(k)} ×${n}`).join(', ')})`;
}

function setupSection(r: SetupResult): string {
  const lines = [
    `### ${r.title}`,
    '',
    `${r.users} users × ${r.seed.events / r.users} seeded events (${r.seed.events.toLocaleString('en-US')} PUTs in ${num(r.seed.seconds, 1)} s = ${num(r.seed.events / r.seed.seconds, 0)}/s, ${r.seed.errors} errors${r.seed.firstError ? `: ${cell(r.seed.firstError)}` : ''}); ` +
      `${r.clients} clients for ${num(r.measuredSeconds, 1)} s on ${r.processes} server process${r.processes > 1 ? 'es' : ''} (load average ${num(r.loadBefore)} when it started); a week query returned ${num(r.weekObjectsMean, 1)} objects on average (${num(r.seed.weekObjects, 1)} right after seeding).`,
    '',
    '| operation | count | ops/s | p50 ms | p99 ms | conflicts (412) | errors |',
    '|---|--:|--:|--:|--:|--:|---|',
  ];
  for (const op of OPS) {
    const o = r.ops[op];
    lines.push(`| ${LABEL[op]} | ${o.count.toLocaleString('en-US')} | ${num(o.opsPerSec)} | ${num(o.p50Ms)} | ${num(o.p99Ms)} | ${o.conflicts} | ${errorCell(o.errors)} |`);
  }
  const every = OPS.flatMap((op) => r.ops[op].latenciesMs).sort((a, b) => a - b);
  lines.push(`| **total** | **${r.totalOps.toLocaleString('en-US')}** | **${num(r.opsPerSec)}** | ${num(percentile(every, 50))} | ${num(percentile(every, 99))} | ${r.totalConflicts} | ${r.totalErrors ? `**${r.totalErrors}**` : '0'} |`);

  const core = (s: number): string => `${num(s, 1)} s (${num((s / r.measuredSeconds) * 100, 0)}% of a core)`;
  const cpu = [
    ...r.cpu.serversSeconds.map((s, i) => `server ${i + 1}: ${core(s)}`),
    ...(r.cpu.postgresSeconds === null ? [] : [`PostgreSQL (postmaster + backends): ${core(r.cpu.postgresSeconds)}`]),
    `load generator: ${core(r.cpu.generatorSeconds)}`,
  ];
  lines.push('', `CPU time during the measured ${num(r.measuredSeconds, 1)} s on ${cpus().length} cores — ${cpu.join('; ')}.`);
  if (r.postgres) lines.push('', postgresLine(r.postgres));
  const c = r.check;
  lines.push('', `**lost writes: ${c.lostWrites}** (${c.objects.toLocaleString('en-US')} objects written, read back through each server: ${c.reads.toLocaleString('en-US')} GETs); ` +
    `replies missing from the organizer's copy: ${c.repliesMissing} of ${c.repliesChecked}.`);
  for (const d of c.details) lines.push(`- ${cell(d)}`);
  const samples = OPS.flatMap((op) => Object.entries(r.ops[op].errorSamples).map(([k, s]) => `- ${LABEL[op]}, ${cell(k)}: \`${cell(s)}\``));
  if (samples.length) lines.push('', 'First response of each kind of error:', '', ...samples);
  if (r.serverNotes.length) lines.push('', ...r.serverNotes.map((n) => `- ${cell(n)}`));
  return lines.join('\n');
}

function postgresLine(p: PgActivity): string {
  const c = p.counters;
  const states = Object.entries(p.states).sort((a, b) => b[1] - a[1]).slice(0, 6)
    .map(([what, n]) => `${what} ${num((n / Math.max(1, p.busy)) * 100, 0)}%`);
  return `PostgreSQL: ${c.commits.toLocaleString('en-US')} transactions committed, ${c.rollbacks.toLocaleString('en-US')} rolled back ` +
    `(${num((c.rollbacks / Math.max(1, c.commits + c.rollbacks)) * 100, 1)}%: writes that lost a race and ran again, or failed), ${c.deadlocks} deadlocks; ` +
    `backends busy on average ${num(p.busy / Math.max(1, p.samples))} (${p.samples} samples of pg_stat_activity)${states.length ? `, doing: ${states.join(', ')}` : ''}.`;
}

function comparison(results: SetupResult[]): string {
  const a = results.find((r) => r.kind === 'sqlite');
  const b = results.find((r) => r.kind === 'postgres');
  if (!a || !b) return '';
  return `**two processes on PostgreSQL: ${num(b.opsPerSec, 0)} ops/s vs one on SQLite: ${num(a.opsPerSec, 0)} ops/s (ratio ${num(b.opsPerSec / a.opsPerSec)})**`;
}

function machineLine(opts: Options): string {
  const cpuinfo = ((): string => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return '';
    }
  })();
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? '?';
  return `${new Date().toISOString()}; ${cpus().length} × ${model}; ${num(totalmem() / 2 ** 30, 1)} GiB RAM; node ${process.version}; ` +
    `${opts.users} users, ${opts.eventsPerUser} events each, ${opts.clients} clients (client i → user i mod ${opts.users}), ${opts.seconds} s per setup; ` +
    `mix: sync 40%, week query 25%, PUT 20% (half updates when an event is known), invitation 10%, reply 5%. ` +
    'Latency is per operation (the reply row: lookup query + PUT); ops/s = count / measured seconds.';
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = options();
  const onSignal = (): void => {
    void (stopAll?.() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const kinds: SetupKind[] = opts.only ? [opts.only] : ['sqlite', 'postgres'];
  const notes: string[] = [];
  const results: SetupResult[] = [];
  let failed = false;
  for (const kind of kinds) {
    const missing = kind === 'postgres' ? postgresMissing() : null;
    if (missing) {
      notes.push(`setup B skipped: ${missing}`);
      if (opts.only) failed = true;
      continue;
    }
    try {
      results.push(await runSetup(kind, opts));
    } catch (e) {
      const msg = `${TITLES[kind]} failed: ${e instanceof Error ? e.message : String(e)}`;
      log(msg);
      notes.push(msg);
      failed = true;
    }
  }

  const machine = machineLine(opts);
  const out = [
    `## Reefknot load test — ${opts.users} users, ${opts.clients} clients, ${opts.seconds} s`,
    '',
    machine,
    ...notes.map((n) => `\n> ${cell(n)}`),
    '',
    ...results.flatMap((r) => [setupSection(r), '']),
    comparison(results),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  if (opts.json) {
    writeFileSync(opts.json, JSON.stringify({ options: opts, machine, notes, results }, null, 1));
    log(`raw numbers written to ${opts.json}`);
  }
  const bad = results.some((r) => r.totalErrors > 0 || r.seed.errors > 0 || r.check.lostWrites > 0 || r.check.repliesMissing > 0);
  process.exitCode = failed || bad ? 1 : 0;
}

main().catch((e: unknown) => {
  log(`loadtest failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
});
