/**
 * Peer test: vdirsyncer (Debian package) syncs the calendars of a real server with a local
 * folder of .ics files and back: discovery of the calendar home (PROPFIND, RFC 4791 §6.2.1),
 * listing with getetag, calendar-multiget, PUT with If-None-Match: * / If-Match, DELETE with
 * If-Match, and metasync of the display name.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ics, passwordOf, startTestServer, type TestServer } from '../helpers/server.js';
import { hasCommand, missingPeer, run, type RunResult } from './peer.js';

let s: TestServer | undefined;
let work = '';
before(async () => {
  if (!hasCommand('vdirsyncer')) return;
  s = await startTestServer({ users: ['alice'] });
  work = mkdtempSync(join(tmpdir(), 'reefknot-vdirsyncer-'));
});
after(async () => {
  await s?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const event = (uid: string, summary: string): string =>
  'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//vdirsyncer test//EN\r\nBEGIN:VEVENT\r\n' +
  `UID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20261201T100000Z\r\nDTEND:20261201T110000Z\r\n` +
  `SUMMARY:${summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;

test('vdirsyncer: server → folder, folder → server, edits and deletions both ways', { timeout: 90_000 }, async (t) => {
  if (!s) return missingPeer(t, 'vdirsyncer');
  const server = s;
  const local = join(work, 'local');
  const status = join(work, 'status');
  mkdirSync(local);
  mkdirSync(status);
  const conf = join(work, 'config');
  // vdirsyncer's config values are JSON; JSON.stringify quotes and escapes them.
  writeFileSync(conf, [
    '[general]',
    `status_path = ${JSON.stringify(`${status}/`)}`,
    '',
    '[pair reefknot]',
    'a = "reefknot_remote"',
    'b = "reefknot_local"',
    'collections = ["from a"]',
    'metadata = ["displayname"]',
    '',
    '[storage reefknot_remote]',
    'type = "caldav"',
    `url = ${JSON.stringify(new URL('/', server.url).href)}`,
    'username = "alice"',
    `password = ${JSON.stringify(passwordOf('alice'))}`,
    '',
    '[storage reefknot_local]',
    'type = "filesystem"',
    `path = ${JSON.stringify(`${local}/`)}`,
    'fileext = ".ics"',
    '',
  ].join('\n'));

  const vds = async (...args: string[]): Promise<RunResult> => {
    // discover asks, per collection missing locally, "Should vdirsyncer attempt to create it?".
    const r = await run('vdirsyncer', ['-c', conf, ...args], {
      cwd: work,
      env: { HOME: work, XDG_CONFIG_HOME: work, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' },
      input: 'y\n'.repeat(20),
      timeoutMs: 30_000,
    });
    t.diagnostic(`$ vdirsyncer ${args.join(' ')} → exit ${r.code}${r.timedOut ? ' (timed out)' : ''}`);
    for (const line of (r.stdout + r.stderr).split('\n')) if (line.trim()) t.diagnostic(`  ${line}`);
    assert.equal(r.timedOut, false, `vdirsyncer ${args.join(' ')} timed out`);
    assert.equal(r.code, 0, `vdirsyncer ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
    assert.doesNotMatch(r.stderr, /^(error|critical):/m, `vdirsyncer ${args.join(' ')} reported an error`);
    return r;
  };
  const put = async (path: string, body: string): Promise<void> => {
    const r = await server.request('PUT', path, { body, headers: { 'content-type': 'text/calendar' } });
    assert.ok(r.status === 201 || r.status === 204, `PUT ${path}: ${r.status} ${r.text}`);
  };
  const files = (coll: string): string[] => existsSync(join(local, coll)) ? readdirSync(join(local, coll)).filter((f) => f.endsWith('.ics')).sort() : [];

  // Objects on the server before the first sync: two events and a todo.
  await put('/calendars/alice/calendar/srv-1.ics', event('srv-1', 'From the server'));
  await put('/calendars/alice/calendar/srv-2.ics', event('srv-2', 'Also from the server'));
  await put('/calendars/alice/tasks/task-1.ics', ics('task-1', '', 'VTODO'));

  const discovered = await vds('discover');
  assert.match(discovered.stdout + discovered.stderr, /"calendar"/);
  assert.match(discovered.stdout + discovered.stderr, /"tasks"/);
  await vds('sync');
  assert.deepEqual(files('calendar'), ['srv-1.ics', 'srv-2.ics']);
  assert.deepEqual(files('tasks'), ['task-1.ics']);
  assert.match(readFileSync(join(local, 'calendar', 'srv-1.ics'), 'utf8'), /SUMMARY:From the server/);

  // metasync: the server's display name lands in the local collection's `displayname` file.
  await vds('metasync');
  assert.equal(readFileSync(join(local, 'calendar', 'displayname'), 'utf8').trim(), 'Calendar');
  // ...and a display name changed locally goes up with PROPPATCH.
  writeFileSync(join(local, 'tasks', 'displayname'), 'My tasks');
  await vds('metasync');
  const pf = await server.request('PROPFIND', '/calendars/alice/tasks/', {
    headers: { depth: '0', 'content-type': 'application/xml' },
    body: '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:displayname/></d:prop></d:propfind>',
  });
  assert.equal(pf.status, 207);
  assert.match(pf.text, /<([a-zA-Z]+:)?displayname[^>]*>My tasks</);

  // A file added locally, and a local edit, go up on the next sync.
  writeFileSync(join(local, 'calendar', 'disk-1.ics'), event('disk-1', 'From the disk'));
  const srv1 = join(local, 'calendar', 'srv-1.ics');
  writeFileSync(srv1, readFileSync(srv1, 'utf8').replace('From the server', 'From the server, edited on disk'));
  await vds('sync');
  const up = await server.request('GET', '/calendars/alice/calendar/disk-1.ics');
  assert.equal(up.status, 200, 'the locally added event is on the server');
  assert.match(up.text, /SUMMARY:From the disk/);
  const edited = await server.request('GET', '/calendars/alice/calendar/srv-1.ics');
  assert.match(edited.text, /SUMMARY:From the server, edited on disk/);

  // Server-side change and deletion come down; a local deletion goes up.
  await put('/calendars/alice/calendar/srv-2.ics', event('srv-2', 'Changed on the server'));
  await put('/calendars/alice/calendar/srv-3.ics', event('srv-3', 'New on the server'));
  assert.equal((await server.request('DELETE', '/calendars/alice/calendar/srv-1.ics')).status, 204);
  // vdirsyncer 0.19 logs "Deleting an item with no etag." when it *does* send If-Match (its
  // condition in storage/dav.py is inverted); the DELETE below carries the ETag from the PUT.
  unlinkSync(join(local, 'calendar', 'disk-1.ics'));
  await vds('sync');
  assert.deepEqual(files('calendar'), ['srv-2.ics', 'srv-3.ics']);
  assert.match(readFileSync(join(local, 'calendar', 'srv-2.ics'), 'utf8'), /SUMMARY:Changed on the server/);
  assert.equal((await server.request('GET', '/calendars/alice/calendar/disk-1.ics')).status, 404, 'local deletion propagated');

  // A sync with nothing to do changes nothing and says nothing about items.
  const quiet = await vds('sync');
  assert.doesNotMatch(quiet.stdout + quiet.stderr, /Copying|Deleting/);
});
