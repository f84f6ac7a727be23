/**
 * The seed's worked examples (reefknot-client-server-architecture.txt §4.1–4.5) and private events
 * (§5.1), played end to end across real processes and real protocols:
 *
 * - two Reefknot servers on 127.0.0.1, foo.example (users a, b) and bar.example (users c, d), set
 *   up with the documented CLI (`reefknot user add`, `ischedule keygen`, `ischedule peer add`),
 *   each with `--smtp-relay` pointing at the relay and iSchedule discovery off (peers only);
 * - a real SMTP relay on loopback (TestRelay); the mail it takes is routed by recipient domain:
 *   foo.example and bar.example to that server's receive path (what `reefknot imip ingest` or the
 *   LMTP listener does), baz.example to E's maildir or F's mailbox;
 * - the clients: A, C and E use `reefknot cal` as real processes (A and C with their server, E with
 *   only the relay and a maildir); B uses the python caldav library (a second CalDAV client); F has
 *   only email.
 *
 * Every step is reported through `say(line)`; the result holds, for each example, who has the
 * event in which store and with which PARTSTATs, for the test (worked-examples.test.ts) and the
 * demo (demo.ts) to check and print. An example that fails records its error and the next one
 * still runs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { buildApp, type App } from '../../src/server/app.js';
import { loadConfig, type ServerConfig } from '../../src/server/config.js';
import { startHttpServer, type RunningServer } from '../../src/server/http-server.js';
import { startCip } from '../../src/server/cip-wiring.js';
import { createLogger } from '../../src/server/logger.js';
import { parseInbound } from '../../src/protocols/imip/inbound.js';
import { specialCollection, userCopy } from '../../src/services/scheduling/calendar-users.js';
import { freePort, TestRelay, type CapturedMail } from '../helpers/smtp.js';

/** The repository (dist/test/e2e/x.js → ../../../). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'reefknot.js');
const PYTHON = '/usr/bin/python3';
const PY_SCRIPT = join(ROOT, 'test', 'e2e', 'python_b_accepts.py');

export const password = (user: string): string => `secret-${user}`;

/** One place an event can be: a client's local database, a server's store, a CalDAV view. */
export interface Holding {
  /** Whose copy: 'A', 'B', 'C', 'D', 'E'. */
  holder: string;
  /** Where: "A's client (reefknot cal)", 'foo.example server', … */
  store: string;
  found: boolean;
  /** PARTSTAT per attendee address (bare, lower case). */
  partstat: Record<string, string>;
  /** SCHEDULE-STATUS per attendee on an organizer's server copy (bare address → code). */
  scheduleStatus: Record<string, string>;
  /** CLASS, when the copy has one. */
  klass?: string;
  summary?: string;
}

export interface ExampleResult {
  id: string;
  title: string;
  uid: string;
  holdings: Holding[];
  /** Why the example did not run (a missing peer, a gateway that does not exist yet). */
  skipped?: string;
  /** The first failure, when it did not complete. */
  error?: string;
  /** Observations along the way (e.g. the SCHEDULE-STATUS when the PUT returned). */
  notes: Record<string, string | number | boolean>;
}

export interface Outcome {
  examples: ExampleResult[];
  /** What F received in 4.5 (the readable part, and whether the iTIP part is there too). */
  fMail: { subject: string; text: string; hasCalendarPart: boolean } | null;
  /** §5.1, stored on the server: what B reads of A's private event through the share. */
  privateServer: { ownerView: string; bView: string; bStatus: number } | null;
  /** §5.1, local only: the phone profile's private event. */
  privateLocal: { onServer: boolean; inPhone: boolean; syncOutput: string } | null;
  /** The run where bar.example is down for a while. */
  down: { statusWhileDown: string; pendingWhileDown: number; firstRun: number; secondRun: number; inboxRequests: number; statusAfter: string; dCopy: string | null } | null;
  /** Every mail the relay carried, in order (the iTIP METHOD and UID read from its calendar part). */
  mails: { from: string; to: string[]; subject: string; method: string; uid: string; text: string }[];
  skipped: { step: string; why: string }[];
  elapsedMs: number;
}

export interface PlayOptions {
  say: (line: string) => void;
}

// ---------------------------------------------------------------------------------------------
// iCalendar reading

const unfold = (s: string): string => s.replace(/\r?\n[ \t]/g, '');
const bare = (a: string): string => a.replace(/^mailto:/i, '').toLowerCase();

