/**
 * Web calendar sessions: a random 256-bit id in an HttpOnly, SameSite=Strict cookie (Secure when
 * the server is reached over TLS), with an idle expiry and an absolute one, and a CSRF token per
 * session that the browser sends back in `X-CSRF-Token` on every state-changing request.
 *
 * Sessions are kept in memory: they end when the server restarts (people sign in again), and with
 * several `reefknot serve` processes behind a load balancer the balancer must keep a browser on
 * one process. Sign-out drops one session; "sign out everywhere" drops every session of the user.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'reefknot_session';

export interface SessionLimits {
  /** A session unused for this long ends (milliseconds). */
  idleMs: number;
  /** A session ends this long after sign-in, however busy (milliseconds). */
  absoluteMs: number;
  /** At most this many live sessions per user; the oldest goes first. */
  perUser: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000, perUser: 20 };

export interface WebSession {
  id: string;
  userId: number;
  userName: string;
  /** The user's credential version at sign-in: a password change ends the session. */
  credentialVersion: number;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
}

const randomToken = (): string => randomBytes(32).toString('base64url');

/** Compares two secrets in constant time (for ids and CSRF tokens). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SessionStore {
  private readonly sessions = new Map<string, WebSession>();

  constructor(private readonly now: () => number, private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS) {}

  create(userId: number, userName: string, credentialVersion = 0): WebSession {
    this.sweep();
    const t = this.now();
    const session: WebSession = { id: randomToken(), userId, userName, credentialVersion, csrfToken: randomToken(), createdAt: t, lastSeenAt: t };
    const mine = [...this.sessions.values()].filter((s) => s.userId === userId).sort((a, b) => a.createdAt - b.createdAt);
    for (const old of mine.slice(0, Math.max(0, mine.length - this.limits.perUser + 1))) this.sessions.delete(old.id);
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id (its idle clock restarted), or null when unknown or expired. */
  use(id: string): WebSession | null {
    const s = this.sessions.get(id);
    if (!s) return null;
    const t = this.now();
    if (t - s.lastSeenAt > this.limits.idleMs || t - s.createdAt > this.limits.absoluteMs) {
      this.sessions.delete(id);
      return null;
    }
    s.lastSeenAt = t;
    return s;
  }

  drop(id: string): void {
    this.sessions.delete(id);
  }

  /** Sign out everywhere: every session of the user ends. Returns how many ended. */
  dropUser(userId: number): number {
    let n = 0;
    for (const [id, s] of this.sessions) {
      if (s.userId === userId) {
        this.sessions.delete(id);
        n++;
      }
    }
    return n;
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const t = this.now();
    for (const [id, s] of this.sessions) {
      if (t - s.lastSeenAt > this.limits.idleMs || t - s.createdAt > this.limits.absoluteMs) this.sessions.delete(id);
    }
  }
}

/** The value of one cookie in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** A Set-Cookie value for the session (maxAgeS 0 clears it). */
export function sessionCookie(value: string, opts: { path: string; secure: boolean; maxAgeS: number }): string {
  const parts = [`${SESSION_COOKIE}=${value}`, `Path=${opts.path}`, 'HttpOnly', 'SameSite=Strict', `Max-Age=${opts.maxAgeS}`];
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}
