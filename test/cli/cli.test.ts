/** The documented CLI, run as a real process on a fresh data folder. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { BIN, startServe, stopServe } from '../helpers/serve-process.js';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';


function cli(data: string, args: string[], input?: string, env: NodeJS.ProcessEnv = {}): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args, '--data', data], { input, encoding: "utf8", env: { ...process.env, ...env }, timeout: 90_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const fresh = (): string => mkdtempSync(join(tmpdir(), 'reefknot-cli-'));

test('user add, list, email add/remove, passwd, disable, enable, delete', () => {
  const data = fresh();
  try {
    const add = cli(data, ['user', 'add', 'alice', '--email', 'Alice@Example.com', '--email', 'a2@example.org', '--password-stdin'], 'pw-alice\n');
    assert.equal(add.code, 0, add.err);
    assert.match(cli(data, ['user', 'list']).out, /^alice\talice@example.com, a2@example.org$/m);
    const dup = cli(data, ['user', 'add', 'bob', '--email', 'alice@example.com', '--password-stdin'], 'pw\n');
    assert.notEqual(dup.code, 0);
    assert.match(dup.err, /already belongs to user 'alice'/);
    assert.equal(cli(data, ['user', 'email', 'add', 'alice', 'third@example.net']).code, 0);
    assert.equal(cli(data, ['user', 'email', 'remove', 'alice', 'a2@example.org']).code, 0);
    const listed = JSON.parse(cli(data, ['user', 'list', '--json']).out) as { name: string; addresses: string[] }[];
    assert.deepEqual(listed[0]?.addresses, ['alice@example.com', 'third@example.net']);
    assert.equal(cli(data, ['user', 'passwd', 'alice', '--password-stdin'], 'new-pw\n').code, 0);
    assert.equal(cli(data, ['user', 'disable', 'alice']).code, 0);
    assert.match(cli(data, ['user', 'list']).out, /disabled/);
    assert.equal(cli(data, ['user', 'enable', 'alice']).code, 0);
    const refused = cli(data, ['user', 'delete', 'alice']);
    assert.notEqual(refused.code, 0, 'delete without --yes and no terminal is refused');
    assert.equal(cli(data, ['user', 'delete', 'alice', '--yes']).code, 0);
    assert.equal(cli(data, ['user', 'list']).out, '');
    const missing = cli(data, ['user', 'passwd', 'ghost', '--password-stdin'], 'x\n');
    assert.notEqual(missing.code, 0);
    assert.match(missing.err, /no user named 'ghost'/);
    assert.notEqual(cli(data, ['user', 'add', 'Bad Name', '--password-stdin'], 'x\n').code, 0);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});

test('import splits by UID, reports what it skipped, and export writes the calendar back', () => {
  const data = fresh();
  try {
    cli(data, ['user', 'add', 'alice', '--password-stdin'], 'pw\n');
    const ev = (uid: string, extra = ''): string => `BEGIN:VEVENT\r\n${uid ? `UID:${uid}\r\n` : ''}DTSTAMP:20260101T000000Z\r\nDTSTART:20260110T100000Z\r\nSUMMARY:${uid || 'none'}\r\n${extra}END:VEVENT\r\n`;
    const file = join(data, 'in.ics');
    writeFileSync(file, `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n${ev('a')}${ev('b')}${ev('c', 'RRULE:FREQ=DAILY;COUNT=3\r\n')}${ev('c', 'RECURRENCE-ID:20260111T100000Z\r\n')}${ev('')}END:VCALENDAR\r\n`);
    const imp = cli(data, ['import', file, '--user', 'alice', '--calendar', 'calendar']);
    assert.equal(imp.code, 2, 'exit 2: something was skipped');
    assert.match(imp.out, /Imported 3 of 4 objects into alice\/calendar/);
    assert.match(imp.out, /skipped a component without a UID/);
    const exp = cli(data, ['export', '--user', 'alice', '--calendar', 'calendar']);
    assert.equal(exp.code, 0, exp.err);
    assert.equal(exp.out.match(/BEGIN:VEVENT/g)?.length, 4);
    assert.equal(exp.out.match(/BEGIN:VCALENDAR/g)?.length, 1);
    const wrong = cli(data, ['import', file, '--user', 'alice', '--calendar', 'nope']);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.err, /no calendar 'nope'/);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});

test('config show applies file, then REEFKNOT_* variables, then flags', () => {
  const data = fresh();
  try {
    const file = join(data, 'reefknot.json');
    writeFileSync(file, JSON.stringify({ listen: '127.0.0.1:9000', logLevel: 'warn', firstUser: 'root' }));
    const r = cli(data, ['config', 'show', '--config', file], undefined, { REEFKNOT_LOG_LEVEL: 'debug' });
    const c = JSON.parse(r.out) as { listen: string; logLevel: string; firstUser: string; data: string };
    assert.equal(c.listen, '127.0.0.1:9000');
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.firstUser, 'root');
    assert.equal(c.data, data);
    const pg = cli(data, ['config', 'show', '--store', 'postgres://rk:s3cret@db.example:5432/reefknot']);
    assert.equal(pg.code, 0, pg.err);
    assert.equal((JSON.parse(pg.out) as { store: string }).store, 'postgres://rk:***@db.example:5432/reefknot', 'the password is not shown');
    assert.doesNotMatch(pg.out, /s3cret/);
    const wrong = cli(data, ['config', 'show'], undefined, { REEFKNOT_STORE: 'mysql://x' });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.err, /must be a postgres:\/\//);
    writeFileSync(file, '{"nonsense": 1}');
    const bad = cli(data, ['config', 'show', '--config', file]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /unknown key/);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});

test('serve creates the first user, logs one JSON line per request, and stops cleanly on SIGTERM', async () => {
  const data = fresh();
  const { child, url, out: output, err } = await startServe(data, ['--first-user', 'boss']);
  try {
    const password = /with password: (\S+)/.exec(err())?.[1];
    assert.ok(url && password, err());
    const auth = { authorization: `Basic ${Buffer.from(`boss:${password}`).toString('base64')}` };
    const res = await fetch(`${url}/calendars/boss/`, { method: 'PROPFIND', headers: { ...auth, depth: '1' } });
    assert.equal(res.status, 207);
    assert.match(await res.text(), /\/calendars\/boss\/calendar\//);
    await new Promise((r) => setTimeout(r, 100));
    const line = output().split('\n').map((l) => (l.startsWith('{') ? (JSON.parse(l) as Record<string, unknown>) : null)).find((l) => l?.msg === 'request');
    assert.equal(line?.method, 'PROPFIND');
    assert.equal(line?.path, '/calendars/boss/');
    assert.equal(line?.status, 207);
    assert.equal(line?.user, 'boss');
    assert.equal(typeof line?.duration_ms, 'number');
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exit, 0);
    assert.match(output(), /"msg":"stopped"/);
    // A second start on the same data folder creates no new user and reuses the store.
    const again = spawnSync(process.execPath, [BIN, 'user', 'list', '--data', data], { encoding: 'utf8' });
    assert.match(again.stdout, /^boss/m);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(data, { recursive: true, force: true });
  }
});

test('share, shares and unshare take effect on a running server at the next request', async () => {
  const data = fresh();
  cli(data, ['user', 'add', 'alice', '--email', 'alice@example.com', '--password-stdin'], 'pw-alice\n');
  cli(data, ['user', 'add', 'bob', '--email', 'bob@example.com', '--password-stdin'], 'pw-bob\n');
  const { child, url } = await startServe(data, ['--log-level', 'silent']);
  try {
    const asBob = () => fetch(`${url}/calendars/alice/calendar/`, { method: 'PROPFIND', headers: { depth: '0', authorization: `Basic ${Buffer.from('bob:pw-bob').toString('base64')}` } });
    const anonymous = () => fetch(`${url}/calendars/alice/calendar/`);
    assert.equal((await asBob()).status, 403);
    const shared = cli(data, ['share', 'alice/calendar', '--with', 'bob', '--access', 'read']);
    assert.equal(shared.code, 0, shared.err);
    assert.match(shared.out, /appears at \/calendars\/bob\/alice-calendar\//);
    assert.equal((await asBob()).status, 207, 'the running server sees the share at once');
    assert.equal(cli(data, ['share', 'alice/calendar', '--with', 'public']).code, 0);
    assert.equal((await anonymous()).status, 200);
    const listed = cli(data, ['shares', 'alice']).out;
    assert.match(listed, /alice\/calendar\twith bob\tread\taccepted/);
    assert.match(listed, /alice\/calendar\twith public\tread\tactive/);
    assert.match(cli(data, ['shares', 'bob']).out, /receives\talice\/calendar\tread\taccepted\tat \/calendars\/bob\/alice-calendar\//);
    assert.equal(cli(data, ['unshare', 'alice/calendar', '--with', 'bob']).code, 0);
    assert.equal(cli(data, ['unshare', 'alice/calendar', '--with', 'public']).code, 0);
    assert.equal((await asBob()).status, 403, 'revoked for the next request');
    assert.equal((await anonymous()).status, 401);
    const bad = cli(data, ['share', 'alice/nope', '--with', 'bob']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /no calendar 'nope'/);
    assert.notEqual(cli(data, ['share', 'alice/calendar', '--with', 'bob', '--access', 'everything']).code, 0);
  } finally {
    await stopServe(child);
    rmSync(data, { recursive: true, force: true });
  }
});

test('backup while serve runs, then restore into a fresh data folder: every user and object is back', async () => {
  const data = fresh();
  const restored = fresh();
  cli(data, ['user', 'add', 'alice', '--email', 'alice@example.com', '--password-stdin'], 'pw-alice\n');
  const { child, url } = await startServe(data, ['--log-level', 'silent']);
  try {
    const event = (uid: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270101T100000Z\r\nSUMMARY:Kept ${uid}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
    const put = (uid: string) => fetch(`${url}/calendars/alice/calendar/${uid}.ics`, { method: 'PUT', headers: { authorization: `Basic ${Buffer.from('alice:pw-alice').toString('base64')}`, 'content-type': 'text/calendar' }, body: event(uid) });
    assert.equal((await put('before')).status, 201);
    // The backup runs in its own process while this one keeps writing through the server.
    const file = join(restored, 'backup.sqlite');
    const writes = Promise.all(Array.from({ length: 20 }, (_, i) => put(`during-${i}`)));
    await promisify(execFile)(process.execPath, [BIN, 'backup', '--to', file, '--data', data]);
    for (const res of await writes) assert.equal(res.status, 201);
    const target = join(restored, 'data');
    const r = cli(target, ['restore', '--from', file]);
    assert.equal(r.code, 0, r.err);
    assert.notEqual(cli(target, ['restore', '--from', file]).code, 0, 'an existing store is not replaced without --force');
    assert.match(cli(target, ['user', 'list']).out, /^alice\talice@example.com$/m);
    const exported = cli(target, ['export', '--user', 'alice', '--calendar', 'calendar']);
    assert.equal(exported.code, 0, exported.err);
    assert.match(exported.out, /SUMMARY:Kept before/);
    // Whatever the copy caught of the concurrent writes, each event in it is whole.
    assert.equal(exported.out.split('BEGIN:VEVENT').length - 1, exported.out.split('END:VEVENT').length - 1);
  } finally {
    await stopServe(child);
    rmSync(data, { recursive: true, force: true });
    rmSync(restored, { recursive: true, force: true });
  }
});
