/**
 * Peer tests: the python caldav library (Debian python3-caldav) runs scenarios against a real
 * server — the core one (discovery, MKCALENDAR, event and todo, fetch by UID, update, stale
 * If-Match, delete), searches and sync, sharing, and scheduling between two clients.
 */
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { passwordOf, startTestServer, type TestServer } from '../helpers/server.js';
import { missingPeer, run } from './peer.js';

const PYTHON = '/usr/bin/python3';
const havePeer = spawnSync(PYTHON, ['-c', 'import caldav, requests'], { stdio: 'ignore' }).status === 0;
// dist/test/interop/x.js → test/interop/NAME.py (the scripts are not compiled).
const script = (name: string): string => fileURLToPath(new URL(`../../../test/interop/${name}.py`, import.meta.url));

/** Runs one python scenario and asserts it passed every step; its lines go to the test log. */
async function scenario(t: TestContext, name: string, args: string[]): Promise<void> {
  const r = await run(PYTHON, [script(name), ...args], { timeoutMs: 60_000, env: { PYTHONUNBUFFERED: '1' } });
  for (const line of r.stdout.split('\n')) if (line.trim()) t.diagnostic(line);
  if (r.code !== 0) for (const line of r.stderr.split('\n')) if (line.trim()) t.diagnostic(`stderr: ${line}`);
  assert.equal(r.timedOut, false, `${name} timed out`);
  assert.equal(r.code, 0, `${name}.py exited ${r.code}:\n${r.stderr.slice(-3000)}`);
  assert.match(r.stdout, /all steps passed/);
}

let s: TestServer | undefined;
before(async () => {
  if (havePeer) s = await startTestServer({ users: ['alice'] });
});
after(async () => { await s?.stop(); });

const PEER = 'python3-caldav (/usr/bin/python3 with module caldav)';
const base = (server: TestServer): string => new URL('/', server.url).href;

test('python caldav: core scenario passes', { timeout: 90_000 }, async (t) => {
  if (!s) return missingPeer(t, PEER);
  await scenario(t, 'python_caldav_core', [base(s), 'alice', passwordOf('alice')]);
});

test('python caldav: time-range search with and without expand, todo search, sync by token', { timeout: 90_000 }, async (t) => {
  if (!s) return missingPeer(t, PEER);
  await scenario(t, 'python_caldav_queries', [base(s), 'alice', passwordOf('alice')]);
});

test('python caldav: reads a calendar shared with its user, and cannot read one that is not', { timeout: 90_000 }, async (t) => {
  if (!s) return missingPeer(t, PEER);
  await s.app.users.create('owner', { addresses: ['owner@example.com'], password: passwordOf('owner') });
  const put = await s.request('PUT', '/calendars/owner/calendar/standup.ics', { user: 'owner', headers: { 'content-type': 'text/calendar' },
    body: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:standup\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260110T090000Z\r\nDTEND:20260110T091500Z\r\nSUMMARY:Shared standup\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' });
  assert.equal(put.status, 201);
  await s.app.sharing.share('owner/calendar', { kind: 'user', name: 'alice' }, 'read');
  await scenario(t, 'python_caldav_sharing', [base(s), 'alice', passwordOf('alice'), new URL('/calendars/owner/calendar/', s.url).href, new URL('/calendars/owner/tasks/', s.url).href]);
});

test('python caldav: two clients invite, accept, reschedule and cancel', { timeout: 90_000 }, async (t) => {
  if (!havePeer) return missingPeer(t, PEER);
  const server = await startTestServer({ users: ['alice', 'bob'] });
  try {
    await scenario(t, 'python_caldav_scheduling', [base(server)]);
  } finally {
    await server.stop();
  }
});
