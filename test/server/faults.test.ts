/**
 * Faults (issue 13): a server process killed in the middle of writes and of a delivery,
 * PostgreSQL restarted under load, and the disk under a SQLite store running full. What must hold
 * each time: no partial object, no lost acknowledged write, no lost message (a message cut off
 * mid-send goes again with the same Message-ID, which receivers de-duplicate on), clean 503s and
 * 507s instead of 500s, and recovery without anyone's help.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { postgresMissing, startPostgres, type PgCluster } from '../helpers/postgres.js';
import { reefknot, startServe, stopServe, type ServeProcess } from '../helpers/serve-process.js';
import { TestRelay } from '../helpers/smtp.js';
import { ics } from '../helpers/server.js';

const auth = { authorization: `Basic ${Buffer.from('alice:pw-alice').toString('base64')}` };
const CAL = '/calendars/alice/calendar/';
const ENV = { REEFKNOT_LOG_LEVEL: 'silent' };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** An event of about `kb` kilobytes (a long, folded DESCRIPTION), so a write takes a while. */
function bigEvent(uid: string, kb: number): string {
  const text = `${uid} `.repeat(Math.ceil((kb * 1024) / (uid.length + 1)));
  const folded = (text.match(/.{1,70}/g) ?? []).join('\r\n ');
  return ics(uid, `DESCRIPTION:${folded}\r\n`);
}

function addAlice(storeArgs: string[]): void {
  const r = reefknot(['user', 'add', 'alice', '--email', 'alice@example.com', '--password-stdin', ...storeArgs], 'pw-alice\n');
  assert.equal(r.code, 0, r.err);
}

async function put(url: string, name: string, body: string): Promise<number> {
  const r = await fetch(`${url}${CAL}${name}`, { method: 'PUT', headers: { ...auth, 'content-type': 'text/calendar' }, body });
  await r.arrayBuffer();
  return r.status;
}

/** The names sync-collection lists from the start: what the change log says exists. */
async function syncedNames(url: string): Promise<string[]> {
  const r = await fetch(`${url}${CAL}`, {
    method: 'REPORT', headers: { ...auth, 'content-type': 'application/xml', depth: '1' },
    body: '<?xml version="1.0"?><D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>',
  });
  const text = await r.text();
  assert.equal(r.status, 207, text);
  return [...text.matchAll(/<D:href>[^<]*\/([^/<]+\.ics)<\/D:href>/gi)].map((m) => m[1] ?? '').sort();
}

/**
 * Many large PUTs at once, the process SIGKILLed while they run, then a fresh process on the same
 * store: every object is whole or absent, every acknowledged one is there, sync agrees.
 */
async function killMidWrite(data: string, storeArgs: string[]): Promise<void> {
  let serve = await startServe(data, storeArgs, ENV);
  assert.ok(serve.url, serve.err());
  const bodies = new Map(Array.from({ length: 40 }, (_, i) => [`big-${i}.ics`, bigEvent(`big-${i}`, 120)] as const));
  const acknowledged = new Set<string>();
  const writes = [...bodies].map(([name, body]) => put(serve.url, name, body).then((s) => { if (s === 201) acknowledged.add(name); }, () => undefined));
  while (acknowledged.size < 3) await sleep(5);
  await stopServe(serve.child, 'SIGKILL');
  await Promise.all(writes);
  assert.ok(acknowledged.size < bodies.size, 'the kill landed while writes were still under way');
  serve = await startServe(data, storeArgs, ENV);
  try {
    const present: string[] = [];
    for (const [name, body] of bodies) {
      const r = await fetch(`${serve.url}${CAL}${name}`, { headers: auth });
      const text = await r.text();
      if (r.status === 404) {
        assert.ok(!acknowledged.has(name), `${name} was acknowledged (201) but is gone`);
        continue;
      }
      assert.equal(r.status, 200);
      assert.equal(text.replace(/\r\n /g, ''), body.replace(/\r\n /g, ''), `${name} is whole`);
      present.push(name);
    }
    assert.deepEqual(await syncedNames(serve.url), present.sort(), 'the change log lists exactly the objects there are');
  } finally {
    await stopServe(serve.child);
  }
}

