/**
 * The client with a Reefknot server (RFC 6638): counter-proposals answered by the organizer
 * (COUNTER and DECLINECOUNTER POSTed to the outbox, an accepted proposal synced so the server
 * sends the new REQUEST), delegation, the two private-event rules of the profile (the seed's §5.1),
 * and sync by ctag and ETags where sync-collection is not used. Every command runs as a real
 * process (`node bin/reefknot.js cal ...`).
 */
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { cal, ok, tempDir } from './helpers.js';

let s: TestServer;
before(async () => {
  s = await startTestServer({ users: ['alice', 'bob', 'carol', 'dave'] });
});
after(async () => {
  await s.stop();
});

async function device(user: string, extra: string[] = []): Promise<string> {
  const dir = tempDir(`reefknot-cal-${user}-`);
  const r = await cal(dir, ['init', '--name', user, '--address', `${user}@example.com`, '--timezone', 'Europe/Berlin', '--server', s.url, '--user', user, '--password-stdin', ...extra], `secret-${user}\n`);
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

async function fails(profile: string, args: string[], code: number, message: RegExp): Promise<void> {
  const r = await cal(profile, args);
  assert.equal(r.code, code, `cal ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  assert.match(r.stderr, message);
}

interface Row { uid: string; title: string; start: string; location: string | null }
async function agenda(profile: string, from: string, days = '1'): Promise<Row[]> {
  return JSON.parse(await ok(profile, ['agenda', '--from', from, '--days', days, '--json'])) as Row[];
}

interface Item { id: number; method: string; state: string; uid: string; sender: string; description: string }
async function inbox(profile: string): Promise<Item[]> {
  return JSON.parse(await ok(profile, ['inbox', '--json'])) as Item[];
}

const unfold = (t: string): string => t.replace(/\r?\n[ \t]/g, '');
const partstat = (ics: string, who: string): string | undefined => new RegExp(`^ATTENDEE[^\\n]*PARTSTAT=([A-Z-]+)[^\\n]*:mailto:${who}`, 'mi').exec(unfold(ics))?.[1];

describe('counter-proposals through the server', () => {
  let alice = '';
  let bob = '';
  let uid = '';
  before(async () => {
    alice = await device('alice');
    bob = await device('bob');
    const added = await ok(alice, ['add', 'Review', '--start', '2026-05-04 10:00', '--duration', '1h', '--attendee', 'Bob <bob@example.com>']);
    assert.match(added, /the server sends the invitations at the next sync/);
    uid = /added (\S+)/.exec(added)?.[1] ?? '';
    assert.match(await ok(alice, ['sync']), /1 sent/);
    assert.match(await ok(bob, ['sync']), /1 received[\s\S]*1 new message\(s\) in the inbox/);
    const items = await inbox(bob);
    assert.deepEqual(items.map((i) => [i.method, i.uid, i.sender]), [['REQUEST', uid, 'alice@example.com']]);
  });

  test('bob counters (no SMTP relay: POSTed to the outbox), alice accepts, bob\'s copy moves', async () => {
    const out = await ok(bob, ['counter', uid, '--start', '2026-05-04 15:00', '--comment', 'Afternoon?']);
    assert.match(out, /sent COUNTER to alice@example\.com through the server/);
    assert.equal((await agenda(bob, '2026-05-04'))[0]?.start, '2026-05-04T08:00:00.000Z', 'the attendee\'s copy stays as it is');

    assert.match(await ok(alice, ['sync']), /1 new message\(s\) in the inbox/);
    const counter = (await inbox(alice)).find((i) => i.method === 'COUNTER');
    assert.ok(counter, 'the COUNTER waits in the organizer\'s inbox');
    assert.equal(counter.sender, 'bob@example.com');
    assert.match(await ok(alice, ['inbox']), /COUNTER\s+new\s+from bob@example\.com\s+Review/);

    const accepted = await ok(alice, ['accept-counter', String(counter.id)]);
    assert.match(accepted, /accepted the proposal; synced; the server sends the new REQUEST to bob@example\.com/);
    assert.equal((await agenda(alice, '2026-05-04'))[0]?.start, '2026-05-04T13:00:00.000Z');
    assert.equal((await inbox(alice)).filter((i) => i.method === 'COUNTER').length, 0, 'the proposal is dealt with');
    await fails(alice, ['accept-counter', String(counter.id)], 2, /already dealt with/);

    await ok(bob, ['sync']);
    assert.equal((await agenda(bob, '2026-05-04'))[0]?.start, '2026-05-04T13:00:00.000Z', 'the new REQUEST moved bob\'s copy');
    assert.equal(partstat(await ok(bob, ['export', uid]), 'bob@example.com'), 'NEEDS-ACTION', 'a new time asks for the answer again');
  });

  test('bob counters again, alice declines: bob receives the DECLINECOUNTER, nothing moves', async () => {
    await ok(bob, ['counter', uid, '--location', 'Room 7']);
    await ok(alice, ['sync']);
    const declined = await ok(alice, ['decline-counter', uid, '--comment', 'Room 7 is taken']);
    assert.match(declined, /declined the proposal; sent DECLINECOUNTER to bob@example\.com through the server/);
    await fails(alice, ['decline-counter', uid], 3, /no counter-proposal/);

    assert.match(await ok(bob, ['sync']), /new message\(s\) in the inbox/);
    const items = await inbox(bob);
    const dc = items.find((i) => i.method === 'DECLINECOUNTER');
    assert.ok(dc, `bob's inbox records the refusal: ${JSON.stringify(items)}`);
    assert.equal(dc.sender, 'alice@example.com');
    assert.match(await ok(bob, ['export', uid]), /X-REEFKNOT-COUNTER-DECLINED/, 'the refusal is recorded on bob\'s copy');
    const rows = await agenda(bob, '2026-05-04');
    assert.equal(rows[0]?.location, null, 'the location did not change');
    assert.equal((await agenda(alice, '2026-05-04'))[0]?.location, null);
  });

  test('only the organizer answers a counter-proposal; an attendee cannot counter their own event', async () => {
    await fails(bob, ['accept-counter', '999'], 3, /no counter-proposal/);
    const request = (await inbox(bob)).find((i) => i.method === 'REQUEST');
    assert.ok(request);
    await fails(bob, ['accept-counter', String(request.id)], 2, /is a REQUEST, not a COUNTER/);
    await fails(alice, ['counter', uid, '--start', '2026-05-04 16:00'], 2, /not an attendee/);
  });
});

