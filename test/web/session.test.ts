/** The web app's server side without a browser: sign-in, cookie flags, CSRF, expiry, static files. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { readCookie, SessionStore } from '../../src/server/web-session.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let s: TestServer;
before(async () => { s = await startTestServer({ users: ['alice', 'bob'] }); });
after(() => s.stop());

async function login(user: string, password = `secret-${user}`): Promise<{ status: number; cookie: string; csrf: string; setCookie: string }> {
  const res = await fetch(`${s.url}/web/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password }) });
  const setCookie = res.headers.get('set-cookie') ?? '';
  const body = (await res.json()) as { csrfToken?: string };
  return { status: res.status, cookie: setCookie.split(';')[0] ?? '', csrf: body.csrfToken ?? '', setCookie };
}

test('sign-in sets an HttpOnly SameSite=Strict cookie with a 256-bit id; wrong passwords get 401 without a Basic challenge', async () => {
  const ok = await login('alice');
  assert.equal(ok.status, 200);
  assert.match(ok.setCookie, /HttpOnly/);
  assert.match(ok.setCookie, /SameSite=Strict/);
  assert.doesNotMatch(ok.setCookie, /Secure/, 'plain HTTP here');
  assert.equal(Buffer.from(readCookie(ok.cookie, 'reefknot_session') ?? '', 'base64url').length, 32);
  const bad = await fetch(`${s.url}/web/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"alice","password":"nope"}' });
  assert.equal(bad.status, 401);
  assert.equal(bad.headers.get('www-authenticate'), null);
  const foreign = await fetch(`${s.url}/web/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: '{"user":"alice","password":"secret-alice"}' });
  assert.equal(foreign.status, 403, 'login CSRF from another origin');
});

test('a cookie authenticates CalDAV; state-changing methods need the CSRF token', async () => {
  const { cookie, csrf } = await login('alice');
  const who = await (await fetch(`${s.url}/web/session`, { headers: { cookie } })).json() as { user: string; csrfToken: string };
  assert.equal(who.user, 'alice');
  assert.equal(who.csrfToken, csrf);
  const propfind = await fetch(`${s.url}/calendars/alice/`, { method: 'PROPFIND', headers: { cookie, depth: '0' } });
  assert.equal(propfind.status, 207);
  const body = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:csrf-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260110T100000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
  const noToken = await fetch(`${s.url}/calendars/alice/calendar/csrf-1.ics`, { method: 'PUT', headers: { cookie, 'content-type': 'text/calendar' }, body });
  assert.equal(noToken.status, 403);
  const wrong = await fetch(`${s.url}/calendars/alice/calendar/csrf-1.ics`, { method: 'PUT', headers: { cookie, 'content-type': 'text/calendar', 'x-csrf-token': (csrf.startsWith('x') ? 'y' : 'x') + csrf.slice(1) }, body });
  assert.equal(wrong.status, 403);
  const withToken = await fetch(`${s.url}/calendars/alice/calendar/csrf-1.ics`, { method: 'PUT', headers: { cookie, 'content-type': 'text/calendar', 'x-csrf-token': csrf }, body });
  assert.equal(withToken.status, 201);
  const other = await fetch(`${s.url}/calendars/bob/calendar/`, { method: 'PROPFIND', headers: { cookie, depth: '0' } });
  assert.equal(other.status, 403, 'the cookie is alice, not anyone');
  assert.match(propfind.headers.get('content-security-policy') ?? '', /sandbox/);
});

test('sign-out ends one session; sign-out everywhere ends all of the user', async () => {
  const a = await login('alice');
  const b = await login('alice');
  const out = await fetch(`${s.url}/web/logout`, { method: 'POST', headers: { cookie: a.cookie, 'x-csrf-token': a.csrf } });
  assert.equal(out.status, 200);
  assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
  assert.equal((await fetch(`${s.url}/calendars/alice/`, { method: 'PROPFIND', headers: { cookie: a.cookie, depth: '0' } })).status, 401);
  assert.equal((await fetch(`${s.url}/calendars/alice/`, { method: 'PROPFIND', headers: { cookie: b.cookie, depth: '0' } })).status, 207);
  const c = await login('alice');
  assert.equal((await fetch(`${s.url}/web/logout-all`, { method: 'POST', headers: { cookie: c.cookie } })).status, 403, 'needs the token');
  assert.equal((await fetch(`${s.url}/web/logout-all`, { method: 'POST', headers: { cookie: c.cookie, 'x-csrf-token': c.csrf } })).status, 200);
  for (const x of [b, c]) {
    const r = await fetch(`${s.url}/calendars/alice/`, { method: 'PROPFIND', headers: { cookie: x.cookie, depth: '0' } });
    assert.equal(r.status, 401);
    assert.equal(r.headers.get('www-authenticate'), null, 'no browser password dialog');
  }
});

test('a password change ends the sessions of the user', async () => {
  const a = await login('bob');
  assert.equal((await fetch(`${s.url}/calendars/bob/`, { method: 'PROPFIND', headers: { cookie: a.cookie, depth: '0' } })).status, 207);
  await s.app.users.setPassword('bob', 'secret-bob');
  assert.equal((await fetch(`${s.url}/calendars/bob/`, { method: 'PROPFIND', headers: { cookie: a.cookie, depth: '0' } })).status, 401);
});

test('sessions expire when idle and at the absolute limit; the store keeps only a hash of the id', async () => {
  let now = 0;
  const dataDir = mkdtempSync(join(tmpdir(), 'reefknot-sessions-'));
  const db = new SqliteStore({ dataDir });
  try {
    await db.write(async (tx) => {
      for (const name of ['alice', 'bob']) await tx.createUser({ name, passwordHash: 'h', type: 'individual', quotaBytes: null, now: 0 });
    });
    const store = new SessionStore(db, () => now, { idleMs: 1000, absoluteMs: 5000, perUser: 2 });
    const a = await store.create(1, 'alice');
    assert.equal(await db.read((tx) => tx.getWebSession(a.id)), null, 'the raw id is not a key in the store');
    now = 900;
    assert.ok(await store.use(a.id));
    now = 1800;
    assert.ok(await store.use(a.id), 'the idle clock restarted at 900');
    now = 2900;
    assert.equal(await store.use(a.id), null, 'idle');
    const b = await store.create(1, 'alice');
    for (now = 3000; now <= 7900; now += 900) assert.ok(await store.use(b.id));
    now = 8100;
    assert.equal(await store.use(b.id), null, 'absolute');
    const c1 = await store.create(2, 'bob');
    now += 1;
    await store.create(2, 'bob');
    now += 1;
    await store.create(2, 'bob');
    assert.equal(await store.use(c1.id), null, 'the oldest of more than perUser goes');
    // Another SessionStore on the same store (another server process) knows the session.
    const c3 = await store.create(2, 'bob');
    assert.equal((await new SessionStore(db, () => now, { idleMs: 1000, absoluteMs: 5000, perUser: 2 }).use(c3.id))?.userName, 'bob');
    assert.equal(await store.dropUser(2), 2);
    assert.equal(await store.use(c3.id), null);
  } finally {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('pages carry a strict CSP; hashed assets are immutable; CalDAV root still answers PROPFIND with Basic', async () => {
  const page = await fetch(`${s.url}/`);
  if (page.status === 503) {
    assert.match(await page.text(), /npm run build/);
    return;
  }
  assert.equal(page.status, 200);
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
  const html = await page.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(asset, html);
  const js = await fetch(`${s.url}/${asset}`);
  assert.equal(js.status, 200);
  assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.match(js.headers.get('content-type') ?? '', /javascript/);
  const root = await s.request('PROPFIND', '/', { headers: { depth: '0' } });
  assert.equal(root.status, 207);
  assert.equal((await fetch(`${s.url}/.well-known/caldav`, { redirect: 'manual' })).status, 301);
});

test('GET web/timezones/ZONE answers the VTIMEZONE of an IANA zone (no session needed); unknown names get 404', async () => {
  const berlin = await fetch(`${s.url}/web/timezones/Europe/Berlin`);
  assert.equal(berlin.status, 200);
  assert.match(berlin.headers.get('content-type') ?? '', /^text\/calendar/);
  assert.match(berlin.headers.get('cache-control') ?? '', /max-age=86400/);
  const text = await berlin.text();
  assert.match(text, /^BEGIN:VCALENDAR\r\n[\s\S]*BEGIN:VTIMEZONE\r\nTZID:Europe\/Berlin\r\n[\s\S]*END:VTIMEZONE\r\nEND:VCALENDAR\r\n$/);
  assert.equal((await fetch(`${s.url}/web/timezones/America/Argentina/Buenos_Aires`)).status, 200);
  assert.equal((await fetch(`${s.url}/web/timezones/Nowhere/Atlantis`)).status, 404);
  assert.ok([400, 404].includes((await fetch(`${s.url}/web/timezones/..%2F..%2Fetc%2Fpasswd`)).status));
});
