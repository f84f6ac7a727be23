/**
 * `reefknot migrate-store --from sqlite:DIR --to postgres://…` (issue 13): a store filled through
 * the real server is copied by the CLI, and everything read back through the store interface —
 * users, addresses, collections, objects byte for byte, properties, change logs, grants, shares,
 * proxies, the delivery queue, quarantine, keys, peers, free-busy data and sessions — is the same.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { PgStore } from '../../src/store/postgres/pg-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/types.js';
import { postgresMissing, startPostgres, type PgCluster } from '../helpers/postgres.js';
import { reefknot } from '../helpers/serve-process.js';
import { ics, startTestServer } from '../helpers/server.js';

const skip = postgresMissing();

/** Everything the store holds, read through the store interface only. */
async function snapshot(store: Store): Promise<unknown> {
  return store.read(async (tx) => {
    const users = await tx.listUsers();
    const out: Record<string, unknown> = { users };
    for (const u of users) {
      const collections = await tx.listCollectionsOwnedBy(u.id);
      const cols = [];
      for (const c of collections) {
        const objects = [];
        for (const meta of await tx.listObjects(c.id)) {
          const o = await tx.getObject(c.id, meta.name);
          objects.push({ ...o, content: o?.content.toString('base64'), props: await tx.getProperties(c.id, meta.name) });
        }
        cols.push({ c, objects, props: await tx.getProperties(c.id, ''), changes: await tx.changesSince(c.id, 0), grants: await tx.listGrants(c.id), shares: await tx.listSharesOf(c.id),
          inRange: await tx.objectsInRange(c.id, Date.UTC(2026, 0, 1), Date.UTC(2026, 1, 1)) });
      }
      out[u.name] = { addresses: await tx.listAddresses(u.id), cols, proxies: await tx.listProxies(u.id), sessions: await tx.listUserWebSessions(u.id), freebusy: await tx.getFreeBusyUpload(u.id), used: await tx.usedBytes(u.id) };
    }
    out.deliveries = await tx.listDeliveries({});
    out.quarantine = (await tx.listQuarantine()).map((q) => ({ ...q, raw: q.raw.toString('base64') }));
    out.keys = await tx.listIScheduleKeys();
    out.peers = await tx.listISchedulePeers();
    out.cipPeers = await tx.listCipPeers();
    out.redirects = await tx.listCipRedirects();
    out.token = await tx.userForFreeBusyToken('token-hash-1');
    return out;
  });
}

