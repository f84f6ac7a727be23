/**
 * One CIP session on the listener (draft-ietf-calsch-cip-00 §1.4, §2): the greeting
 * `OK CIP 1.0 hostname`, then commands one at a time — AUTHENTICATE LOGIN, and SENDEVENT, RSVP and
 * FREEBUSY whose line ends with "+" and whose data follows, dot-terminated — each answered with
 * informational `*` lines and an `OK`/`NO` completion with result code 000 (none), 001 (bad
 * command or data), 002 (access control) or 003 (partly done). Bounded: line length, data size,
 * commands per minute, queued commands, failed logins; a breach is answered NO 001 and closes.
 */
import type { CipAnswer, CipGateway, CipNote } from '../../services/scheduling/cip-receive.js';
import { freeBusyLines } from './freebusy-data.js';
import { parseVcalLines } from './vcal-lines.js';
import { CipDataError, freeBusyQuery, rsvpToItip, sendEventToItip } from './vcal-itip.js';
import { unstuff, wireText } from './wire.js';

export interface SessionLimits {
  maxLineBytes: number;
  maxDataBytes: number;
  commandsPerMinute: number;
  maxQueued: number;
  maxFailedLogins: number;
  idleTimeoutMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  maxLineBytes: 1000, maxDataBytes: 1024 * 1024, commandsPerMinute: 60, maxQueued: 4, maxFailedLogins: 3, idleTimeoutMs: 120_000,
};

export interface SessionDeps {
  gateway: CipGateway;
  hostname: string;
  /** LOGIN sends a password in clear: accepted over TLS, from loopback, or when explicitly allowed. */
  plainLoginAllowed: boolean;
  limits: SessionLimits;
  now: () => number;
  write(line: string): void;
  close(): void;
  onError(e: unknown): void;
}

interface Command { name: string; args: string[]; data: string[] | null }

const DATA_COMMANDS = new Set(['SENDEVENT', 'RSVP', 'FREEBUSY']);
const CODES: Record<CipAnswer['outcome'], string> = { all: 'OK 000', some: 'OK 003', duplicate: 'OK 000', none: 'NO 000', limited: 'NO 000', denied: 'NO 002', invalid: 'NO 001' };

export const noteLine = (n: CipNote): string => (n.kind === 'REDIRECT' ? `* REDIRECT USER ${n.who} IS NOW ${n.to}` : `* ${n.kind} ${n.who}`);

export class CipSession {
  private peer: string | null = null;
  private failedLogins = 0;
  private reading: { name: string; args: string[]; lines: string[]; bytes: number } | null = null;
  private readonly queue: Command[] = [];
  private running = false;
  private closed = false;
  private readonly recent: number[] = [];

  constructor(private readonly d: SessionDeps) {}

  start(): void {
    this.d.write(`OK CIP 1.0 ${wireText(this.d.hostname)}`);
  }

  /** Ends the session with a last NO 001 (line too long, flooding, data too large). */
  abort(reason: string): void {
    if (this.closed) return;
    this.d.write(`NO 001 ${wireText(reason)}`);
    this.closed = true;
    this.d.close();
  }

  onLine(line: string): void {
    if (this.closed) return;
    if (this.reading) return this.dataLine(line);
    if (line.trim() === '') return;
    const now = this.d.now();
    while (this.recent.length && (this.recent[0] ?? 0) <= now - 60_000) this.recent.shift();
    this.recent.push(now);
    if (this.recent.length > this.d.limits.commandsPerMinute) return this.abort('Too many commands; closing');
    const plus = /\+\s*$/.test(line);
    const [name = '', ...args] = line.replace(/\+\s*$/, '').trim().split(/\s+/);
    const upper = name.toUpperCase();
    if (plus && DATA_COMMANDS.has(upper)) this.reading = { name: upper, args, lines: [], bytes: 0 };
    else this.enqueue({ name: upper, args, data: null });
  }