describe('delegation through the server', () => {
  test('bob delegates to carol: carol is invited, alice sees DELEGATED', async () => {
    const alice = await device('alice');
    const bob = await device('bob');
    const carol = await device('carol');
    const uid = /added (\S+)/.exec(await ok(alice, ['add', 'Budget', '--start', '2026-05-06 09:00', '--attendee', 'bob@example.com']))?.[1] ?? '';
    await ok(alice, ['sync']);
    await ok(bob, ['sync']);
    assert.match(await ok(bob, ['delegate', uid, 'carol@example.com']), /delegated to carol@example\.com; the server sends REPLY\/REQUEST to alice@example\.com, carol@example\.com at the next sync/);
    assert.match(await ok(bob, ['sync']), /1 sent/);

    await ok(carol, ['sync']);
    assert.deepEqual((await agenda(carol, '2026-05-06')).map((r) => [r.uid, r.title]), [[uid, 'Budget']]);
    assert.ok((await inbox(carol)).some((i) => i.method === 'REQUEST' && i.uid === uid), 'the delegate finds the invitation in the inbox');
    assert.equal(partstat(await ok(carol, ['export', uid]), 'carol@example.com'), 'NEEDS-ACTION');

    await ok(alice, ['sync']);
    const copy = await ok(alice, ['export', uid]);
    assert.equal(partstat(copy, 'bob@example.com'), 'DELEGATED');
    assert.match(unfold(copy), /DELEGATED-FROM="?mailto:bob@example\.com"?[^\n]*:mailto:carol@example\.com/i);
    assert.match(await ok(alice, ['show', uid]), /bob@example\.com: delegated/);

    assert.match(await ok(carol, ['accept', uid]), /accepted/);
    await ok(carol, ['sync']);
    await ok(alice, ['sync']);
    assert.equal(partstat(await ok(alice, ['export', uid]), 'carol@example.com'), 'ACCEPTED');
  });
});

const propfindNames = async (user: string, path: string): Promise<string> =>
  (await s.request('PROPFIND', path, { user, headers: { depth: '1', 'content-type': 'application/xml' }, body: '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>' })).text;

