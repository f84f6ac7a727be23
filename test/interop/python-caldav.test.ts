/**
 * Peer test: the python caldav library (Debian python3-caldav) runs the core scenario of
 * python_caldav_core.py (discovery, MKCALENDAR, event and todo, fetch by UID, update, stale
 * If-Match, delete) against a real server.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { passwordOf, startTestServer, type TestServer } from '../helpers/server.js';
import { missingPeer, run } from './peer.js';

const PYTHON = '/usr/bin/python3';
// dist/test/interop/x.js → test/interop/python_caldav_core.py (the script is not compiled).
const SCRIPT = fileURLToPath(new URL('../../../test/interop/python_caldav_core.py', import.meta.url));

const havePeer = spawnSync(PYTHON, ['-c', 'import caldav, requests'], { stdio: 'ignore' }).status === 0;

let s: TestServer | undefined;
before(async () => {
  if (havePeer) s = await startTestServer({ users: ['alice'] });
});
after(async () => { await s?.stop(); });

test('python caldav: core scenario passes', { timeout: 90_000 }, async (t) => {
  if (!s) return missingPeer(t, 'python3-caldav (/usr/bin/python3 with module caldav)');
  const r = await run(PYTHON, [SCRIPT, new URL('/', s.url).href, 'alice', passwordOf('alice')], {
    timeoutMs: 60_000,
    env: { PYTHONUNBUFFERED: '1' },
  });
  for (const line of r.stdout.split('\n')) if (line.trim()) t.diagnostic(line);
  if (r.code !== 0) for (const line of r.stderr.split('\n')) if (line.trim()) t.diagnostic(`stderr: ${line}`);
  assert.equal(r.timedOut, false, 'python caldav scenario timed out');
  assert.equal(r.code, 0, `python_caldav_core.py exited ${r.code}:\n${r.stderr.slice(-3000)}`);
  assert.match(r.stdout, /all steps passed/);
});

// dist/test/interop/x.js → test/interop/python_caldav_queries.py
const QUERIES = fileURLToPath(new URL('../../../test/interop/python_caldav_queries.py', import.meta.url));

test('python caldav: time-range search with and without expand, todo search, sync by token', { timeout: 90_000 }, async (t) => {
  if (!s) return missingPeer(t, 'python3-caldav (/usr/bin/python3 with module caldav)');
  const r = await run(PYTHON, [QUERIES, new URL('/', s.url).href, 'alice', passwordOf('alice')], { timeoutMs: 60_000, env: { PYTHONUNBUFFERED: '1' } });
  for (const line of r.stdout.split('\n')) if (line.trim()) t.diagnostic(line);
  if (r.code !== 0) for (const line of r.stderr.split('\n')) if (line.trim()) t.diagnostic(`stderr: ${line}`);
  assert.equal(r.timedOut, false, 'python caldav queries timed out');
  assert.equal(r.code, 0, `python_caldav_queries.py exited ${r.code}:\n${r.stderr.slice(-3000)}`);
  assert.match(r.stdout, /all steps passed/);
});

const SHARING = fileURLToPath(new URL('../../../test/interop/python_caldav_sharing.py', import.meta.url));

test('python caldav: reads a calendar shared with its user, and cannot read one that is not', { timeout: 90_000 }, async (t) => {
  if (!s) return missingPeer(t, 'python3-caldav (/usr/bin/python3 with module caldav)');
  await s.app.users.create('owner', { addresses: ['owner@example.com'], password: passwordOf('owner') });
  const put = await s.request('PUT', '/calendars/owner/calendar/standup.ics', { user: 'owner', headers: { 'content-type': 'text/calendar' },
    body: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:standup\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260110T090000Z\r\nDTEND:20260110T091500Z\r\nSUMMARY:Shared standup\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' });
  assert.equal(put.status, 201);
  await s.app.sharing.share('owner/calendar', { kind: 'user', name: 'alice' }, 'read');
  const base = new URL('/', s.url).href;
  const r = await run(PYTHON, [SHARING, base, 'alice', passwordOf('alice'), new URL('/calendars/owner/calendar/', s.url).href, new URL('/calendars/owner/tasks/', s.url).href], { timeoutMs: 60_000, env: { PYTHONUNBUFFERED: '1' } });
  for (const line of r.stdout.split('\n')) if (line.trim()) t.diagnostic(line);
  if (r.code !== 0) for (const line of r.stderr.split('\n')) if (line.trim()) t.diagnostic(`stderr: ${line}`);
  assert.equal(r.code, 0, `python_caldav_sharing.py exited ${r.code}:\n${r.stderr.slice(-3000)}`);
  assert.match(r.stdout, /all steps passed/);
});

const SCHEDULING = fileURLToPath(new URL('../../../test/interop/python_caldav_scheduling.py', import.meta.url));

test('python caldav: two clients invite, accept, reschedule and cancel', { timeout: 90_000 }, async (t) => {
  if (!havePeer) return missingPeer(t, 'python3-caldav (/usr/bin/python3 with module caldav)');
  const server = await startTestServer({ users: ['alice', 'bob'] });
  try {
    const r = await run(PYTHON, [SCHEDULING, new URL('/', server.url).href], { timeoutMs: 60_000, env: { PYTHONUNBUFFERED: '1' } });
    for (const line of r.stdout.split('\n')) if (line.trim()) t.diagnostic(line);
    if (r.code !== 0) for (const line of r.stderr.split('\n')) if (line.trim()) t.diagnostic(`stderr: ${line}`);
    assert.equal(r.code, 0, `python_caldav_scheduling.py exited ${r.code}:\n${r.stderr.slice(-3000)}`);
    assert.match(r.stdout, /all steps passed/);
  } finally {
    await server.stop();
  }
});