describe('a serve process killed mid-write', () => {
  test('on SQLite: no partial object, no lost acknowledged write, store intact', async () => {
    const data = mkdtempSync(join(tmpdir(), 'reefknot-kill-'));
    try {
      addAlice(['--data', data]);
      await killMidWrite(data, []);
      const db = new Database(join(data, 'reefknot.sqlite'), { readonly: true });
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      db.close();
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});

/**
 * Invitations queued while the relay takes a message's data and never answers; the sending
 * process is SIGKILLed mid-send. Then `takeOver` starts the process that finishes the job: the same
 * one again (SQLite) or another one that was not sending (PostgreSQL). Every message must then
 * arrive, each (event, guest) once among the mail the relay accepted, with stable Message-IDs.
 */
async function killMidDelivery(sender: (env: NodeJS.ProcessEnv, relay: TestRelay) => Promise<ServeProcess>, takeOver: (env: NodeJS.ProcessEnv, relay: TestRelay) => Promise<ServeProcess>): Promise<void> {
  const relay = await TestRelay.start();
  const env = { ...ENV, REEFKNOT_DELIVERY_LEASE_MS: '1500', REEFKNOT_DELIVERY_INTERVAL_MS: '300' };
  relay.stalled = true;
  const first = await sender(env, relay);
  let second: ServeProcess | null = null;
  try {
    const uids = ['d-0', 'd-1', 'd-2'];
    for (const uid of uids) {
      const guests = 'ATTENDEE;RSVP=TRUE:mailto:g1@elsewhere.example\r\nATTENDEE;RSVP=TRUE:mailto:g2@elsewhere.example\r\n';
      assert.equal(await put(first.url, `${uid}.ics`, ics(uid, `ORGANIZER:mailto:alice@example.com\r\nATTENDEE:mailto:alice@example.com\r\n${guests}`)), 201);
    }
    const t0 = Date.now();
    while (relay.stalledMessages < 1 && Date.now() - t0 < 15_000) await sleep(20);
    assert.ok(relay.stalledMessages >= 1, 'a message was being sent');
    await stopServe(first.child, 'SIGKILL');
    relay.stalled = false;
    second = await takeOver(env, relay);
    const t1 = Date.now();
    while (relay.mails.length < 6 && Date.now() - t1 < 20_000) await sleep(50);
    await sleep(1_000); // room for a second copy to show up
    const pairs = relay.mails.map((m) => `${/UID:(\S+)/.exec(m.raw)?.[1]} ${m.to.join(',')}`).sort();
    assert.deepEqual(pairs, uids.flatMap((u) => [`${u} g1@elsewhere.example`, `${u} g2@elsewhere.example`]).sort());
    assert.equal(new Set(relay.mails.map((m) => m.parsed.messageId)).size, 6);
  } finally {
    await stopServe(first.child);
    if (second) await stopServe(second.child);
    await relay.down();
  }
}

describe('a serve process killed mid-delivery', () => {
  test('on SQLite: every message is sent after the restart, each (event, guest) once among acknowledged mail', async () => {
    const data = mkdtempSync(join(tmpdir(), 'reefknot-kill-'));
    try {
      addAlice(['--data', data]);
      const start = (env: NodeJS.ProcessEnv, relay: TestRelay): Promise<ServeProcess> => startServe(data, ['--smtp-relay', relay.url], env);
      await killMidDelivery(start, start);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});

const pgSkip = postgresMissing();

describe('on PostgreSQL', { skip: pgSkip ?? false }, () => {
  let cluster: PgCluster;
  let dir: string;
  before(async () => {
    cluster = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'reefknot-pgfault-'));
  });
  after(async () => {
    await cluster?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a process killed mid-write: no partial object, no lost acknowledged write', async () => {
    const url = await cluster.createDatabase();
    addAlice(['--store', url, '--data', join(dir, 'cli')]);
    await killMidWrite(join(dir, 'kill'), ['--store', url]);
  });

  test('a process killed mid-delivery: another process sends the message once its lease runs out', async () => {
    const url = await cluster.createDatabase();
    addAlice(['--store', url, '--data', join(dir, 'cli3')]);
    await killMidDelivery(
      (env, relay) => startServe(join(dir, 'sender'), ['--store', url, '--smtp-relay', relay.url], env),
      (env, relay) => startServe(join(dir, 'other'), ['--store', url, '--smtp-relay', relay.url], env),
    );
  });

  test('PostgreSQL restarted under load: requests fail with 503 while it is down and recover by themselves', async () => {
    const url = await cluster.createDatabase();
    addAlice(['--store', url, '--data', join(dir, 'cli2')]);
    const serve: ServeProcess = await startServe(join(dir, 'restart'), ['--store', url], ENV);
    const statuses: { at: number; status: number }[] = [];
    const acknowledged: string[] = [];
    let phase: 'up' | 'down' | 'back' = 'up';
    let running = true;
    let n = 0;
    const client = async (): Promise<void> => {
      while (running) {
        const name = `load-${n++}.ics`;
        const status = await put(serve.url, name, ics(name)).catch(() => -1);
        statuses.push({ at: Date.now(), status });
        if (status === 201) acknowledged.push(name);
        if (phase === 'down') await sleep(20);
      }
    };
    try {
      const clients = Array.from({ length: 4 }, client);
      await sleep(800);
      phase = 'down';
      await cluster.stop();
      const downAt = Date.now();
      await sleep(1_500);
      const health = await fetch(`${serve.url}/healthz`);
      assert.equal(health.status, 503, 'healthz says the store is down');
      await cluster.start();
      const upAt = Date.now();
      phase = 'back';
      while (!statuses.some((s) => s.at > upAt && s.status === 201) && Date.now() - upAt < 15_000) await sleep(50);
      await sleep(300);
      running = false;
      await Promise.all(clients);
      const unexpected = statuses.filter((s) => s.status !== 201 && s.status !== 503);
      assert.deepEqual(unexpected, [], 'only 201 and 503, never a 500 or a dropped connection');
      assert.ok(statuses.some((s) => s.at > downAt && s.status === 503), 'requests while it was down got 503');
      const recovered = statuses.find((s) => s.at > upAt && s.status === 201);
      assert.ok(recovered, 'writes succeed again after the restart');
      assert.ok((recovered?.at ?? Infinity) - upAt < 15_000);
      assert.equal((await fetch(`${serve.url}/healthz`)).status, 200);
      const names = new Set(await syncedNames(serve.url));
      assert.deepEqual(acknowledged.filter((a) => !names.has(a)), [], 'every acknowledged write is there');
    } finally {
      running = false;
      await stopServe(serve.child);
    }
  });
});

/** A small tmpfs to fill up; null when this machine will not mount one (not root, no permission). */
function smallDisk(): { dir: string; unmount: () => void } | null {
  const dir = mkdtempSync(join(tmpdir(), 'reefknot-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return { dir, unmount: () => { execFileSync('umount', [dir]); rmSync(dir, { recursive: true, force: true }); } };
}

const disk = smallDisk();

describe('the disk under a SQLite store runs full', { skip: disk ? false : 'cannot mount a small tmpfs here (needs root); CI runs as root' }, () => {
  test('writes answer 507 with a clear message, reads go on, nothing partial, writes resume once there is room', async () => {
    if (!disk) return;
    const data = join(disk.dir, 'data');
    mkdirSync(data);
    try {
      addAlice(['--data', data]);
      const serve = await startServe(data, [], ENV);
      try {
        assert.equal(await put(serve.url, 'before.ics', ics('before')), 201);
        // Ballast: fill the disk but for a little room, then write until it is gone.
        const free = statfsSync(disk.dir).bavail * statfsSync(disk.dir).bsize;
        writeFileSync(join(disk.dir, 'ballast'), Buffer.alloc(Math.max(0, free - 600 * 1024)));
        const acknowledged: string[] = [];
        let full: { status: number; text: string } | null = null;
        for (let i = 0; i < 200 && !full; i++) {
          const name = `fill-${i}.ics`;
          const r = await fetch(`${serve.url}${CAL}${name}`, { method: 'PUT', headers: { ...auth, 'content-type': 'text/calendar' }, body: bigEvent(`fill-${i}`, 40) });
          const text = await r.text();
          if (r.status === 201) acknowledged.push(name);
          else full = { status: r.status, text };
        }
        assert.equal(full?.status, 507, full?.text);
        assert.match(full?.text ?? '', /disk .* is full/i);
        assert.equal((await fetch(`${serve.url}${CAL}before.ics`, { headers: auth })).status, 200, 'reads still work');
        rmSync(join(disk.dir, 'ballast'));
        assert.equal(await put(serve.url, 'after.ics', ics('after')), 201, 'writes resume once there is room');
        const names = await syncedNames(serve.url);
        assert.deepEqual(names, ['after.ics', 'before.ics', ...acknowledged].sort());
      } finally {
        await stopServe(serve.child);
      }
      const db = new Database(join(data, 'reefknot.sqlite'), { readonly: true });
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      db.close();
    } finally {
      disk.unmount();
    }
  });
});