describe('private events (the profile\'s --private rule)', () => {
  test('local-only: a CLASS:PRIVATE event never reaches the server; made private later, it is taken off', async () => {
    const a = await device('dave');
    const b = await device('dave');
    const uid = /added (\S+)/.exec(await ok(a, ['add', 'Doctor', '--start', '2026-05-07 08:00', '--private']))?.[1] ?? '';
    const name = uid.replace(/[^A-Za-z0-9_.-]/g, '-');
    assert.match(await ok(a, ['sync']), /0 sent/);
    assert.doesNotMatch(await propfindNames('dave', '/calendars/dave/calendar/'), new RegExp(name), 'not on the server');
    assert.match(await ok(b, ['sync']), /0 received/);
    assert.match(await ok(a, ['show', uid]), /Private:\s+yes/);

    await ok(a, ['edit', uid, '--public']);
    assert.match(await ok(a, ['sync']), /1 sent/);
    assert.match(await propfindNames('dave', '/calendars/dave/calendar/'), new RegExp(name));
    await ok(b, ['sync']);
    assert.equal((await agenda(b, '2026-05-07')).length, 1);

    await ok(a, ['edit', uid, '--private', '--title', 'Doctor (dentist)']);
    assert.match(await ok(a, ['sync']), /1 deleted on the server/);
    assert.doesNotMatch(await propfindNames('dave', '/calendars/dave/calendar/'), new RegExp(name));
    assert.deepEqual((await agenda(a, '2026-05-07')).map((r) => r.title), ['Doctor (dentist)'], 'it stays here');
    assert.match(await ok(b, ['sync']), /1 deleted here/);
    assert.match(await ok(a, ['sync']), /0 received, 0 sent/);
  });

  test('server-private: stored on the server marked private; a sharee sees only busy time', async () => {
    const a = await device('alice', ['--private', 'server-private']);
    const uid = /added (\S+)/.exec(await ok(a, ['add', 'Salary talk', '--start', '2026-05-08 14:00', '--duration', '45m', '--location', 'HR', '--private']))?.[1] ?? '';
    assert.match(await ok(a, ['sync']), /1 sent/);
    const href = `/calendars/alice/calendar/${uid.replace(/[^A-Za-z0-9_.-]/g, '-')}.ics`;
    const own = unfold((await s.request('GET', href, { user: 'alice' })).text);
    assert.match(own, /CLASS:PRIVATE/);
    assert.match(own, /SUMMARY:Salary talk/);

    await s.app.sharing.share('alice/calendar', { kind: 'user', name: 'carol' }, 'read');
    const carol = await device('carol', ['--calendar', '/calendars/carol/alice-calendar/']);
    await ok(carol, ['sync']);
    const rows = (await agenda(carol, '2026-05-08')).filter((r) => r.uid === uid);
    assert.deepEqual(rows.map((r) => [r.start, r.title, r.location]), [['2026-05-08T12:00:00.000Z', '(no title)', null]], 'busy time only');
    const seen = await ok(carol, ['export', uid]);
    assert.doesNotMatch(seen, /Salary|HR/);
    assert.match(seen, /DTSTART/);
  });
});

describe('sync by ctag and ETags (a server without sync-collection)', () => {
  test('changes both ways, deletes and a conflict, with --etags', async () => {
    const x = await device('bob');
    const y = await device('bob');
    const uid = /added (\S+)/.exec(await ok(x, ['add', 'Gym', '--start', '2026-05-09 18:00']))?.[1] ?? '';
    await ok(x, ['sync']);
    assert.match(await ok(y, ['sync', '--etags']), /synced \(etags\): \d+ received/);
    assert.deepEqual((await agenda(y, '2026-05-09')).map((r) => r.title), ['Gym']);
    assert.match(await ok(y, ['sync', '--etags']), /synced \(etags\): 0 received, 0 sent/, 'an unchanged ctag: nothing to read');

    await ok(x, ['edit', uid, '--location', 'Hall 2']);
    await ok(x, ['sync']);
    assert.match(await ok(y, ['sync', '--etags']), /synced \(etags\): 1 received/);
    assert.equal((await agenda(y, '2026-05-09'))[0]?.location, 'Hall 2');

    await ok(y, ['edit', uid, '--title', 'Gym (legs)']);
    assert.match(await ok(y, ['sync', '--etags']), /1 sent/);
    await ok(x, ['sync']);
    assert.equal((await agenda(x, '2026-05-09'))[0]?.title, 'Gym (legs)');

    await ok(x, ['edit', uid, '--location', 'Hall 3']);
    await ok(x, ['sync']);
    await ok(y, ['edit', uid, '--location', 'Park']);
    const r = await cal(y, ['sync', '--etags']);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.match(r.stdout, /conflict: .* changed here and on the server/);
    assert.match(await ok(y, ['sync', '--etags', '--prefer', 'server']), /kept the server version/);
    assert.equal((await agenda(y, '2026-05-09'))[0]?.location, 'Hall 3');

    await ok(x, ['delete', uid]);
    await ok(x, ['sync']);
    assert.match(await ok(y, ['sync', '--etags']), /1 deleted here/);
    assert.equal((await agenda(y, '2026-05-09')).length, 0);
  });
});