  private dataLine(line: string): void {
    const r = this.reading;
    if (!r) return;
    if (line === '.') {
      this.reading = null;
      return this.enqueue({ name: r.name, args: r.args, data: r.lines });
    }
    r.bytes += line.length + 2;
    if (r.bytes > this.d.limits.maxDataBytes) return this.abort(`Data larger than ${this.d.limits.maxDataBytes} bytes; closing`);
    r.lines.push(unstuff(line));
  }

  private enqueue(c: Command): void {
    if (this.queue.length >= this.d.limits.maxQueued) return this.abort('Too many commands before their answers; closing');
    this.queue.push(c);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    for (let c = this.queue.shift(); c && !this.closed; c = this.queue.shift()) {
      let lines: string[];
      try {
        lines = await this.execute(c);
      } catch (e) {
        this.d.onError(e);
        lines = ['NO 000 Temporary failure; try again later'];
      }
      if (!this.closed) for (const l of lines) this.d.write(l);
      if (c.name === 'QUIT' && !this.closed) {
        this.closed = true;
        this.d.close();
      }
    }
    this.running = false;
  }

  private execute(c: Command): Promise<string[]> | string[] {
    if (DATA_COMMANDS.has(c.name) && c.data === null) return [`NO 001 ${c.name} takes data: end the command line with +`];
    switch (c.name) {
      case 'AUTHENTICATE': return this.authenticate(c.args);
      case 'SENDEVENT': return this.sendEvent(c.data ?? []);
      case 'RSVP': return this.rsvp(c.data ?? []);
      case 'FREEBUSY': return this.freeBusy(c.data ?? []);
      case 'QUIT': return ['OK 000 Bye'];
      default: return ['NO 001 Unknown command'];
    }
  }

  private async authenticate(args: string[]): Promise<string[]> {
    const [code = '', identity, password, ...extra] = args;
    if (code.toUpperCase() !== 'LOGIN') return ['NO 001 Unsupported AUTHENTICATE code; use LOGIN'];
    if (!identity || !password || extra.length) return ['NO 001 Use AUTHENTICATE LOGIN identity password'];
    if (!this.d.plainLoginAllowed) return ['NO 002 LOGIN sends a password in clear: use TLS'];
    const peer = await this.d.gateway.login(identity.toLowerCase(), password);
    if (peer) {
      this.peer = peer;
      this.failedLogins = 0;
      return ['OK 000 LOGIN COMPLETED'];
    }
    if (++this.failedLogins >= this.d.limits.maxFailedLogins) {
      this.closed = true;
      this.d.write('NO 000 Access denied.');
      this.d.close();
      return [];
    }
    return ['NO 000 Access denied.'];
  }

  private answerLines(a: CipAnswer): string[] {
    return [...a.notes.map(noteLine), `${CODES[a.outcome]} ${wireText(a.text)}`];
  }

  private async withData(fn: () => Promise<string[]>): Promise<string[]> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof CipDataError || (e instanceof Error && /property line/.test(e.message))) return [`NO 001 ${wireText(e.message)}`];
      throw e;
    }
  }

  private sendEvent(data: string[]): Promise<string[]> {
    return this.withData(async () => {
      const m = sendEventToItip(parseVcalLines(data), new Date(this.d.now()));
      return this.answerLines(await this.d.gateway.sendEvent(this.peer, m.ical, { messageId: m.messageId, only: m.only.length ? m.only : undefined }));
    });
  }

  private rsvp(data: string[]): Promise<string[]> {
    return this.withData(async () => {
      const m = rsvpToItip(parseVcalLines(data), new Date(this.d.now()));
      return this.answerLines(await this.d.gateway.rsvp(this.peer, m.ical, { messageId: m.messageId }));
    });
  }

  private freeBusy(data: string[]): Promise<string[]> {
    return this.withData(async () => {
      const q = freeBusyQuery(parseVcalLines(data));
      const a = await this.d.gateway.freeBusy(this.peer, q.users, { start: q.start, end: q.end });
      const block = a.busy.length ? ['+', ...freeBusyLines(q, a.busy), '.'] : [];
      return [...block, ...this.answerLines(a)];
    });
  }
}
