/**
 * Two `reefknot serve` processes sharing one PostgreSQL database and nothing else (issue 13):
 * concurrent writers never lose an update (412, not a silent overwrite), sync sees every change,
 * a web session made on one process works on the other, and each queued message is sent once,
 * woken by NOTIFY rather than the (here ten-minute) poll.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresMissing, startPostgres, type PgCluster } from '../helpers/postgres.js';
import { reefknot, startServe, stopServe, type ServeProcess } from '../helpers/serve-process.js';
import { TestRelay } from '../helpers/smtp.js';
import { ics } from '../helpers/server.js';

const skip = postgresMissing();
const auth = { authorization: `Basic ${Buffer.from('alice:pw-alice').toString('base64')}` };
const CAL = '/calendars/alice/calendar/';

describe('several serve processes on one PostgreSQL store', { skip: skip ?? false }, () => {
  let cluster: PgCluster;
  let relay: TestRelay;
  let dir: string;
  let a: ServeProcess;
  let b: ServeProcess;
  const servers = (): ServeProcess[] => [a, b];

  before(async () => {
    cluster = await startPostgres();
    relay = await TestRelay.start();
    const url = await cluster.createDatabase();
    dir = mkdtempSync(join(tmpdir(), 'reefknot-procs-'));
    const env = { REEFKNOT_DELIVERY_INTERVAL_MS: '600000', REEFKNOT_LOG_LEVEL: 'warn' };
    // Started together: the migration runs once (advisory lock) and one first user is made.
    const started = await Promise.all(['a', 'b'].map((n) => startServe(join(dir, n), ['--store', url, '--smtp-relay', relay.url], env)));
    [a, b] = [started[0] as ServeProcess, started[1] as ServeProcess];
    assert.ok(a.url && b.url, `${a.err()}\n${b.err()}`);
    const add = reefknot(['user', 'add', 'alice', '--email', 'alice@example.com', '--password-stdin', '--store', url, '--data', join(dir, 'cli')], 'pw-alice\n');
    assert.equal(add.code, 0, add.err);
  });
  after(async () => {
    await Promise.all([a, b].filter(Boolean).map((s) => stopServe(s.child)));
    await relay?.down();
    await cluster?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  test('exactly one of many concurrent If-Match writes wins; the others get 412', async () => {
    const first = await fetch(`${a.url}${CAL}race.ics`, { method: 'PUT', headers: { ...auth, 'content-type': 'text/calendar' }, body: ics('race', 'DESCRIPTION:start\r\n') });
    assert.equal(first.status, 201);
    const etag = first.headers.get('etag') ?? (await fetch(`${a.url}${CAL}race.ics`, { headers: auth })).headers.get('etag');
    assert.ok(etag);
    const results = await Promise.all(Array.from({ length: 16 }, async (_, i) => {
      const s = servers()[i % 2] as ServeProcess;
      const r = await fetch(`${s.url}${CAL}race.ics`, { method: 'PUT', headers: { ...auth, 'content-type': 'text/calendar', 'if-match': etag }, body: ics('race', `DESCRIPTION:writer ${i}\r\n`) });
      await r.arrayBuffer();
      return { i, status: r.status };
    }));
    const won = results.filter((r) => r.status === 204 || r.status === 200);
    assert.equal(won.length, 1, JSON.stringify(results));
    assert.ok(results.every((r) => r.status === 412 || r === won[0]), JSON.stringify(results));
    const final = await (await fetch(`${b.url}${CAL}race.ics`, { headers: auth })).text();
    assert.match(final, new RegExp(`DESCRIPTION:writer ${won[0]?.i}\\r\\n`));
  });

  test('exactly one of many concurrent If-None-Match: * creations wins', async () => {
    const results = await Promise.all(Array.from({ length: 16 }, async (_, i) => {
      const s = servers()[i % 2] as ServeProcess;
      const r = await fetch(`${s.url}${CAL}fresh.ics`, { method: 'PUT', headers: { ...auth, 'content-type': 'text/calendar', 'if-none-match': '*' }, body: ics('fresh', `DESCRIPTION:creator ${i}\r\n`) });
      await r.arrayBuffer();
      return r.status;
    }));
    assert.deepEqual(results.filter((s) => s !== 412), [201], JSON.stringify(results));
  });

  test('one UID stored under many names at once: exactly one wins, the others get no-uid-conflict', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, async (_, i) => {
      const s = servers()[i % 2] as ServeProcess;
      const r = await fetch(`${s.url}${CAL}same-uid-${i}.ics`, { method: 'PUT', headers: { ...auth, 'content-type': 'text/calendar' }, body: ics('one-uid') });
      return { status: r.status, text: await r.text() };
    }));
    assert.deepEqual(results.filter((r) => r.status === 201).length, 1, JSON.stringify(results.map((r) => r.status)));
    for (const r of results.filter((x) => x.status !== 201)) {
      assert.equal(r.status, 403);
      assert.match(r.text, /no-uid-conflict/);
    }
  });

  test('sync-collection on one process sees every change made concurrently through both', async () => {
    const sync = async (s: ServeProcess, token: string): Promise<{ token: string; hrefs: string[] }> => {
      const r = await fetch(`${s.url}${CAL}`, {
        method: 'REPORT', headers: { ...auth, 'content-type': 'application/xml', depth: '1' },
        body: `<?xml version="1.0"?><D:sync-collection xmlns:D="DAV:"><D:sync-token>${token}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`,
      });
      const text = await r.text();
      assert.equal(r.status, 207, text);
      return { token: /<D:sync-token>([^<]+)<\/D:sync-token>/i.exec(text)?.[1] ?? '', hrefs: [...text.matchAll(/<D:href>([^<]+)<\/D:href>/gi)].map((m) => m[1] ?? '') };
    };
    const start = await sync(a, '');
    assert.ok(start.token);
    const names = Array.from({ length: 40 }, (_, i) => `many-${i}.ics`);
    const statuses = await Promise.all(names.map(async (n, i) => {
      const s = servers()[i % 2] as ServeProcess;
      const r = await fetch(`${s.url}${CAL}${n}`, { method: 'PUT', headers: { ...auth, 'content-type': 'text/calendar' }, body: ics(n.replace('.ics', '')) });
      await r.arrayBuffer();
      return r.status;
    }));
    assert.deepEqual([...new Set(statuses)], [201]);
    const changed = await sync(b, start.token);
    assert.deepEqual(changed.hrefs.map((h) => h.split('/').pop()).sort(), [...names].sort());
    assert.deepEqual((await sync(a, changed.token)).hrefs, [], 'nothing changed since');
  });

  test('a web session made on one process is valid on the other, and signing out there ends it', async () => {
    const login = await fetch(`${a.url}/web/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'alice', password: 'pw-alice' }) });
    assert.equal(login.status, 200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const who = await fetch(`${b.url}/web/session`, { headers: { cookie } });
    assert.equal(who.status, 200);
    assert.equal(((await who.json()) as { user: string }).user, 'alice');
    assert.equal((await fetch(`${b.url}/web/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } })).status, 200);
    const gone = await fetch(`${a.url}${CAL}`, { method: 'PROPFIND', headers: { cookie, depth: '0', 'x-csrf-token': csrfToken } });
    assert.equal(gone.status, 401);
  });

  test('invitations queued through both processes are each sent once, without waiting for the poll', async () => {
    const events = Array.from({ length: 6 }, (_, i) => `invite-${i}`);
    const started = Date.now();
    await Promise.all(events.map(async (uid, i) => {
      const s = servers()[i % 2] as ServeProcess;
      const people = [1, 2, 3].map((k) => `ATTENDEE;RSVP=TRUE:mailto:guest${k}@elsewhere.example\r\n`).join('');
      const r = await fetch(`${s.url}${CAL}${uid}.ics`, {
        method: 'PUT', headers: { ...auth, 'content-type': 'text/calendar' },
        body: ics(uid, `ORGANIZER:mailto:alice@example.com\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com\r\n${people}`),
      });
      assert.equal(r.status, 201, await r.text());
    }));
    const expected = events.length * 3;
    while (relay.mails.length < expected && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1_000)); // room for a duplicate to show up
    assert.equal(relay.mails.length, expected, 'each message once');
    const ids = new Set(relay.mails.map((m) => m.parsed.messageId));
    assert.equal(ids.size, expected, 'no Message-ID twice');
    const pairs = new Set(relay.mails.map((m) => `${/UID:(\S+)/.exec(m.raw)?.[1]} ${m.to.join(',')}`));
    assert.equal(pairs.size, expected, 'each (event, guest) once');
    assert.ok(Date.now() - started < 20_000, 'sent long before the 10-minute poll');
  });
});
