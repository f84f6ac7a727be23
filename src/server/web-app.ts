/**
 * The web calendar's server side: the built front end (web/dist) at `/` and `/assets/`, and the
 * sign-in routes under `/web/`. The browser then speaks CalDAV to the same server, authenticated
 * by the session cookie (web-session.ts) instead of HTTP Basic; every state-changing method so
 * authenticated must carry `X-CSRF-Token` (double submit of the session's token), else 403.
 *
 * Security headers: a strict Content-Security-Policy (scripts from this origin only, styles from
 * this origin plus one per-response nonce for FullCalendar's injected sheet, no third party, no
 * framing), nosniff and no referrer. CalDAV answers to requests without Basic credentials get a
 * sandboxing CSP too, so a stored resource can never run script in this origin.
 */
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DavResponse } from '../protocols/dav/http-types.js';
import type { UserRow } from '../store/types.js';
import type { App } from './app.js';
import { readCookie, sameSecret, SESSION_COOKIE, sessionCookie, SessionStore, type WebSession } from './web-session.js';

export interface WebAnswer {
  response: DavResponse;
  user?: string;
}

/** The result of looking at a request's session cookie. */
export type CookieAuth = { account: UserRow } | { refused: DavResponse } | null;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PROPFIND', 'REPORT']);
const ASSET_RE = /^\/assets\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_LOGIN_BYTES = 16 * 1024;
/** An IANA zone name: Area/Location (up to three parts) or a single name such as UTC. */
const TZID_RE = /^[A-Za-z][A-Za-z0-9_+-]{0,40}(?:\/[A-Za-z0-9][A-Za-z0-9_+-]{0,40}){0,2}$/;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.woff2': 'font/woff2', '.json': 'application/json', '.html': 'text/html; charset=utf-8',
};

const BASE_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin', 'cross-origin-resource-policy': 'same-origin',
};

const pageCsp = (nonce: string): string =>
  ["default-src 'self'", "script-src 'self'", `style-src 'self' 'nonce-${nonce}'`, "img-src 'self'", "connect-src 'self'",
    "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"].join('; ');

const json = (status: number, value: unknown, headers: Record<string, string> = {}): DavResponse => ({
  status, headers: { ...BASE_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }, body: JSON.stringify(value),
});

