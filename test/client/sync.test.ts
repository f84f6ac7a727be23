/**
 * The client syncing with real CalDAV servers (RFC 6578 sync-collection, RFC 4791 §5.3.4 ETags):
 * Reefknot and Radicale on loopback. Two devices of one user: add, sync, edit on both sides →
 * conflict shown (exit 4) and resolved (--prefer local / both), recurring instance edits, delete.
 */
import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { cal, ok, startRadicale, tempDir, type Radicale } from './helpers.js';

interface Target { url: string; user: string; password: string }

async function device(t: Target, name: string): Promise<string> {
  const dir = tempDir(`reefknot-cal-${name}-`);
  const r = await cal(dir, ['init', '--name', t.user, '--address', `${t.user}@example.com`, '--timezone', 'Europe/Berlin', '--server', t.url, '--user', t.user, '--password-stdin'], `${t.password}\n`);
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

interface Row { uid: string; title: string; start: string; location: string | null }
async function agenda(profile: string, from = '2026-03-09', days = '14'): Promise<Row[]> {
  return JSON.parse(await ok(profile, ['agenda', '--from', from, '--days', days, '--json'])) as Row[];
}

function scenario(name: string, target: () => Target): void {
  describe(`sync with ${name}`, () => {
    let a = '';
    let b = '';
    let uid = '';
    before(async () => {
      a = await device(target(), 'a');
      b = await device(target(), 'b');
    });

    test('an event added on one device reaches the other', async () => {
      const out = await ok(a, ['add', 'Standup', '--start', '2026-03-10 09:00', '--duration', '30m', '--repeat', 'every weekday', '--location', 'Hall']);
      uid = /added (\S+)/.exec(out)?.[1] ?? '';
      assert.match(await ok(a, ['sync']), /1 sent/);
      assert.match(await ok(b, ['sync']), /1 received/);
      const rows = await agenda(b, '2026-03-09', '7');
      assert.equal(rows.filter((r) => r.uid === uid).length, 4);
      assert.equal(rows[0]?.start, '2026-03-10T08:00:00.000Z');
    });

    test('edits on both sides: the conflict is shown, nothing is sent, then --prefer local resolves it', async () => {
      await ok(a, ['edit', uid, '--title', 'Standup (A)']);
      await ok(a, ['sync']);
      await ok(b, ['edit', uid, '--location', 'Room B']);
      const r = await cal(b, ['sync']);
      assert.equal(r.code, 4, r.stdout + r.stderr);
      assert.match(r.stdout, /conflict: .* changed here and on the server/);
      assert.match(r.stdout, /your version:[\s\S]*Room B[\s\S]*server version:[\s\S]*Standup \(A\)/);
      assert.equal((await cal(b, ['conflicts'])).code, 4);
      assert.match(await ok(b, ['sync', '--prefer', 'local']), /kept the local version/);
      await ok(a, ['sync']);
      const rows = await agenda(a, '2026-03-10', '1');
      assert.equal(rows[0]?.location, 'Room B');
      assert.equal(rows[0]?.title, 'Standup');
      assert.match(await ok(b, ['history', uid]), /the server version, replaced by yours/);
    });

    test('--prefer both keeps both versions, the local one under a new UID', async () => {
      await ok(a, ['edit', uid, '--location', 'Room A2']);
      await ok(a, ['sync']);
      await ok(b, ['edit', uid, '--location', 'Room B2']);
      assert.match(await ok(b, ['sync', '--prefer', 'both']), /kept both/);
      await ok(a, ['sync']);
      const rows = (await agenda(a, '2026-03-10', '1')).map((r) => `${r.title}@${r.location}`).sort();
      assert.deepEqual(rows, ['Standup (your copy)@Room B2', 'Standup@Room A2']);
    });

    test('one instance moved on a device shows on the other; one instance deleted', async () => {
      await ok(b, ['sync']);
      await ok(b, ['edit', uid, '--instance', '2026-03-11', '--start', '2026-03-11 15:00', '--title', 'Late standup']);
      await ok(b, ['delete', uid, '--instance', '2026-03-12']);
      await ok(b, ['sync']);
      await ok(a, ['sync']);
      const rows = (await agenda(a, '2026-03-11', '2')).filter((r) => r.uid === uid);
      assert.deepEqual(rows.map((r) => [r.title, r.start]), [['Late standup', '2026-03-11T14:00:00.000Z']]);
    });

    test('a delete on one device removes it on the other', async () => {
      await ok(a, ['delete', uid]);
      assert.match(await ok(a, ['sync']), /1 deleted on the server/);
      assert.match(await ok(b, ['sync']), /1 deleted here/);
      assert.equal((await agenda(b)).filter((r) => r.uid === uid).length, 0);
    });
  });
}

let server: TestServer | null = null;
let radicale: Radicale | null = null;
before(async () => {
  server = await startTestServer({ users: ['alice', 'bob'] });
  radicale = await startRadicale();
});
after(async () => {
  await server?.stop();
  await radicale?.stop();
});

scenario('Reefknot', () => ({ url: server?.url ?? '', user: 'alice', password: 'secret-alice' }));

describe('Radicale', () => {
  test('is installed (else the Radicale tests are skipped)', (t) => {
    if (!radicale) t.skip('radicale is not installed (apt-get install radicale); skipping the Radicale sync tests');
  });
});
scenario('Radicale', () => {
  if (!radicale) throw new Error('radicale is not installed');
  return { url: radicale.url, user: 'erin', password: 'unused' };
});

describe('free-busy through the Reefknot outbox (RFC 6638 §5)', () => {
  test('alice asks when bob is busy', async () => {
    const s = server;
    assert.ok(s);
    const put = await s.request('PUT', '/calendars/bob/calendar/busy.ics', { user: 'bob', body: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:busy-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260310T100000Z\r\nDTEND:20260310T110000Z\r\nSUMMARY:Busy\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n', headers: { 'content-type': 'text/calendar' } });
    assert.ok(put.status < 300, String(put.status));
    const a = await device({ url: s.url, user: 'alice', password: 'secret-alice' }, 'fb');
    const out = await ok(a, ['freebusy', 'bob@example.com', '--from', '2026-03-10', '--days', '1']);
    assert.match(out, /bob@example\.com/);
    assert.match(out, /Tue 10 Mar 2026 11:00 - Tue 10 Mar 2026 12:00 {2}busy/);
  });
});