describe('migrate-store from SQLite to PostgreSQL', { skip: skip ?? false }, () => {
  let cluster: PgCluster;
  let dataDir: string;
  before(async () => {
    cluster = await startPostgres();
    const s = await startTestServer({ users: ['alice', 'bob'] });
    dataDir = s.dataDir;
    for (let i = 0; i < 30; i++) {
      const extra = i % 3 === 0 ? 'RRULE:FREQ=WEEKLY;COUNT=10\r\n' : i === 7 ? 'ORGANIZER:mailto:alice@example.com\r\nATTENDEE:mailto:alice@example.com\r\nATTENDEE;RSVP=TRUE:mailto:guest@elsewhere.example\r\nATTENDEE:mailto:bob@example.com\r\n' : '';
      assert.equal((await s.request('PUT', `/calendars/alice/calendar/e${i}.ics`, { body: ics(`e${i}`, extra), headers: { 'content-type': 'text/calendar' } })).status, 201);
    }
    await s.request('DELETE', '/calendars/alice/calendar/e29.ics');
    const proppatch = '<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>Wörk ✓</D:displayname></D:prop></D:set></D:propertyupdate>';
    assert.equal((await s.request('PROPPATCH', '/calendars/alice/calendar/', { body: proppatch, headers: { 'content-type': 'application/xml' } })).status, 207);
    const now = Date.UTC(2026, 10, 23);
    await s.app.store.write(async (tx) => {
      const alice = await tx.getUserByName('alice');
      const bob = await tx.getUserByName('bob');
      const cal = await tx.getCollection('/calendars/alice/calendar/');
      if (!alice || !bob || !cal) throw new Error('setup');
      await tx.replaceGrants(cal.id, 'acl', [{ principal: `user:${bob.id}`, privileges: ['read'], deny: false }, { principal: 'unauthenticated', privileges: ['read-free-busy'], deny: false }]);
      await tx.upsertShare({ collectionId: cal.id, shareeId: bob.id, access: 'read', status: 'accepted', bindName: 'alice-work', summary: 'Work', uid: 'share-1', now });
      await tx.setProxies(alice.id, true, [bob.id]);
      await tx.addQuarantine({ receivedAt: now, sender: 'x@evil.example', recipients: ['alice@example.com'], reason: 'DKIM failed', raw: Buffer.from([0, 255, 10, 13, 200]) });
      await tx.markMessageSeen('<m1@example.com>', now);
      await tx.putIScheduleKey({ domain: 'example.com', selector: 'rk1', privateKeyPem: 'PRIVATE', publicKeyPem: 'PUBLIC', createdAt: now });
      await tx.putISchedulePeer({ domain: 'peer.example', url: 'https://peer.example/ischedule', publicKeyPem: null, allow: ['deliver', 'freebusy'], createdAt: now });
      await tx.putCipPeer({ domain: 'cip.example', passwordHash: 'hash', password: 'pw', host: '127.0.0.1:9999', tls: true, createdAt: now });
      await tx.putCipRedirect({ address: 'old@example.com', target: 'new@example.org', createdAt: now });
      await tx.addFreeBusyToken(alice.id, 'token-hash-1', now);
      await tx.setFreeBusyUpload(bob.id, 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', now);
      await tx.addWebSession({ idHash: 'session-hash', userId: alice.id, userName: 'alice', credentialVersion: 1, csrfToken: 'csrf', createdAt: now, lastSeenAt: now });
    });
    await s.http.close();
    await s.app.store.close();
  });
  after(async () => {
    await cluster?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('every row is copied and verified, and the PostgreSQL store reads exactly the same', async () => {
    const url = await cluster.createDatabase();
    const run = reefknot(['migrate-store', '--from', `sqlite:${dataDir}`, '--to', url]);
    assert.equal(run.code, 0, run.err + run.out);
    assert.match(run.out, /^objects\s+\d+ →\s+\d+\s+same$/m);
    assert.doesNotMatch(run.out, /DIFFERENT/);
    assert.match(run.out, /Copied and verified \d+ rows/);
    assert.match(run.err, /copying objects/, 'progress is shown');

    const sqlite = new SqliteStore({ dataDir });
    const postgres = await PgStore.open({ url });
    try {
      const before = await snapshot(sqlite);
      assert.deepEqual(await snapshot(postgres), before);
      const queued = (before as { deliveries: unknown[] }).deliveries;
      assert.ok(queued.length >= 1, 'the queued invitation to guest@elsewhere.example was copied');
      // Sequences continue after the copied ids: new rows do not collide.
      await postgres.write(async (tx) => {
        const carol = await tx.createUser({ name: 'carol', passwordHash: 'h', type: 'individual', quotaBytes: null, now: 1 });
        const home = await tx.createCollection({ path: '/calendars/carol/', parentId: null, ownerId: carol.id, kind: 'home', now: 1 });
        await tx.putObject(home.id, { name: 'x', content: Buffer.from('x'), etag: 'e', contentType: 'text/plain', summary: null, now: 1 });
        await tx.addAddress(carol.id, 'mailto:carol@example.com');
      });
    } finally {
      await sqlite.close();
      await postgres.close();
    }
    const again = reefknot(['migrate-store', '--from', `sqlite:${dataDir}`, '--to', url]);
    assert.notEqual(again.code, 0);
    assert.match(again.err, /already holds Reefknot data/);
  });

  test('backup and restore on PostgreSQL (pg_dump, pg_restore) bring back the same store', async () => {
    const source = await cluster.createDatabase();
    assert.equal(reefknot(['migrate-store', '--from', `sqlite:${dataDir}`, '--to', source]).code, 0);
    const file = join(dataDir, 'pg-backup.dump');
    const backup = reefknot(['backup', '--store', source, '--to', file]);
    assert.equal(backup.code, 0, backup.err);
    const target = await cluster.createDatabase();
    const restore = reefknot(['restore', '--store', target, '--from', file]);
    assert.equal(restore.code, 0, restore.err);
    const again = reefknot(['restore', '--store', target, '--from', file]);
    assert.notEqual(again.code, 0, 'a database that has a store is not overwritten without --force');
    assert.match(again.err, /--force/);
    const a = await PgStore.open({ url: source });
    const b = await PgStore.open({ url: target });
    try {
      assert.deepEqual(await snapshot(b), await snapshot(a));
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('a --from that is not sqlite:DIR is refused with a clear message', () => {
    const r = reefknot(['migrate-store', '--from', dataDir, '--to', 'postgres://127.0.0.1/x']);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /--from must be sqlite:DIR/);
  });
});