const text = (status: number, body: string): DavResponse => ({
  status, headers: { ...BASE_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body: `${body}\n`,
});

/** Where `npm run build` puts the front end: web/dist at the repository root. */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

export interface WebAppOptions {
  /** Path of the public base URL without a trailing slash ('' or '/dav'). */
  prefix: string;
  /** The public base URL is https: cookies get Secure. */
  secure: boolean;
  distDir?: string;
}

export class WebApp {
  readonly sessions: SessionStore;
  private readonly files = new Map<string, Buffer>();
  private readonly distDir: string;

  constructor(private readonly app: App, private readonly opts: WebAppOptions) {
    this.sessions = new SessionStore(app.store, () => app.context.now());
    this.distDir = opts.distDir ?? DEFAULT_WEB_DIST;
  }

  /** Answers the web app's own routes (GET/HEAD of / and /assets/…, anything under /web/), or null. */
  async respond(req: IncomingMessage, method: string, path: string, readBody: (limit: number) => Promise<Buffer>): Promise<WebAnswer | null> {
    const read = method === 'GET' || method === 'HEAD';
    if (read && (path === '/' || path === '/index.html')) return { response: await this.index() };
    if (read && ASSET_RE.test(path)) return { response: await this.asset(path.slice('/assets/'.length)) };
    if (!path.startsWith('/web/')) return null;
    const route = `${method} ${path}`;
    if (route === 'POST /web/login') return this.login(req, await readBody(MAX_LOGIN_BYTES));
    await readBody(MAX_LOGIN_BYTES).catch(() => Buffer.alloc(0));
    if (route === 'GET /web/session') return this.whoAmI(req);
    if (route === 'POST /web/logout') return this.logout(req, false);
    if (route === 'POST /web/logout-all') return this.logout(req, true);
    if (read && path.startsWith('/web/timezones/')) return { response: this.timezone(path.slice('/web/timezones/'.length)) };
    return { response: text(404, 'There is no such page in the web calendar') };
  }

  /**
   * Authenticates a request by its session cookie: null when it has none, the account, or a
   * refusal (401 without a Basic challenge, so browsers show no password dialog; 403 when a
   * state-changing method lacks the CSRF token).
   */
  async authenticate(req: IncomingMessage, method: string): Promise<CookieAuth> {
    const id = readCookie(req.headers.cookie, SESSION_COOKIE);
    // The web app sends X-CSRF-Token on every request: without a session it is told so, with
    // no Basic challenge (which would make the browser show its own password dialog).
    if (id === undefined) return req.headers['x-csrf-token'] === undefined ? null : { refused: json(401, { error: 'Sign in first.' }) };
    const found = await this.sessionOf(req);
    if (!found) return { refused: json(401, { error: 'Your session has ended; sign in again.' }) };
    if (!SAFE_METHODS.has(method) && !this.csrfOk(req, found.session)) {
      return { refused: json(403, { error: 'This request needs the X-CSRF-Token header of your session.' }) };
    }
    return { account: found.user };
  }

  /** Headers for CalDAV answers to browsers: nothing stored may run as a page of this origin. */
  harden(response: DavResponse): DavResponse {
    return { ...response, headers: { ...response.headers, 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; sandbox; frame-ancestors 'none'" } };
  }

  private csrfOk(req: IncomingMessage, session: WebSession): boolean {
    const header = req.headers['x-csrf-token'];
    return typeof header === 'string' && sameSecret(header, session.csrfToken);
  }

  private async sessionOf(req: IncomingMessage): Promise<{ session: WebSession; user: UserRow } | null> {
    const id = readCookie(req.headers.cookie, SESSION_COOKIE);
    const session = id === undefined ? null : await this.sessions.use(id);
    if (!session) return null;
    const user = await this.app.store.read((tx) => tx.getUserByName(session.userName));
    if (!user || user.disabled || user.id !== session.userId || user.credentialVersion !== session.credentialVersion) {
      await this.sessions.drop(session.id);
      return null;
    }
    return { session, user };
  }

  private cookie(value: string, maxAgeS: number): string {
    return sessionCookie(value, { path: `${this.opts.prefix}/`, secure: this.opts.secure, maxAgeS });
  }

  private async login(req: IncomingMessage, body: Buffer): Promise<WebAnswer> {
    if (!this.sameOrigin(req)) return { response: json(403, { error: 'Sign-in from another site is refused.' }) };
    const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const { user, password } = parseLogin(body, form);
    const account = user && password ? await this.app.users.authenticate(user, password) : null;
    if (!account) {
      if (form) return { response: { status: 303, headers: { ...BASE_HEADERS, location: `${this.opts.prefix}/?signin=failed` } } };
      return { response: json(401, { error: 'The user name or password is wrong.' }) };
    }
    const session = await this.sessions.create(account.id, account.name, account.credentialVersion);
    const cookie = this.cookie(session.id, Math.floor(12 * 3600));
    if (form) return { response: { status: 303, headers: { ...BASE_HEADERS, location: `${this.opts.prefix}/`, 'set-cookie': cookie } }, user: account.name };
    return { response: json(200, await this.describe(session, account), { 'set-cookie': cookie }), user: account.name };
  }

  /** Refuses cross-site sign-in posts (login CSRF): an Origin header, when sent, must be ours. */
  private sameOrigin(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined || origin === 'null') return origin === undefined;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  private async whoAmI(req: IncomingMessage): Promise<WebAnswer> {
    const found = await this.sessionOf(req);
    if (!found) return { response: json(200, { signedIn: false }) };
    return { response: json(200, await this.describe(found.session, found.user)), user: found.user.name };
  }

  private async describe(session: WebSession, user: UserRow): Promise<Record<string, unknown>> {
    const p = this.opts.prefix;
    return {
      signedIn: true, user: user.name, csrfToken: session.csrfToken,
      principal: `${p}/principals/users/${encodeURIComponent(user.name)}/`, home: `${p}/calendars/${encodeURIComponent(user.name)}/`,
      addresses: await this.app.users.addresses(user.id), base: p,
      expiresAt: new Date(session.createdAt + 12 * 3_600_000).toISOString(),
    };
  }

  private async logout(req: IncomingMessage, everywhere: boolean): Promise<WebAnswer> {
    const found = await this.sessionOf(req);
    const clear = { 'set-cookie': this.cookie('', 0) };
    if (!found) return { response: json(200, { signedIn: false }, clear) };
    if (!this.csrfOk(req, found.session)) return { response: json(403, { error: 'Signing out needs the X-CSRF-Token header.' }) };
    const ended = everywhere ? await this.sessions.dropUser(found.user.id) : (await this.sessions.drop(found.session.id), 1);
    return { response: json(200, { signedIn: false, ended }, clear), user: found.user.name };
  }

  /**
   * The VTIMEZONE of an IANA zone (the server's own registry), wrapped in a VCALENDAR, so the
   * browser can put it beside the TZIDs it writes. Public data: no session needed, cached a day.
   */
  private timezone(tzid: string): DavResponse {
    const known = TZID_RE.test(tzid) ? this.app.context.timezones(tzid) : null;
    if (!known || !known.includes('BEGIN:VTIMEZONE')) return text(404, 'There is no such time zone');
    const block = known.replace(/\r?\n/g, '\r\n').replace(/(\r\n)*$/, '\r\n');
    return {
      status: 200,
      headers: { ...BASE_HEADERS, 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'public, max-age=86400' },
      body: `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Reefknot//Time zones//EN\r\n${block}END:VCALENDAR\r\n`,
    };
  }

  /** A file of web/dist; hashed assets are cached (their names change with their content). */
  private async file(name: string, cache: boolean): Promise<Buffer | null> {
    const cached = this.files.get(name);
    if (cached) return cached;
    const full = join(this.distDir, name);
    if (!existsSync(full)) return null;
    const body = await readFile(full);
    if (cache) this.files.set(name, body);
    return body;
  }

  private async index(): Promise<DavResponse> {
    const page = await this.file('index.html', false);
    if (!page) return text(503, 'The web calendar is not built: run `npm run build` (it builds web/ into web/dist), then reload.');
    const nonce = randomBytes(16).toString('base64');
    const body = page.toString('utf8').replaceAll('__CSP_NONCE__', nonce);
    return {
      status: 200,
      headers: { ...BASE_HEADERS, 'content-type': TYPES['.html'] ?? 'text/html', 'cache-control': 'no-cache', 'content-security-policy': pageCsp(nonce) },
      body,
    };
  }

  private async asset(name: string): Promise<DavResponse> {
    const body = await this.file(join('assets', name), true);
    if (!body) return text(404, 'There is no such file in the web calendar');
    return {
      status: 200,
      headers: { ...BASE_HEADERS, 'content-type': TYPES[extname(name)] ?? 'application/octet-stream', 'cache-control': 'public, max-age=31536000, immutable' },
      body,
    };
  }
}

function parseLogin(body: Buffer, form: boolean): { user: string; password: string } {
  const raw = body.toString('utf8');
  if (form) {
    const p = new URLSearchParams(raw);
    return { user: p.get('user') ?? '', password: p.get('password') ?? '' };
  }
  try {
    const v: unknown = JSON.parse(raw);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      return { user: typeof o.user === 'string' ? o.user : '', password: typeof o.password === 'string' ? o.password : '' };
    }
  } catch {
    // fall through: an unreadable body is a failed sign-in
  }
  return { user: '', password: '' };
}
