/** The store contract: every backend runs this same suite (design.md "Tests"). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/types.js';

export function storeContract(name: string, open: () => Promise<{ store: Store; reopen?: () => Promise<Store>; cleanup: () => void }>): void {
  const now = 1_700_000_000_000;
  const setup = async (): Promise<{ store: Store; home: number; cal: number; cleanup: () => void; reopen?: () => Promise<Store> }> => {
    const { store, cleanup, reopen } = await open();
    const ids = await store.write(async (tx) => {
      const u = await tx.createUser({ name: 'alice', passwordHash: 'h', type: 'individual', quotaBytes: null, now });
      await tx.addAddress(u.id, 'mailto:alice@example.com');
      const home = await tx.createCollection({ path: '/calendars/alice/', parentId: null, ownerId: u.id, kind: 'home', now });
      const cal = await tx.createCollection({ path: '/calendars/alice/work/', parentId: home.id, ownerId: u.id, kind: 'calendar', components: ['VEVENT'], now });
      return { home: home.id, cal: cal.id };
    });
    return { store, cleanup, reopen, ...ids };
  };
  const put = (n: string, body = 'x') => ({ name: n, content: Buffer.from(body), etag: `e-${body}`, contentType: 'text/plain', summary: null, now });

  test(`${name}: users, addresses and collections round-trip`, async () => {
    const { store, cleanup } = await setup();
    await store.read(async (tx) => {
      assert.equal((await tx.getUserByAddress('mailto:alice@example.com'))?.name, 'alice');
      assert.deepEqual((await tx.getCollection('/calendars/alice/work/'))?.components, ['VEVENT']);
      assert.equal((await tx.listCollectionsOwnedBy((await tx.getUserByName('alice'))?.id ?? 0)).length, 2);
    });
    await store.close();
    cleanup();
  });

  test(`${name}: a failed write transaction leaves nothing behind`, async () => {
    const { store, cal, cleanup } = await setup();
    await assert.rejects(store.write(async (tx) => {
      await tx.putObject(cal, put('a.ics'));
      throw new Error('boom');
    }));
    assert.equal(await store.read((tx) => tx.getObject(cal, 'a.ics')), null);
    await store.close();
    cleanup();
  });

  test(`${name}: objects, change log, revision and used bytes`, async () => {
    const { store, cal, cleanup } = await setup();
    const created = await store.write((tx) => tx.putObject(cal, put('a.ics', 'hello')));
    assert.equal(created, true);
    assert.equal(await store.write((tx) => tx.putObject(cal, put('a.ics', 'hello!'))), false);
    await store.write((tx) => tx.putObject(cal, put('b.ics', 'bb')));
    await store.write((tx) => tx.deleteObject(cal, 'b.ics', now));
    await store.read(async (tx) => {
      assert.equal((await tx.getObject(cal, 'a.ics'))?.content.toString(), 'hello!');
      const changes = await tx.changesSince(cal, 0);
      assert.deepEqual(changes.map((c) => [c.name, c.deleted]), [['a.ics', false], ['a.ics', false], ['b.ics', false], ['b.ics', true]]);
      assert.deepEqual((await tx.changesSince(cal, 3)).map((c) => c.name), ['b.ics']);
      assert.equal((await tx.getCollectionById(cal))?.revision, 4);
      assert.equal(await tx.usedBytes((await tx.getUserByName('alice'))?.id ?? 0), 6);
    });
    await store.close();
    cleanup();
  });

  test(`${name}: moving a collection moves its subtree; deleting removes it and frees bytes`, async () => {
    const { store, home, cal, cleanup } = await setup();
    await store.write(async (tx) => {
      const sub = await tx.createCollection({ path: '/calendars/alice/work/sub/', parentId: cal, ownerId: 1, kind: 'plain', now });
      await tx.putObject(sub.id, put('x', 'xyz'));
      await tx.setProperty(cal, '', { ns: 'DAV:', name: 'displayname', value: '"w"' });
    });
    await store.write((tx) => tx.moveCollection(cal, '/calendars/alice/play/', home, now));
    await store.read(async (tx) => {
      assert.equal(await tx.getCollection('/calendars/alice/work/'), null);
      assert.ok(await tx.getCollection('/calendars/alice/play/sub/'));
      assert.equal((await tx.getProperties(cal, '')).length, 1);
    });
    await store.write((tx) => tx.deleteCollection(cal));
    await store.read(async (tx) => {
      assert.equal(await tx.getCollection('/calendars/alice/play/sub/'), null);
      assert.equal(await tx.usedBytes(1), 0);
    });
    await store.close();
    cleanup();
  });

  test(`${name}: data survives closing and reopening`, async () => {
    const { store, cal, cleanup, reopen } = await setup();
    if (!reopen) return;
    await store.write((tx) => tx.putObject(cal, put('keep.ics', 'kept')));
    await store.close();
    const again = await reopen();
    assert.equal((await again.read((tx) => tx.getObject(cal, 'keep.ics')))?.content.toString(), 'kept');
    await again.close();
    cleanup();
  });
}
