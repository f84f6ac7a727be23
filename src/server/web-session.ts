/**
 * Web calendar sessions: a random 256-bit id in an HttpOnly, SameSite=Strict cookie (Secure when
 * the server is reached over TLS), with an idle expiry and an absolute one, and a CSRF token per
 * session that the browser sends back in `X-CSRF-Token` on every state-changing request.
 *
 * Sessions live in the store (only a SHA-256 of the id is kept there, so a copy of the database
 * holds no usable cookie): they survive a restart, and every `reefknot serve` process sharing a
 * PostgreSQL store knows them, so a load balancer needs no sticky sessions. Sign-out drops one
 * session; "sign out everywhere" drops every session of the user.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store, WebSessionRow } from '../store/types.js';

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

/** A live session as the web app sees it: the stored row, with the id from the cookie. */
export interface WebSession extends Omit<WebSessionRow, 'idHash'> {
  id: string;
}

const randomToken = (): string => randomBytes(32).toString('base64url');

/** Compares two secrets in constant time (for ids and CSRF tokens). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A session's last-seen time is written at most this often (a write per request would be waste). */
const TOUCH_EVERY_MS = 60_000;

const hashId = (id: string): string => createHash('sha256').update(id).digest('base64url');

export class SessionStore {
  constructor(private readonly store: Store, private readonly now: () => number, private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS) {}

  async create(userId: number, userName: string, credentialVersion = 0): Promise<WebSession> {
    const t = this.now();
    const session: WebSession = { id: randomToken(), userId, userName, credentialVersion, csrfToken: randomToken(), createdAt: t, lastSeenAt: t };
    await this.store.write(async (tx) => {
      await tx.deleteExpiredWebSessions(t - this.limits.idleMs, t - this.limits.absoluteMs);
      const mine = await tx.listUserWebSessions(userId);
      for (const old of mine.slice(0, Math.max(0, mine.length - this.limits.perUser + 1))) await tx.deleteWebSession(old.idHash);
      await tx.addWebSession({ idHash: hashId(session.id), userId, userName, credentialVersion, csrfToken: session.csrfToken, createdAt: t, lastSeenAt: t });
    });
    return session;
  }

  /** The live session with this id (its idle clock restarted), or null when unknown or expired. */
  async use(id: string): Promise<WebSession | null> {
    const idHash = hashId(id);
    const row = await this.store.read((tx) => tx.getWebSession(idHash));
    if (!row) return null;
    const t = this.now();
    if (this.expired(row, t)) {
      await this.store.write((tx) => tx.deleteWebSession(idHash));
      return null;
    }
    // The idle clock has a granularity of TOUCH_EVERY_MS, well below any sensible idle limit.
    if (t - row.lastSeenAt >= Math.min(TOUCH_EVERY_MS, this.limits.idleMs / 4)) await this.store.write((tx) => tx.touchWebSession(idHash, t));
    const { idHash: _stored, ...session } = row;
    return { ...session, id, lastSeenAt: t };
  }

  async drop(id: string): Promise<void> {
    await this.store.write((tx) => tx.deleteWebSession(hashId(id)));
  }

  /** Sign out everywhere: every session of the user ends. Returns how many ended. */
  dropUser(userId: number): Promise<number> {
    return this.store.write((tx) => tx.deleteUserWebSessions(userId));
  }

  private expired(s: WebSessionRow, t: number): boolean {
    return t - s.lastSeenAt > this.limits.idleMs || t - s.createdAt > this.limits.absoluteMs;
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
