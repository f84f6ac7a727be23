/**
 * The measured operations, run in the same order with the same inputs against every server:
 * population by PUT, then GET, week calendar-query (etags; then with expand), multiget of 50,
 * PROPFIND Depth 1, initial sync-collection, free-busy-query, PUT of new events, and incremental
 * sync after 10 edits. Every loop is bounded in count and in time; warm-up requests (on inputs
 * never used for measuring) are sent first and not counted. Only the request (send, wait, read
 * the body) is timed; checking the answer is not.
 */
import { calendarQueryBody, freeBusyBody, multigetBody, parseMultistatus, busyTimeOf, PROPFIND_ETAG, syncCollectionBody, syncTokenOf, type HttpResult } from './dav.js';
import { generateEvent, objectAt, objectName, prng } from './generate.js';
import type { Target } from './peers.js';
import { queryWeek, warmupWeek, WEEK_MS, type Reference } from './reference.js';

export interface Sample {
  ms: number;
  error?: string;
  /** Result count check: what came back and what the generator says must come back. */
  got?: string;
  want?: string;
}

export interface OpResult {
  name: string;
  reps: number;
  errors: number;
  firstError?: string;
  checked: number;
  mismatches: number;
  firstMismatch?: string;
  latenciesMs: number[];
  stoppedByTime: boolean;
}

export interface PopulateResult {
  events: number;
  errors: number;
  firstError?: string;
  seconds: number;
  eventsPerSec: number;
}

export interface Plan {
  seed: number;
  events: number;
  /** Extra objects in 1996–2022 that no query range reaches (0 by default). */
  history: number;
  /** Multiplies every repetition count (0.2 for a quick or a very large run). */
  repsFactor: number;
  maxSecondsPerOp: number;
  concurrency: number;
}

const ICS = { 'content-type': 'text/calendar; charset=utf-8' };

function httpError(r: HttpResult, expected: number[]): string | undefined {
  if (expected.includes(r.status)) return undefined;
  return `HTTP ${r.status}: ${r.text.replace(/\s+/g, ' ').slice(0, 200)}`;
}

/** Runs `fn` for warm-up then measured iterations, within `reps` and `maxSeconds`. */
export async function measure(name: string, reps: number, warmup: number, maxSeconds: number, fn: (i: number, warm: boolean) => Promise<Sample>): Promise<OpResult> {
  const res: OpResult = { name, reps: 0, errors: 0, checked: 0, mismatches: 0, latenciesMs: [], stoppedByTime: false };
  for (let w = 0; w < warmup; w++) await fn(w, true).catch(() => undefined);
  const deadline = performance.now() + maxSeconds * 1000;
  for (let i = 0; i < reps; i++) {
    if (performance.now() > deadline) {
      res.stoppedByTime = true;
      break;
    }
    let s: Sample;
    try {
      s = await fn(i, false);
    } catch (e) {
      s = { ms: NaN, error: e instanceof Error ? e.message : String(e) };
    }
    res.reps++;
    if (s.error !== undefined) {
      res.errors++;
      res.firstError ??= s.error;
      if (res.errors >= 5 && res.errors === res.reps) break; // the server refuses this operation
      continue;
    }
    res.latenciesMs.push(s.ms);
    if (s.want !== undefined) {
      res.checked++;
      if (s.got !== s.want) {
        res.mismatches++;
        res.firstMismatch ??= `#${i}: got ${s.got}, expected ${s.want}`;
      }
    }
  }
  return res;
}