function attendeeParams(text: string, uid: string, param: string): Record<string, string> {
  const out: Record<string, string> = {};
  const event = eventOf(text, uid);
  for (const line of unfold(event).split(/\r?\n/)) {
    if (!/^ATTENDEE[;:]/i.test(line)) continue;
    const addr = /:mailto:([^\s:;"]+)\s*$/i.exec(line)?.[1];
    if (!addr) continue;
    const value = new RegExp(`;${param}=("[^"]*"|[^;:]*)`, 'i').exec(line)?.[1];
    if (param === 'PARTSTAT') out[addr.toLowerCase()] = (value ?? 'NEEDS-ACTION').toUpperCase();
    else if (value !== undefined) out[addr.toLowerCase()] = value.replace(/"/g, '');
  }
  return out;
}

/** The VEVENT block with this UID (the master, when there are overrides), or ''. */
function eventOf(text: string, uid: string): string {
  const blocks = unfold(text).match(/BEGIN:VEVENT[\s\S]*?END:VEVENT/g) ?? [];
  return blocks.find((b) => new RegExp(`^UID:${uid.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm').test(b)) ?? '';
}

function holding(holder: string, store: string, text: string | null, uid: string): Holding {
  const event = text ? eventOf(text, uid) : '';
  const h: Holding = { holder, store, found: event !== '', partstat: {}, scheduleStatus: {} };
  if (!event) return h;
  h.partstat = attendeeParams(event, uid, 'PARTSTAT');
  h.scheduleStatus = attendeeParams(event, uid, 'SCHEDULE-STATUS');
  const klass = /^CLASS:(.*)$/m.exec(event)?.[1]?.trim();
  if (klass) h.klass = klass;
  const summary = /^SUMMARY[^:]*:(.*)$/m.exec(event)?.[1]?.trim();
  if (summary) h.summary = summary;
  return h;
}

// ---------------------------------------------------------------------------------------------
// Processes

interface RunResult { code: number | null; stdout: string; stderr: string }

/** Every child process goes through here, so each can be stopped by its PID at the end. */
class Processes {
  private readonly live = new Map<number, ChildProcess>();

  run(cmd: string, args: string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, TZ: 'UTC', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
      const pid = child.pid;
      if (pid !== undefined) this.live.set(pid, child);
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
      child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
      const timer = setTimeout(() => { if (pid !== undefined) this.kill(pid); }, opts.timeoutMs ?? 30_000);
      child.once('error', (e) => { clearTimeout(timer); if (pid !== undefined) this.live.delete(pid); reject(e); });
      child.once('close', (code) => {
        clearTimeout(timer);
        if (pid !== undefined) this.live.delete(pid);
        resolve({ code, stdout, stderr });
      });
      child.stdin.on('error', () => { /* the program may exit before reading its input */ });
      child.stdin.end(opts.input ?? '');
    });
  }

  private kill(pid: number): void {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }

  /** Stops whatever is still running, each by its PID, and waits for it. */
  async stopAll(): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const [pid, child] of this.live) {
      waits.push(new Promise((r) => { if (child.exitCode !== null || child.signalCode !== null) r(); else child.once('exit', () => r()); }));
      this.kill(pid);
    }
    await Promise.all(waits);
    this.live.clear();
  }
}

// ---------------------------------------------------------------------------------------------
// Servers

class Site {
  app: App | null = null;
  http: RunningServer | null = null;
  cip: { close(): Promise<void> } | null = null;
  readonly config: ServerConfig;

  constructor(readonly domain: string, readonly data: string, readonly port: number, readonly cipPort: number, relay: string) {
    // What `reefknot serve --data DIR --listen 127.0.0.1:PORT --smtp-relay URL --no-discovery --cip-listen 127.0.0.1:CIPPORT` configures.
    this.config = loadConfig({ env: {}, flags: { data, listen: `127.0.0.1:${port}`, logLevel: 'silent', smtpRelay: relay, ischeduleDiscovery: false, cipListen: `127.0.0.1:${cipPort}` } });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get live(): App {
    if (!this.app) throw new Error(`${this.domain} is down`);
    return this.app;
  }

  async up(): Promise<void> {
    this.app = buildApp(this.config);
    this.http = await startHttpServer(this.app, createLogger('silent'));
    this.cip = await startCip(this.app, createLogger('silent'), () => undefined);
  }

  async down(): Promise<void> {
    const [http, app, cip] = [this.http, this.app, this.cip];
    this.http = null;
    this.app = null;
    this.cip = null;
    if (http) await http.close();
    if (cip) await cip.close();
    if (app) await app.store.close();
  }

  async request(method: string, path: string, user: string | null, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
    const h: Record<string, string> = { ...headers };
    if (user) h.authorization = `Basic ${Buffer.from(`${user}:${password(user)}`).toString('base64')}`;
    const res = await fetch(this.url + path, { method, headers: h, body });
    return { status: res.status, text: await res.text() };
  }

  /** The user's copy of UID in their calendars, as stored. */
  async copy(user: string, uid: string): Promise<{ text: string; href: string } | null> {
    const app = this.live;
    return app.store.read(async (tx) => {
      const u = await tx.getUserByName(user);
      if (!u) throw new Error(`no user ${user} on ${this.domain}`);
      const c = await userCopy(tx, u, uid);
      return c ? { text: c.text, href: `${c.collection.path}${c.object.name}` } : null;
    });
  }

  /** Scheduling messages with this UID and METHOD in the user's inbox. */
  async inboxCount(user: string, uid: string, method: string): Promise<number> {
    const app = this.live;
    return app.store.read(async (tx) => {
      const u = await tx.getUserByName(user);
      const inbox = u ? await specialCollection(tx, u, 'inbox') : null;
      if (!inbox) return 0;
      let n = 0;
      for (const meta of await tx.listObjects(inbox.id)) {
        const row = await tx.getObject(inbox.id, meta.name);
        const text = row ? unfold(row.content.toString('utf8')) : '';
        if (new RegExp(`^METHOD:${method}\\s*$`, 'm').test(text) && eventOf(text, uid)) n += 1;
      }
      return n;
    });
  }

  async pendingFor(uid: string): Promise<number> {
    return (await this.live.store.read((tx) => tx.listDeliveries({ status: 'pending' }))).filter((d) => d.uid === uid).length;
  }
}

// ---------------------------------------------------------------------------------------------
// The story

export async function playWorkedExamples(opts: PlayOptions): Promise<Outcome> {
  const started = Date.now();
  const say = opts.say;
  const procs = new Processes();
  const work = mkdtempSync(join(tmpdir(), 'reefknot-e2e-'));
  const outcome: Outcome = { examples: [], fMail: null, privateServer: null, privateLocal: null, down: null, mails: [], skipped: [], elapsedMs: 0 };
  const skip = (step: string, why: string): void => {
    outcome.skipped.push({ step, why });
    say(`  SKIPPED ${step}: ${why}`);
  };

  const relay = await TestRelay.start();
  const [fooPort, barPort, fooCip, barCip] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const foo = new Site('foo.example', join(work, 'foo-data'), fooPort, fooCip, relay.url);
  const bar = new Site('bar.example', join(work, 'bar-data'), barPort, barCip, relay.url);
  const profiles = { a: join(work, 'a-laptop'), aPhone: join(work, 'a-phone'), c: join(work, 'c-laptop'), e: join(work, 'e-laptop') };
  const eMaildir = join(work, 'e-Maildir');
  const fMailbox: CapturedMail[] = [];
  const plainMailbox: CapturedMail[] = [];
  let eDelivered = 0;
  let routed = 0;

  // --- helpers bound to this run -------------------------------------------------------------
  const reefknot = async (site: Site, args: string[], input?: string): Promise<string> => {
    const r = await procs.run(process.execPath, [BIN, ...args, '--data', site.data], { ...(input !== undefined ? { input } : {}) });
    if (r.code !== 0) throw new Error(`reefknot ${args.join(' ')} (${site.domain}) exited ${r.code}: ${r.stderr.trim()}`);
    return r.stdout.trim();
  };
  const calRaw = (profile: string, args: string[], input?: string): Promise<RunResult> =>
    procs.run(process.execPath, [BIN, 'cal', '--profile', profile, ...args], { ...(input !== undefined ? { input } : {}) });
  const cal = async (who: string, profile: string, args: string[], input?: string): Promise<string> => {
    const r = await calRaw(profile, args, input);
    const shown = args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ');
    if (r.code !== 0) throw new Error(`${who}: reefknot cal ${shown} exited ${r.code}: ${(r.stderr + r.stdout).trim()}`);
    const out = r.stdout.trim();
    say(`  ${who}$ reefknot cal ${shown}`);
    for (const line of out.split('\n').slice(0, 6)) if (line.trim() && !line.startsWith('BEGIN:')) say(`      ${line}`);
    return out;
  };
  const uidOf = (added: string): string => {
    const uid = /added (\S+)/.exec(added)?.[1];
    if (!uid) throw new Error(`no UID in: ${added}`);
    return uid;
  };
  const clientHolding = async (holder: string, profile: string, uid: string): Promise<Holding> => {
    const r = await calRaw(profile, ['export', uid]);
    return holding(holder, `${holder}'s client (reefknot cal)`, r.code === 0 ? r.stdout : null, uid);
  };
  const serverHolding = async (holder: string, site: Site, user: string, uid: string): Promise<Holding> =>
    holding(holder, `${site.domain} server`, (await site.copy(user, uid))?.text ?? null, uid);

  /** Hands every mail the relay took since last time to where its recipient's domain reads mail. */
  const route = async (): Promise<void> => {
    while (routed < relay.mails.length) {
      const mail = relay.mails[routed];
      routed += 1;
      if (!mail) continue;
      const ical = unfold(mail.raw.includes('BEGIN:VCALENDAR') ? (mail.parsed.attachments.find((a) => /calendar/i.test(a.contentType))?.content.toString('utf8') ?? '') : '');
      outcome.mails.push({ from: mail.from, to: mail.to, subject: mail.parsed.subject ?? '', method: /^METHOD:(\S+)/m.exec(ical)?.[1] ?? '', uid: /^UID:(\S+)/m.exec(ical)?.[1] ?? '', text: mail.parsed.text ?? '' });
      for (const rcpt of mail.to) {
        const domain = rcpt.split('@')[1]?.toLowerCase() ?? '';
        const what = `${mail.parsed.subject ?? '(no subject)'}`;
        if (domain === 'foo.example' || domain === 'bar.example') {
          const site = domain === 'foo.example' ? foo : bar;
          const inbound = await parseInbound(Buffer.from(mail.raw, 'utf8'), site.config.mailAuth, { rcptTo: [rcpt], ...(mail.from ? { mailFrom: mail.from } : {}) });
          const r = await site.live.receive.receive(inbound);
          if (r.kind === 'rejected') {
            plainMailbox.push(mail);
            say(`  mail ${mail.from} → ${rcpt}: "${what}" — no calendar part, so it lands in ${rcpt}'s ordinary mailbox`);
          } else {
            const detail = r.kind === 'applied' ? r.results.map((x) => `${bare(x.recipient)} ${x.requestStatus}`).join(', ') : r.kind === 'quarantined' ? `quarantined: ${r.reason}` : 'duplicate, dropped';
            say(`  mail ${mail.from} → ${rcpt}: "${what}" — ${site.domain} receives it (imip ingest): ${detail}`);
            if (r.kind !== 'applied') throw new Error(`${site.domain} did not apply the mail to ${rcpt}: ${detail}`);
          }
        } else if (rcpt.toLowerCase() === 'e@baz.example') {
          mkdirSync(join(eMaildir, 'new'), { recursive: true });
          mkdirSync(join(eMaildir, 'cur'), { recursive: true });
          mkdirSync(join(eMaildir, 'tmp'), { recursive: true });
          eDelivered += 1;
          writeFileSync(join(eMaildir, 'new', `${eDelivered}.eml`), mail.raw);
          say(`  mail ${mail.from} → ${rcpt}: "${what}" — into E's maildir (new/${eDelivered}.eml)`);
        } else if (rcpt.toLowerCase() === 'f@baz.example') {
          fMailbox.push(mail);
          say(`  mail ${mail.from} → ${rcpt}: "${what}" — into F's mailbox`);
        } else {
          throw new Error(`the relay took mail for ${rcpt}, whom nobody here reads`);
        }
      }
    }
  };
  const worker = async (site: Site): Promise<number> => {
    const n = await site.live.worker.runOnce();
    say(`  ${site.domain}: delivery worker ran, ${n} message(s) handled`);
    return n;
  };
  const example = async (id: string, title: string, body: (r: ExampleResult) => Promise<void>): Promise<ExampleResult> => {
    const r: ExampleResult = { id, title, uid: '', holdings: [], notes: {} };
    outcome.examples.push(r);
    say('');
    say(`${id}  ${title}`);
    try {
      await body(r);
      for (const h of r.holdings) say(`  state: ${h.store}${h.holder && !h.store.startsWith(h.holder) ? ` (${h.holder}'s copy)` : ''}: ${h.found ? Object.entries(h.partstat).map(([a, p]) => `${a} ${p}`).join(', ') || 'present' : 'no copy'}`);
    } catch (e) {
      r.error = (e as Error).message;
      say(`  FAILED: ${r.error}`);
    }
    return r;
  };
  const peer = async (site: Site, other: Site): Promise<void> => {
    await reefknot(site, ['ischedule', 'peer', 'add', other.domain, '--url', `${other.url}/.well-known/ischedule`, '--key', join(work, `${other.domain}.pem`), '--allow', 'deliver,freebusy']);
  };

  try {
    // --- set-up, with the commands an administrator types --------------------------------------
    say('Set-up: foo.example (A, B) and bar.example (C, D) on 127.0.0.1, a mail relay on loopback, E and F at baz.example');
    say(`  mail relay (smtp) on ${relay.url}`);
    const admin = async (site: Site, users: string[]): Promise<void> => {
      for (const u of users) say(`  ${site.domain}$ ${await reefknot(site, ['user', 'add', u, '--email', `${u}@${site.domain}`, '--password-stdin'], `${password(u)}\n`)}`);
      await reefknot(site, ['ischedule', 'keygen', '--domain', site.domain, '--public-key-out', join(work, `${site.domain}.pem`)]);
      say(`  ${site.domain}$ reefknot ischedule keygen --domain ${site.domain} --public-key-out ${site.domain}.pem`);
    };
    await Promise.all([admin(foo, ['a', 'b']), admin(bar, ['c', 'd'])]);
    await Promise.all([peer(foo, bar), peer(bar, foo)]);
    say(`  foo.example$ reefknot ischedule peer add bar.example --url ${bar.url}/.well-known/ischedule --key bar.example.pem (and the same on bar.example for foo.example)`);
    await Promise.all([foo.up(), bar.up()]);
    say(`  reefknot serve --listen 127.0.0.1:${foo.port} --smtp-relay ${relay.url} --no-discovery   (foo.example at ${foo.url})`);
    say(`  reefknot serve --listen 127.0.0.1:${bar.port} --smtp-relay ${relay.url} --no-discovery   (bar.example at ${bar.url})`);
    await Promise.all([
      cal('A', profiles.a, ['init', '--name', 'A', '--address', 'a@foo.example', '--timezone', 'Europe/Berlin', '--server', `${foo.url}/`, '--user', 'a', '--password-stdin', '--private', 'server-private'], `${password('a')}\n`),
      cal("A's phone", profiles.aPhone, ['init', '--name', 'A', '--address', 'a@foo.example', '--timezone', 'Europe/Berlin', '--server', `${foo.url}/`, '--user', 'a', '--password-stdin', '--private', 'local-only'], `${password('a')}\n`),
      cal('C', profiles.c, ['init', '--name', 'C', '--address', 'c@bar.example', '--timezone', 'America/New_York', '--server', `${bar.url}/`, '--user', 'c', '--password-stdin'], `${password('c')}\n`),
      cal('E', profiles.e, ['init', '--name', 'E', '--address', 'e@baz.example', '--timezone', 'Europe/London', '--smtp', relay.url, '--mail-in', eMaildir]),
    ]);
    await Promise.all([cal('A', profiles.a, ['sync']), cal('C', profiles.c, ['sync'])]);

    // --- 4.1 -----------------------------------------------------------------------------------
    await example('4.1', 'A invites B (same server)', async (r) => {
      r.uid = uidOf(await cal('A', profiles.a, ['add', 'Design review', '--start', '2027-03-01 10:00', '--duration', '1h', '--location', 'Room 1', '--attendee', 'B <b@foo.example>']));
      await cal('A', profiles.a, ['sync']);
      r.notes.statusForB = (await serverHolding('A', foo, 'a', r.uid)).scheduleStatus['b@foo.example'] ?? '';
      say(`  foo.example stored A's event; SCHEDULE-STATUS for B: ${r.notes.statusForB}; B's copy waits with PARTSTAT ${(await serverHolding('B', foo, 'b', r.uid)).partstat['b@foo.example'] ?? '?'}`);
      const havePython = spawnSync(PYTHON, ['-c', 'import caldav'], { stdio: 'ignore' }).status === 0;
      let bClient: Holding;
      if (havePython) {
        say(`  B$ python3 test/e2e/python_b_accepts.py ${foo.url}/ b *** ${r.uid}   (python caldav, B's CalDAV client)`);
        const py = await procs.run(PYTHON, [PY_SCRIPT, `${foo.url}/`, 'b', password('b'), r.uid], { env: { PYTHONUNBUFFERED: '1' }, timeoutMs: 60_000 });
        for (const line of py.stdout.split('\n')) if (line.trim()) say(`      ${line}`);
        if (py.code !== 0) throw new Error(`python caldav exited ${py.code}: ${py.stderr.slice(-2000)}`);
        const p = /b-copy-partstat (\S+)/.exec(py.stdout)?.[1] ?? '';
        bClient = { holder: 'B', store: "B's client (python caldav)", found: p !== '', partstat: p ? { 'b@foo.example': p } : {}, scheduleStatus: {} };
      } else {
        if (process.env.CI) throw new Error('python3-caldav is not installed (/usr/bin/python3 cannot import caldav) and CI is set');
        skip('4.1 B answers from python caldav', 'python3-caldav is not installed (apt install python3-caldav); B answers with a plain CalDAV PUT instead');
        const copy = await foo.copy('b', r.uid);
        if (!copy) throw new Error("B has no copy to answer");
        const answered = unfold(copy.text).replace(/^(ATTENDEE[^\n]*?)PARTSTAT=NEEDS-ACTION([^\n]*mailto:b@foo\.example)/im, '$1PARTSTAT=ACCEPTED$2');
        const put = await foo.request('PUT', copy.href, 'b', answered, { 'content-type': 'text/calendar' });
        if (put.status >= 300) throw new Error(`B's PUT answered ${put.status}: ${put.text}`);
        bClient = holding('B', "B's client (plain CalDAV PUT)", (await foo.request('GET', copy.href, 'b')).text, r.uid);
      }
      await cal('A', profiles.a, ['sync']);
      r.holdings.push(await clientHolding('A', profiles.a, r.uid), await serverHolding('A', foo, 'a', r.uid), await serverHolding('B', foo, 'b', r.uid), bClient);
    });

    // --- 4.2 over iSchedule -------------------------------------------------------------------------
    const cInvited = async (r: ExampleResult, title: string, how: string): Promise<void> => {
      r.uid = uidOf(await cal('A', profiles.a, ['add', title, '--start', '2027-03-02 15:00', '--duration', '1h', '--attendee', 'C <c@bar.example>']));
      await cal('A', profiles.a, ['sync']);
      r.notes.statusForC = (await serverHolding('A', foo, 'a', r.uid)).scheduleStatus['c@bar.example'] ?? '';
      say(`  foo.example stored it under A's name; c@bar.example is not a local user: ${how}; SCHEDULE-STATUS ${r.notes.statusForC}`);
    };
    const cAccepts = async (r: ExampleResult): Promise<void> => {
      await cal('C', profiles.c, ['sync']);
      await cal('C', profiles.c, ['accept', r.uid]);
      await cal('C', profiles.c, ['sync']);
    };
    const cFinal = async (r: ExampleResult): Promise<void> => {
      await cal('A', profiles.a, ['sync']);
      const [a, c] = await Promise.all([clientHolding('A', profiles.a, r.uid), clientHolding('C', profiles.c, r.uid)]);
      r.holdings.push(a, await serverHolding('A', foo, 'a', r.uid), await serverHolding('C', bar, 'c', r.uid), c);
    };
    await example('4.2', 'A invites C (another company), over iSchedule: the servers trust each other', async (r) => {
      await cInvited(r, 'Contract talk (iSchedule)', 'sent over iSchedule at once');
      r.notes.cCopyBeforeAnswer = (await serverHolding('C', bar, 'c', r.uid)).partstat['c@bar.example'] ?? 'none';
      await cAccepts(r);
      r.notes.replyStatus = (await serverHolding('C', bar, 'c', r.uid)).found ? 'answered' : '';
      await cFinal(r);
    });

    // --- 4.2 over iMIP ------------------------------------------------------------------------------
    await example('4.2-imip', 'A invites C over email (iMIP): no trust between the servers, as in the seed', async (r) => {
      await Promise.all([reefknot(foo, ['ischedule', 'peer', 'remove', 'bar.example']), reefknot(bar, ['ischedule', 'peer', 'remove', 'foo.example'])]);
      say('  foo.example$ reefknot ischedule peer remove bar.example   (and bar.example removes foo.example)');
      try {
        await cInvited(r, 'Contract talk (email)', 'queued for email');
        r.notes.sentByWorker = await worker(foo);
        r.notes.statusAfterWorker = (await serverHolding('A', foo, 'a', r.uid)).scheduleStatus['c@bar.example'] ?? '';
        await route();
        await cAccepts(r);
        r.notes.replySent = await worker(bar);
        await route();
        await cFinal(r);
      } finally {
        await Promise.all([peer(foo, bar), peer(bar, foo)]);
        say('  the peering is restored (reefknot ischedule peer add … on both servers)');
      }
    });

    // --- 4.2 over CIP ---------------------------------------------------------------------------------
    // Runs when the gateway exists (`reefknot cip` in src/cli): the iSchedule peering is set aside
    // and both servers are CIP peers with a shared password, each reaching the other's listener.
    const cipCli = readdirSync(join(ROOT, 'src', 'cli')).filter((f) => /cip/i.test(f));
    const cipExample = await example('4.2-cip', 'A invites C over CIP (draft-ietf-calsch-cip-00): the servers are CIP peers', async (r) => {
      if (cipCli.length === 0) {
        r.skipped = '`reefknot cip` does not exist in src/cli yet (the CIP gateway is being built); this variant runs once it does';
        return;
      }
      const cipPeer = (site: Site, other: Site): Promise<string> =>
        reefknot(site, ['cip', 'peer', 'add', other.domain, '--password-stdin', '--host', `127.0.0.1:${other.cipPort}`], 'shared-cip-secret\n');
      await Promise.all([reefknot(foo, ['ischedule', 'peer', 'remove', 'bar.example']), reefknot(bar, ['ischedule', 'peer', 'remove', 'foo.example'])]);
      say(`  foo.example$ ${await cipPeer(foo, bar)}`);
      say(`  bar.example$ ${await cipPeer(bar, foo)}`);
      say('  (the iSchedule peering is set aside: reefknot ischedule peer remove … on both servers)');
      try {
        await cInvited(r, 'Contract talk (CIP)', 'queued for the CIP peer');
        r.notes.sentByWorker = await worker(foo);
        r.notes.statusAfterWorker = (await serverHolding('A', foo, 'a', r.uid)).scheduleStatus['c@bar.example'] ?? '';
        say(`  foo.example sent SENDEVENT to bar.example's CIP listener; SCHEDULE-STATUS ${r.notes.statusAfterWorker}`);
        await cAccepts(r);
        r.notes.replySent = await worker(bar);
        await cFinal(r);
      } finally {
        await Promise.all([reefknot(foo, ['cip', 'peer', 'remove', 'bar.example']), reefknot(bar, ['cip', 'peer', 'remove', 'foo.example'])]);
        await Promise.all([peer(foo, bar), peer(bar, foo)]);
        say('  the CIP peers are removed and the iSchedule peering restored');
      }
    });
    if (cipExample.skipped) skip('4.2 over CIP', cipExample.skipped);

    // --- 4.3 ------------------------------------------------------------------------------------------
    await example('4.3', 'A invites E (E has a calendar program but no server)', async (r) => {
      r.uid = uidOf(await cal('A', profiles.a, ['add', 'Lunch with E', '--start', '2027-03-03 12:30', '--duration', '1h', '--location', 'Café Baz', '--attendee', 'E <e@baz.example>']));
      await cal('A', profiles.a, ['sync']);
      await worker(foo);
      await route();
      await cal('E', profiles.e, ['fetch']);
      await cal('E', profiles.e, ['accept', r.uid]);
      await route();
      await cal('A', profiles.a, ['sync']);
      const [a, e] = await Promise.all([clientHolding('A', profiles.a, r.uid), clientHolding('E', profiles.e, r.uid)]);
      r.holdings.push(a, await serverHolding('A', foo, 'a', r.uid), e);
    });

    // --- 4.4 ------------------------------------------------------------------------------------------
    await example('4.4', 'E invites A by email', async (r) => {
      r.uid = uidOf(await cal('E', profiles.e, ['add', 'Workshop at Baz', '--start', '2027-03-04 09:00', '--duration', '2h', '--attendee', 'A <a@foo.example>']));
      await route();
      await cal('A', profiles.a, ['sync']);
      await cal('A', profiles.a, ['accept', r.uid]);
      await cal('A', profiles.a, ['sync']);
      r.notes.replySent = await worker(foo);
      await route();
      await cal('E', profiles.e, ['fetch']);
      const [e, a] = await Promise.all([clientHolding('E', profiles.e, r.uid), clientHolding('A', profiles.a, r.uid)]);
      r.holdings.push(e, await serverHolding('A', foo, 'a', r.uid), a);
    });

    // --- 4.5 ------------------------------------------------------------------------------------------
    await example('4.5', 'A invites F (F has only email)', async (r) => {
      r.uid = uidOf(await cal('A', profiles.a, ['add', 'Budget review', '--start', '2027-03-05 14:00', '--duration', '1h', '--location', 'Room 4', '--attendee', 'F <f@baz.example>']));
      await cal('A', profiles.a, ['sync']);
      await worker(foo);
      await route();
      const invitation = fMailbox.find((m) => m.raw.includes(r.uid) || (m.parsed.subject ?? '').includes('Budget review'));
      if (!invitation) throw new Error('F received no invitation');
      const text = invitation.parsed.text ?? '';
      outcome.fMail = { subject: invitation.parsed.subject ?? '', text, hasCalendarPart: /Content-Type: text\/calendar/i.test(invitation.raw) };
      say(`  F reads "${outcome.fMail.subject}":`);
      for (const line of text.split('\n').filter((l) => l.trim()).slice(0, 14)) say(`      | ${line}`);
      const sender = nodemailer.createTransport({ host: '127.0.0.1', port: relay.port, secure: false, ignoreTLS: true });
      try {
        await sender.sendMail({ from: 'F <f@baz.example>', to: 'a@foo.example', subject: `Re: ${outcome.fMail.subject}`, text: "Hello A, yes, I'll be there. F" });
      } finally {
        sender.close();
      }
      say('  F answers in words: "Hello A, yes, I\'ll be there."');
      await route();
      const answer = plainMailbox.find((m) => (m.parsed.text ?? '').includes("I'll be there"));
      r.notes.aReadTheAnswer = answer !== undefined;
      const recorded = await reefknot(foo, ['attendee', 'set', '--user', 'a', '--uid', r.uid, '--attendee', 'mailto:f@baz.example', '--partstat', 'ACCEPTED']);
      say(`  foo.example$ reefknot attendee set --user a --uid ${r.uid} --attendee mailto:f@baz.example --partstat ACCEPTED`);
      say(`      ${recorded}`);
      await cal('A', profiles.a, ['sync']);
      const copy = await foo.copy('a', r.uid);
      const viaCaldav = copy ? await foo.request('GET', copy.href, 'a') : null;
      r.holdings.push(await clientHolding('A', profiles.a, r.uid), await serverHolding('A', foo, 'a', r.uid),
        holding('A', "A's CalDAV client (GET on foo.example)", viaCaldav && viaCaldav.status === 200 ? viaCaldav.text : null, r.uid));
    });

    // --- 5.1 ------------------------------------------------------------------------------------------
    await example('5.1-server', 'Private event stored on the server (--private server-private): B sees only busy time', async (r) => {
      r.uid = uidOf(await cal('A', profiles.a, ['add', 'Doctor appointment', '--start', '2027-03-01 08:00', '--duration', '30m', '--location', 'Clinic', '--private']));
      await cal('A', profiles.a, ['sync']);
      say(`  foo.example$ ${await reefknot(foo, ['share', 'a/calendar', '--with', 'b', '--access', 'read'])}`);
      const copy = await foo.copy('a', r.uid);
      if (!copy) throw new Error("the private event is not on A's server");
      const owner = await foo.request('GET', copy.href, 'a');
      const viaShare = copy.href.replace('/calendars/a/calendar/', '/calendars/b/a-calendar/');
      const b = await foo.request('GET', viaShare, 'b');
      outcome.privateServer = { ownerView: owner.text, bView: b.text, bStatus: b.status };
      say(`  B GET ${viaShare} → ${b.status}: ${unfold(b.text).split(/\r?\n/).filter((l) => /^(SUMMARY|LOCATION|DTSTART|DTEND|CLASS)/.test(l)).join(' | ') || '(nothing)'}`);
      r.holdings.push(await serverHolding('A', foo, 'a', r.uid), holding('B', "B's view through the share (CalDAV GET)", b.status === 200 ? b.text : null, r.uid));
    });
    await example('5.1-local', "Private event kept on the device (--private local-only): it never reaches the server", async (r) => {
      await cal("A's phone", profiles.aPhone, ['sync']);
      r.uid = uidOf(await cal("A's phone", profiles.aPhone, ['add', 'Diary: think', '--start', '2027-03-01 07:00', '--duration', '30m', '--private']));
      const synced = await cal("A's phone", profiles.aPhone, ['sync']);
      const onServer = (await foo.copy('a', r.uid)) !== null;
      const phone = await clientHolding("A's phone", profiles.aPhone, r.uid);
      outcome.privateLocal = { onServer, inPhone: phone.found, syncOutput: synced };
      say(`  on foo.example after the sync: ${onServer ? 'PRESENT (wrong)' : 'not there'}; on the phone: ${phone.found ? 'present' : 'missing'}`);
      r.holdings.push({ ...phone, store: "A's phone (reefknot cal, local-only)" }, await serverHolding('A', foo, 'a', r.uid));
    });

    // --- bar.example down for a while --------------------------------------------------------------------
    await example('down', 'bar.example is down for a while: A invites D over iSchedule; delivered once bar is back', async (r) => {
      await bar.down();
      say(`  bar.example stops (its HTTP listener on port ${bar.port} is closed)`);
      r.uid = uidOf(await cal('A', profiles.a, ['add', 'Quarterly planning', '--start', '2027-03-08 10:00', '--duration', '1h', '--attendee', 'D <d@bar.example>']));
      await cal('A', profiles.a, ['sync']);
      const statusWhileDown = (await serverHolding('A', foo, 'a', r.uid)).scheduleStatus['d@bar.example'] ?? '';
      const pendingWhileDown = await foo.pendingFor(r.uid);
      say(`  the iSchedule attempt could not connect: SCHEDULE-STATUS ${statusWhileDown}, ${pendingWhileDown} message(s) waiting in foo's queue`);
      await bar.up();
      say(`  bar.example starts again (same data folder, port ${bar.port})`);
      const firstRun = await worker(foo);
      const secondRun = await worker(foo);
      const inboxRequests = await bar.inboxCount('d', r.uid, 'REQUEST');
      const dCopy = await bar.copy('d', r.uid);
      const statusAfter = (await serverHolding('A', foo, 'a', r.uid)).scheduleStatus['d@bar.example'] ?? '';
      outcome.down = { statusWhileDown, pendingWhileDown, firstRun, secondRun, inboxRequests, statusAfter, dCopy: dCopy?.text ?? null };
      say(`  D's inbox holds ${inboxRequests} REQUEST for it; SCHEDULE-STATUS on A's copy: ${statusAfter}`);
      r.holdings.push(await serverHolding('A', foo, 'a', r.uid), await serverHolding('D', bar, 'd', r.uid));
    });
  } finally {
    await procs.stopAll();
    await Promise.all([foo.down().catch(() => undefined), bar.down().catch(() => undefined)]);
    await relay.down();
    rmSync(work, { recursive: true, force: true });
    outcome.elapsedMs = Date.now() - started;
  }
  return outcome;
}

/** A short table of the final states, for people. */
export function describeOutcome(o: Outcome): string[] {
  const lines: string[] = [];
  for (const e of o.examples) {
    const head = `${e.id.padEnd(11)} ${e.title}`;
    if (e.skipped) { lines.push(`${head}\n            skipped: ${e.skipped}`); continue; }
    lines.push(head + (e.error ? `\n            FAILED: ${e.error}` : ''));
    for (const h of e.holdings) {
      const parts = h.found ? Object.entries(h.partstat).map(([a, p]) => `${a}=${p}`).join(' ') || 'present' : 'no copy';
      lines.push(`            ${h.store.padEnd(44)} ${parts}${h.klass ? ` CLASS:${h.klass}` : ''}`);
    }
  }
  return lines;
}