export async function populate(t: Target, plan: Plan, maxSeconds: number): Promise<PopulateResult> {
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const deadline = t0 + maxSeconds * 1000;
  const worker = async (): Promise<void> => {
    while (next < plan.events + plan.history && performance.now() < deadline) {
      const ev = objectAt(plan.seed, plan.events, next++);
      try {
        const r = await t.client.request('PUT', t.calendar + ev.name, ev.ics, { ...ICS, 'if-none-match': '*' });
        const err = httpError(r, [200, 201, 204]);
        if (err) {
          errors++;
          firstError ??= `${ev.name}: ${err}`;
        }
      } catch (e) {
        errors++;
        firstError ??= `${ev.name}: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const res: PopulateResult = { events: next, errors, seconds, eventsPerSec: next / seconds };
  if (firstError !== undefined) res.firstError = firstError;
  return res;
}

/** Objects in a multistatus that answered 200, leaving out the collection itself. */
function members(t: Target, text: string): number {
  return parseMultistatus(text).filter((r) => r.ok && r.href !== t.calendar && r.href !== t.calendar.slice(0, -1)).length;
}

export async function runOperations(t: Target, plan: Plan, ref: Reference, log: (s: string) => void): Promise<OpResult[]> {
  const n = plan.events + plan.history;
  const reps = (k: number): number => Math.max(3, Math.round(k * plan.repsFactor));
  const max = plan.maxSecondsPerOp;
  const rand = prng(plan.seed + 7);
  const anyHref = (): string => t.calendar + objectName(plan.seed, plan.events, Math.floor(rand() * n));
  const c = t.client;
  const out: OpResult[] = [];
  const step = async (r: Promise<OpResult>): Promise<void> => {
    const res = await r;
    out.push(res);
    log(`  ${t.name} ${res.name}: ${res.reps} reps, ${res.errors} errors${res.firstError ? ` (${res.firstError.slice(0, 120)})` : ''}`);
  };

  await step(measure('GET', reps(200), 5, max, async () => {
    const r = await c.request('GET', anyHref());
    return { ms: r.ms, error: httpError(r, [200]) ?? (r.text.includes('BEGIN:VCALENDAR') ? undefined : 'no calendar data') };
  }));

  const week = (expand: boolean) => async (i: number, warm: boolean): Promise<Sample> => {
    const start = warm ? warmupWeek(i) : queryWeek(i);
    const r = await c.request('REPORT', t.calendar, calendarQueryBody(start, start + WEEK_MS, expand), { depth: '1' });
    const err = httpError(r, [207]);
    if (err) return { ms: r.ms, error: err };
    const want = ref.answer(start, start + WEEK_MS);
    const got = parseMultistatus(r.text).filter((x) => x.ok);
    if (!expand) return { ms: r.ms, got: `${got.length} hrefs`, want: `${want.hrefs} hrefs` };
    const instances = got.reduce((k, x) => k + x.vevents, 0);
    return { ms: r.ms, got: `${got.length} hrefs/${instances} instances`, want: `${want.hrefs} hrefs/${want.instances} instances` };
  };
  await step(measure('calendar-query week (etag)', reps(50), 3, max, week(false)));
  await step(measure('calendar-query week (expand)', reps(50), 3, max, week(true)));

  await step(measure('calendar-multiget 50', reps(50), 3, max, async () => {
    const hrefs = new Set<string>();
    while (hrefs.size < Math.min(50, n)) hrefs.add(anyHref());
    const r = await c.request('REPORT', t.calendar, multigetBody([...hrefs]), { depth: '1' });
    const err = httpError(r, [207]);
    if (err) return { ms: r.ms, error: err };
    const got = parseMultistatus(r.text).filter((x) => x.ok && x.vevents > 0).length;
    return { ms: r.ms, got: String(got), want: String(hrefs.size) };
  }));

  await step(measure('PROPFIND Depth 1 (getetag)', reps(30), 2, max, async () => {
    const r = await c.request('PROPFIND', t.calendar, PROPFIND_ETAG, { depth: '1' });
    return { ms: r.ms, error: httpError(r, [207]), got: String(members(t, r.text)), want: String(n) };
  }));

  await step(measure('sync-collection initial', reps(20), 2, max, async () => {
    const r = await c.request('REPORT', t.calendar, syncCollectionBody(null), { depth: '1' });
    const err = httpError(r, [207]) ?? (syncTokenOf(r.text) ? undefined : 'no sync-token');
    return { ms: r.ms, error: err, got: String(members(t, r.text)), want: String(n) };
  }));

  await step(measure('free-busy-query week', reps(50), 3, max, async (i, warm) => {
    const start = warm ? warmupWeek(i) : queryWeek(i);
    const r = await c.request('REPORT', t.calendar, freeBusyBody(start, start + WEEK_MS), { depth: '1' });
    const err = r.status === 207 ? 'answered a 207 multistatus, not a VFREEBUSY (free-busy-query not supported)' : httpError(r, [200]);
    if (err) return { ms: r.ms, error: err };
    const busy = busyTimeOf(r.text, start, start + WEEK_MS) / 60_000;
    return { ms: r.ms, got: `${busy} busy min`, want: `${ref.answer(start, start + WEEK_MS).busyMs / 60_000} busy min` };
  }));

  const putReps = reps(200);
  await step(measure('PUT (new event)', putReps, 5, max, async (i, warm) => {
    const ev = generateEvent(plan.seed, plan.events + (warm ? putReps + i : i));
    const r = await c.request('PUT', t.calendar + ev.name, ev.ics, { ...ICS, 'if-none-match': '*' });
    return { ms: r.ms, error: httpError(r, [201, 204]) };
  }));

  out.push(await incrementalSync(t, plan, reps(20), max));
  log(`  ${t.name} ${out[out.length - 1]?.name ?? ''} done`);
  return out;
}

/** Rounds of: 10 edits (not timed), then sync-collection from the previous token (timed). */
async function incrementalSync(t: Target, plan: Plan, rounds: number, maxSeconds: number): Promise<OpResult> {
  const c = t.client;
  const first = await c.request('REPORT', t.calendar, syncCollectionBody(null), { depth: '1' });
  let token = syncTokenOf(first.text);
  let edit = 0;
  return measure('sync-collection incremental (10 changes)', rounds, 1, maxSeconds, async () => {
    edit++;
    const changed = new Set<string>();
    for (let k = 0; k < 10; k++) {
      const idx = ((edit * 10 + k) * 7919) % plan.events;
      const ev = generateEvent(plan.seed, idx, edit);
      const put = await c.request('PUT', t.calendar + ev.name, ev.ics, ICS);
      const err = httpError(put, [200, 201, 204]);
      if (err) return { ms: NaN, error: `edit PUT ${err}` };
      changed.add(t.calendar + ev.name);
    }
    if (token === null) return { ms: NaN, error: 'no sync-token from the initial sync' };
    const r = await c.request('REPORT', t.calendar, syncCollectionBody(token), { depth: '1' });
    const err = httpError(r, [207]);
    if (err) return { ms: r.ms, error: err };
    token = syncTokenOf(r.text);
    const listed = parseMultistatus(r.text);
    const got = listed.filter((x) => changed.has(x.href)).length;
    const other = listed.length - got;
    return { ms: r.ms, got: `${got} changed + ${other} other`, want: `${changed.size} changed + 0 other` };
  });
}
