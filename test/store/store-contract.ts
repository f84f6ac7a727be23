/** The store contract: every backend runs this same suite (design.md "Tests"). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CalendarComponentType } from '../../src/domain/ical/analyse.js';
import { NO_LIMIT } from '../../src/domain/recurrence/time-index.js';
import type {
  ChangeRow, CipPeerRow, CollectionRow, DeadProperty, DeliveryRow, GrantRow, IScheduleKeyRow, ISchedulePeerRow, ObjectRow, ObjectSummary,
  PutObjectInput, ShareRow, Store, StoreTx, UserRow, UserType, WebSessionRow,
} from '../../src/store/types.js';

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

  // ---- Every StoreTx method, input → expected output (exact values, types included) -------------
  const H = 3_600_000;
  const D = 86_400_000;
  /** Bytes that are not UTF-8 (a NUL, 0xff, a lone continuation byte, a bad sequence, a surrogate). */
  const RAW = Buffer.from([0x42, 0x45, 0x00, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x0d, 0x0a]);
  const summary = (uid: string, timeIndex: ObjectSummary['timeIndex'], classification: ObjectSummary['classification'] = 'PUBLIC'): ObjectSummary => ({
    uid, componentType: 'VEVENT', recurring: false, firstStart: null, lastEnd: null, organizer: null, attendees: [], classification, timeIndex,
  });
  const addUser = (store: Store, userName: string, type: UserType = 'individual'): Promise<number> =>
    store.write(async (tx) => (await tx.createUser({ name: userName, passwordHash: 'h', type, quotaBytes: null, now })).id);
  const aliceId = (store: Store): Promise<number> => store.read(async (tx) => (await tx.getUserByName('alice'))?.id ?? -1);
  const byNsName = (a: DeadProperty, b: DeadProperty): number => (a.ns + ' ' + a.name < b.ns + ' ' + b.name ? -1 : a.ns + ' ' + a.name > b.ns + ' ' + b.name ? 1 : 0);

  test(`${name}: createUser returns the row; look-ups by name, id and address; listUsers ordered bytewise`, async () => {
    const { store, cleanup } = await setup();
    const bob = await store.write((tx) => tx.createUser({ name: 'bob', passwordHash: '$argon2id$x', type: 'room', quotaBytes: 5_000_000_000, now: now + 1 }));
    assert.equal(typeof bob.id, 'number');
    assert.deepEqual(bob, { id: bob.id, name: 'bob', passwordHash: '$argon2id$x', type: 'room', disabled: false, quotaBytes: 5_000_000_000, usedBytes: 0, createdAt: now + 1, credentialVersion: 1 });
    await store.write(async (tx) => {
      for (const n of ['Zed', 'émile', 'a-b', 'al']) await tx.createUser({ name: n, passwordHash: 'h', type: 'individual', quotaBytes: null, now });
      await tx.addAddress(bob.id, 'mailto:bob@example.com');
    });
    await store.read(async (tx) => {
      const lookups: [string, Promise<UserRow | null>, UserRow | null][] = [
        ['by name', tx.getUserByName('bob'), bob],
        ['by id', tx.getUserById(bob.id), bob],
        ['by address', tx.getUserByAddress('mailto:bob@example.com'), bob],
        ['unknown name', tx.getUserByName('nobody'), null],
        ['name is case-sensitive', tx.getUserByName('BOB'), null],
        ['unknown id', tx.getUserById(999_999), null],
        ['unknown address', tx.getUserByAddress('mailto:nobody@example.com'), null],
      ];
      for (const [what, got, expected] of lookups) assert.deepEqual(await got, expected, what);
      assert.deepEqual((await tx.listUsers()).map((u) => u.name), ['Zed', 'a-b', 'al', 'alice', 'bob', 'émile']);
      assert.deepEqual((await tx.listUsers()).find((u) => u.name === 'bob'), bob);
    });
    await store.close();
    cleanup();
  });

  test(`${name}: updateUser patches; password and disabled changes bump credentialVersion, quota does not`, async () => {
    const { store, cleanup } = await setup();
    const bob = await store.write((tx) => tx.createUser({ name: 'bob', passwordHash: 'h1', type: 'individual', quotaBytes: 5_000_000_000, now }));
    type Seen = Pick<UserRow, 'passwordHash' | 'disabled' | 'quotaBytes' | 'credentialVersion'>;
    const steps: [Parameters<StoreTx['updateUser']>[1], Seen][] = [
      [{ passwordHash: 'h2' }, { passwordHash: 'h2', disabled: false, quotaBytes: 5_000_000_000, credentialVersion: 2 }],
      [{ disabled: true }, { passwordHash: 'h2', disabled: true, quotaBytes: 5_000_000_000, credentialVersion: 3 }],
      [{ quotaBytes: 6_000_000_000 }, { passwordHash: 'h2', disabled: true, quotaBytes: 6_000_000_000, credentialVersion: 3 }],
      [{ quotaBytes: null }, { passwordHash: 'h2', disabled: true, quotaBytes: null, credentialVersion: 3 }],
      [{}, { passwordHash: 'h2', disabled: true, quotaBytes: null, credentialVersion: 3 }],
      [{ passwordHash: 'h3', disabled: false, quotaBytes: 1024 }, { passwordHash: 'h3', disabled: false, quotaBytes: 1024, credentialVersion: 5 }],
    ];
    for (const [patch, expected] of steps) {
      await store.write((tx) => tx.updateUser(bob.id, patch));
      const u = await store.read((tx) => tx.getUserById(bob.id));
      assert.deepEqual(u && { passwordHash: u.passwordHash, disabled: u.disabled, quotaBytes: u.quotaBytes, credentialVersion: u.credentialVersion }, expected, JSON.stringify(patch));
      assert.equal(u?.createdAt, now);
    }
    const alice = await store.read((tx) => tx.getUserByName('alice'));
    assert.deepEqual(alice && [alice.passwordHash, alice.disabled, alice.quotaBytes, alice.credentialVersion], ['h', false, null, 1]);
    await store.close();
    cleanup();
  });

  test(`${name}: addresses: listed in the order added, removed only from their owner, unique server-wide`, async () => {
    const { store, cleanup } = await setup();
    const alice = await aliceId(store);
    const bob = await addUser(store, 'bob');
    await store.write(async (tx) => {
      await tx.addAddress(alice, 'mailto:zz@example.com');
      await tx.addAddress(alice, 'mailto:aa@example.com');
    });
    assert.deepEqual(await store.read((tx) => tx.listAddresses(alice)), ['mailto:alice@example.com', 'mailto:zz@example.com', 'mailto:aa@example.com']);
    const removals: [number, string, boolean][] = [
      [bob, 'mailto:aa@example.com', false],
      [alice, 'mailto:zz@example.com', true],
      [alice, 'mailto:zz@example.com', false],
      [alice, 'mailto:never@example.com', false],
    ];
    for (const [user, address, expected] of removals) assert.equal(await store.write((tx) => tx.removeAddress(user, address)), expected, `${user} ${address}`);
    await store.write((tx) => tx.addAddress(alice, 'mailto:zz@example.com'));
    await store.write((tx) => tx.addAddress(bob, 'mailto:bob@example.com'));
    await assert.rejects(store.write((tx) => tx.addAddress(bob, 'mailto:aa@example.com')));
    await store.read(async (tx) => {
      assert.deepEqual(await tx.listAddresses(alice), ['mailto:alice@example.com', 'mailto:aa@example.com', 'mailto:zz@example.com']);
      assert.deepEqual(await tx.listAddresses(bob), ['mailto:bob@example.com']);
      assert.deepEqual(await tx.listAddresses(999_999), []);
      assert.equal((await tx.getUserByAddress('mailto:aa@example.com'))?.id, alice);
      assert.equal(await tx.getUserByAddress('mailto:AA@example.com'), null);
    });
    await store.close();
    cleanup();
  });

  test(`${name}: deleteUser removes the user and everything that belongs to it, nothing of others`, async () => {
    const { store, cal, cleanup } = await setup();
    const alice = await aliceId(store);
    const bob = await addUser(store, 'bob');
    const bobCal = await store.write(async (tx) => {
      await tx.addAddress(bob, 'mailto:bob@example.com');
      const home = await tx.createCollection({ path: '/calendars/bob/', parentId: null, ownerId: bob, kind: 'home', now });
      const c = await tx.createCollection({ path: '/calendars/bob/calendar/', parentId: home.id, ownerId: bob, kind: 'calendar', components: ['VEVENT'], now });
      await tx.putObject(c.id, { ...put('b.ics', 'bobs'), summary: summary('bob-uid', { spans: [{ start: now, end: now + H }], coveredFrom: -NO_LIMIT, coveredUntil: NO_LIMIT, exact: true }) });
      await tx.setProperty(c.id, '', { ns: 'DAV:', name: 'displayname', value: '"b"' });
      await tx.upsertShare({ collectionId: cal, shareeId: bob, access: 'read', status: 'accepted', bindName: 'alice-work', summary: '', uid: 'share-1', now });
      await tx.setProxies(alice, true, [bob]);
      await tx.setProxies(bob, false, [alice]);
      await tx.addDelivery({ ownerId: bob, uid: 'bob-uid', method: 'REQUEST', originator: 'mailto:bob@example.com', recipient: 'mailto:x@remote.example', message: 'm', messageId: '<1@x>', route: 'imip', status: 'pending', scheduleStatus: '1.0', nextTry: now, createdAt: now });
      await tx.addFreeBusyToken(bob, 'tok', now);
      await tx.setFreeBusyUpload(bob, 'BEGIN:VCALENDAR', now);
      await tx.putObject(cal, put('a.ics', 'alices'));
      return c.id;
    });
    await store.write((tx) => tx.deleteUser(bob));
    await store.write((tx) => tx.deleteUser(999_999));
    await store.read(async (tx) => {
      const gone: [string, unknown, unknown][] = [
        ['getUserById', await tx.getUserById(bob), null],
        ['getUserByName', await tx.getUserByName('bob'), null],
        ['getUserByAddress', await tx.getUserByAddress('mailto:bob@example.com'), null],
        ['listAddresses', await tx.listAddresses(bob), []],
        ['home', await tx.getCollection('/calendars/bob/'), null],
        ['calendar', await tx.getCollectionById(bobCal), null],
        ['object', await tx.getObject(bobCal, 'b.ics'), null],
        ['properties', await tx.getProperties(bobCal, ''), []],
        ['changes', await tx.changesSince(bobCal, 0), []],
        ['range', (await tx.objectsInRange(bobCal, now, now + H)).map((o) => o.name), []],
        ['ownersOfUid', await tx.ownersOfUid('bob-uid'), []],
        ['shares of alice', await tx.listSharesOf(cal), []],
        ['shares for bob', await tx.listSharesFor(bob), []],
        ['share by uid', await tx.getShareByUid('share-1'), null],
        ['proxies of alice', await tx.listProxies(alice), []],
        ['proxy for alice', await tx.listProxyFor(alice), []],
        ['deliveries', await tx.listDeliveries({ ownerId: bob }), []],
        ['token', await tx.userForFreeBusyToken('tok'), null],
        ['upload', await tx.getFreeBusyUpload(bob), null],
        ['users', (await tx.listUsers()).map((u) => u.name), ['alice']],
        ['alice keeps her object', (await tx.getObject(cal, 'a.ics'))?.content.toString(), 'alices'],
        ['alice keeps her bytes', await tx.usedBytes(alice), 6],
        ['alice keeps her address', await tx.listAddresses(alice), ['mailto:alice@example.com']],
      ];
      for (const [what, got, expected] of gone) assert.deepEqual(got, expected, what);
    });
    await store.close();
    cleanup();
  });

  test(`${name}: collections: createCollection returns the row; children and owned lists ordered bytewise by path`, async () => {
    const { store, home, cal, cleanup } = await setup();
    const alice = await aliceId(store);
    const bob = await addUser(store, 'bob');
    const made = await store.write(async (tx) => ({
      zeta: await tx.createCollection({ path: '/calendars/alice/Zeta/', parentId: home, ownerId: alice, kind: 'plain', now: now + 1 }),
      ab: await tx.createCollection({ path: '/calendars/alice/a-b/', parentId: home, ownerId: alice, kind: 'calendar', components: ['VTODO', 'VEVENT'], now: now + 2 }),
      e: await tx.createCollection({ path: '/calendars/alice/é/', parentId: home, ownerId: alice, kind: 'inbox', components: ['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY'], now: now + 3 }),
      deep: await tx.createCollection({ path: '/calendars/alice/work/deep/', parentId: cal, ownerId: alice, kind: 'outbox', components: [], now: now + 4 }),
      bobHome: await tx.createCollection({ path: '/calendars/bob/', parentId: null, ownerId: bob, kind: 'home', now: now + 5 }),
    }));
    assert.deepEqual(made.zeta, { id: made.zeta.id, path: '/calendars/alice/Zeta/', parentId: home, ownerId: alice, kind: 'plain', components: [], revision: 0, createdAt: now + 1, modifiedAt: now + 1 });
    assert.deepEqual(made.ab, { id: made.ab.id, path: '/calendars/alice/a-b/', parentId: home, ownerId: alice, kind: 'calendar', components: ['VTODO', 'VEVENT'], revision: 0, createdAt: now + 2, modifiedAt: now + 2 });
    assert.deepEqual(made.bobHome, { id: made.bobHome.id, path: '/calendars/bob/', parentId: null, ownerId: bob, kind: 'home', components: [], revision: 0, createdAt: now + 5, modifiedAt: now + 5 });
    await store.read(async (tx) => {
      for (const c of Object.values(made)) {
        assert.deepEqual(await tx.getCollection(c.path), c, c.path);
        assert.deepEqual(await tx.getCollectionById(c.id), c, c.path);
      }
      assert.deepEqual(await tx.getCollectionById(home), { id: home, path: '/calendars/alice/', parentId: null, ownerId: alice, kind: 'home', components: [], revision: 0, createdAt: now, modifiedAt: now });
      const misses: [string, Promise<CollectionRow | null>][] = [
        ['path is case-sensitive', tx.getCollection('/calendars/alice/zeta/')],
        ['no trailing slash', tx.getCollection('/calendars/alice/Zeta')],
        ['unknown path', tx.getCollection('/nowhere/')],
        ['unknown id', tx.getCollectionById(999_999)],
      ];
      for (const [what, got] of misses) assert.equal(await got, null, what);
      const lists: [string, Promise<CollectionRow[]>, string[]][] = [
        ['children of home', tx.listChildCollections(home), ['/calendars/alice/Zeta/', '/calendars/alice/a-b/', '/calendars/alice/work/', '/calendars/alice/é/']],
        ['children of work', tx.listChildCollections(cal), ['/calendars/alice/work/deep/']],
        ['children of a leaf', tx.listChildCollections(made.deep.id), []],
        ['owned by alice', tx.listCollectionsOwnedBy(alice),
          ['/calendars/alice/', '/calendars/alice/Zeta/', '/calendars/alice/a-b/', '/calendars/alice/work/', '/calendars/alice/work/deep/', '/calendars/alice/é/']],
        ['owned by bob', tx.listCollectionsOwnedBy(bob), ['/calendars/bob/']],
        ['owned by nobody', tx.listCollectionsOwnedBy(999_999), []],
      ];
      for (const [what, got, expected] of lists) assert.deepEqual((await got).map((c) => c.path), expected, what);
      assert.deepEqual((await tx.listChildCollections(home)).find((c) => c.id === made.ab.id), made.ab);
    });
    await store.close();
    cleanup();
  });

  test(`${name}: setCollectionComponents replaces the set; touchCollection bumps revision and modifiedAt without a change row`, async () => {
    const { store, cal, cleanup } = await setup();
    const sets: CalendarComponentType[][] = [['VEVENT', 'VTODO', 'VJOURNAL'], ['VTODO'], [], ['VFREEBUSY', 'VEVENT']];
    for (const components of sets) {
      await store.write((tx) => tx.setCollectionComponents(cal, components));
      assert.deepEqual((await store.read((tx) => tx.getCollectionById(cal)))?.components, components);
    }
    const touches: [number, number][] = [[now + 50, 1], [now + 60, 2]];
    for (const [at, revision] of touches) {
      await store.write((tx) => tx.touchCollection(cal, at));
      const c = await store.read((tx) => tx.getCollectionById(cal));
      assert.deepEqual(c && [c.revision, c.modifiedAt, c.createdAt], [revision, at, now]);
    }
    assert.deepEqual(await store.read((tx) => tx.changesSince(cal, 0)), []);
    await store.write((tx) => tx.putObject(cal, { ...put('a.ics'), now: now + 70 }));
    await store.read(async (tx) => {
      assert.deepEqual(await tx.changesSince(cal, 0), [{ revision: 3, name: 'a.ics', deleted: false }]);
      const c = await tx.getCollectionById(cal);
      assert.deepEqual(c && [c.revision, c.modifiedAt], [3, now + 70]);
    });
    await store.close();
    cleanup();
  });

  test(`${name}: moveCollection and deleteCollection act on the subtree only, not on a sibling sharing the prefix`, async () => {
    const { store, home, cal, cleanup } = await setup();
    const alice = await aliceId(store);
    const ids = await store.write(async (tx) => {
      const sub = await tx.createCollection({ path: '/calendars/alice/work/sub/', parentId: cal, ownerId: alice, kind: 'plain', now });
      const shop = await tx.createCollection({ path: '/calendars/alice/workshop/', parentId: home, ownerId: alice, kind: 'calendar', components: ['VEVENT'], now });
      await tx.putObject(cal, put('a.ics', 'aa'));
      await tx.putObject(sub.id, put('x', 'xyz'));
      await tx.putObject(shop.id, put('y', 'yyyy'));
      await tx.setProperty(shop.id, '', { ns: 'DAV:', name: 'displayname', value: '"shop"' });
      return { sub: sub.id, shop: shop.id };
    });
    assert.equal(await store.read((tx) => tx.usedBytes(alice)), 9);
    await store.write((tx) => tx.moveCollection(cal, '/calendars/alice/play/', home, now + 9));
    await store.write((tx) => tx.moveCollection(999_999, '/calendars/alice/nothing/', home, now + 9));
    await store.read(async (tx) => {
      const moved = await tx.getCollectionById(cal);
      assert.deepEqual(moved && [moved.path, moved.parentId, moved.modifiedAt], ['/calendars/alice/play/', home, now + 9]);
      const sub = await tx.getCollectionById(ids.sub);
      assert.deepEqual(sub && [sub.path, sub.parentId], ['/calendars/alice/play/sub/', cal]);
      const shop = await tx.getCollectionById(ids.shop);
      assert.deepEqual(shop && [shop.path, shop.parentId, shop.modifiedAt], ['/calendars/alice/workshop/', home, now]);
      assert.deepEqual((await tx.listCollectionsOwnedBy(alice)).map((c) => c.path),
        ['/calendars/alice/', '/calendars/alice/play/', '/calendars/alice/play/sub/', '/calendars/alice/workshop/']);
      assert.equal((await tx.getObject(ids.sub, 'x'))?.content.toString(), 'xyz');
    });
    await store.write((tx) => tx.deleteCollection(cal));
    await store.write((tx) => tx.deleteCollection(999_999));
    await store.read(async (tx) => {
      const after: [string, unknown, unknown][] = [
        ['collections', (await tx.listCollectionsOwnedBy(alice)).map((c) => c.path), ['/calendars/alice/', '/calendars/alice/workshop/']],
        ['bytes of the sibling remain', await tx.usedBytes(alice), 4],
        ['object of the deleted', await tx.getObject(cal, 'a.ics'), null],
        ['object of the subtree', await tx.getObject(ids.sub, 'x'), null],
        ['changes of the deleted', await tx.changesSince(cal, 0), []],
        ['sibling object', (await tx.getObject(ids.shop, 'y'))?.content.toString(), 'yyyy'],
        ['sibling property', await tx.getProperties(ids.shop, ''), [{ ns: 'DAV:', name: 'displayname', value: '"shop"' }]],
      ];
      for (const [what, got, expected] of after) assert.deepEqual(got, expected, what);
    });
    await store.close();
    cleanup();
  });

  test(`${name}: putObject stores content byte-exactly with its metadata; scheduleTag kept when omitted, cleared by null`, async () => {
    const { store, cal, cleanup } = await setup();
    const alice = await aliceId(store);
    const steps: [string, PutObjectInput, boolean, ObjectRow][] = [
      ['create', { name: 'bin.ics', content: RAW, etag: '"e1"', contentType: 'text/calendar; charset=utf-8', scheduleTag: 'st-1', summary: summary('uid-1', null, 'CONFIDENTIAL'), now },
        true, { collectionId: cal, name: 'bin.ics', classification: 'CONFIDENTIAL', scheduleTag: 'st-1', etag: '"e1"', contentType: 'text/calendar; charset=utf-8', size: 13, uid: 'uid-1', componentType: 'VEVENT', createdAt: now, modifiedAt: now, content: RAW }],
      ['replace, tag omitted', { name: 'bin.ics', content: Buffer.from('plain'), etag: '"e2"', contentType: 'text/plain', summary: null, now: now + 5 },
        false, { collectionId: cal, name: 'bin.ics', classification: 'PUBLIC', scheduleTag: 'st-1', etag: '"e2"', contentType: 'text/plain', size: 5, uid: null, componentType: null, createdAt: now, modifiedAt: now + 5, content: Buffer.from('plain') }],
      ['replace, tag null', { name: 'bin.ics', content: Buffer.alloc(0), etag: '"e3"', contentType: 'text/plain', scheduleTag: null, summary: summary('uid-3', null, 'PRIVATE'), now: now + 6 },
        false, { collectionId: cal, name: 'bin.ics', classification: 'PRIVATE', scheduleTag: null, etag: '"e3"', contentType: 'text/plain', size: 0, uid: 'uid-3', componentType: 'VEVENT', createdAt: now, modifiedAt: now + 6, content: Buffer.alloc(0) }],
      ['replace, new tag', { name: 'bin.ics', content: RAW.subarray(2, 6), etag: '"e4"', contentType: 'text/calendar', scheduleTag: 'st-2', summary: null, now: now + 7 },
        false, { collectionId: cal, name: 'bin.ics', classification: 'PUBLIC', scheduleTag: 'st-2', etag: '"e4"', contentType: 'text/calendar', size: 4, uid: null, componentType: null, createdAt: now, modifiedAt: now + 7, content: Buffer.from([0x00, 0xff, 0xfe, 0x80]) }],
    ];
    for (const [what, input, created, expected] of steps) {
      assert.equal(await store.write((tx) => tx.putObject(cal, input)), created, what);
      await store.read(async (tx) => {
        const row = await tx.getObject(cal, 'bin.ics');
        assert.ok(row && Buffer.isBuffer(row.content), what);
        assert.equal(row.content.toString('hex'), expected.content.toString('hex'), what);
        assert.deepEqual(row, expected, what);
        const { content: _content, ...meta } = expected;
        assert.deepEqual(await tx.getObjectMeta(cal, 'bin.ics'), meta, what);
        assert.deepEqual(await tx.listObjects(cal), [meta], what);
        assert.equal(await tx.usedBytes(alice), expected.size, what);
      });
    }
    await store.close();
    cleanup();
  });

  test(`${name}: objects are listed by name bytewise, found by UID per collection, deleted with their properties`, async () => {
    const { store, home, cal, cleanup } = await setup();
    const alice = await aliceId(store);
    const other = await store.write(async (tx) => {
      const o = await tx.createCollection({ path: '/calendars/alice/other/', parentId: home, ownerId: alice, kind: 'calendar', components: ['VEVENT'], now });
      for (const n of ['é.ics', 'B.ics', 'a.ics', 'a-b.ics']) await tx.putObject(cal, { ...put(n, n), summary: summary(`uid-${n}`, null) });
      await tx.putObject(o.id, { ...put('elsewhere.ics', 'e'), summary: summary('uid-elsewhere', null) });
      await tx.setProperty(cal, 'a.ics', { ns: 'DAV:', name: 'displayname', value: '"obj"' });
      await tx.setProperty(cal, '', { ns: 'DAV:', name: 'displayname', value: '"col"' });
      return o.id;
    });
    await store.read(async (tx) => {
      assert.deepEqual((await tx.listObjects(cal)).map((o) => o.name), ['B.ics', 'a-b.ics', 'a.ics', 'é.ics']);
      assert.deepEqual((await tx.listObjects(other)).map((o) => o.name), ['elsewhere.ics']);
      assert.deepEqual(await tx.listObjects(999_999), []);
      const finds: [number, string, string | null][] = [
        [cal, 'uid-a.ics', 'a.ics'],
        [cal, 'uid-é.ics', 'é.ics'],
        [cal, 'uid-elsewhere', null],
        [other, 'uid-elsewhere', 'elsewhere.ics'],
        [other, 'uid-a.ics', null],
        [cal, 'UID-A.ICS', null],
      ];
      for (const [c, uid, expected] of finds) assert.equal((await tx.findObjectByUid(c, uid))?.name ?? null, expected, `${c} ${uid}`);
      assert.deepEqual(await tx.findObjectByUid(cal, 'uid-a.ics'), await tx.getObjectMeta(cal, 'a.ics'));
      assert.equal(await tx.getObject(cal, 'missing.ics'), null);
      assert.equal(await tx.getObjectMeta(cal, 'missing.ics'), null);
      assert.equal(await tx.getObject(other, 'a.ics'), null);
      // Bodies are the names: 'é.ics' (6 bytes in UTF-8) + 'B.ics' (5) + 'a.ics' (5) + 'a-b.ics' (7) + 'e' (1).
      assert.equal(await tx.usedBytes(alice), 24);
    });
    const deletions: [string, number, boolean][] = [['a.ics', now + 3, true], ['a.ics', now + 4, false], ['never.ics', now + 5, false]];
    for (const [n, at, expected] of deletions) assert.equal(await store.write((tx) => tx.deleteObject(cal, n, at)), expected, `${n} at ${at}`);
    await store.read(async (tx) => {
      assert.equal(await tx.getObject(cal, 'a.ics'), null);
      assert.equal(await tx.findObjectByUid(cal, 'uid-a.ics'), null);
      assert.deepEqual(await tx.getProperties(cal, 'a.ics'), []);
      assert.deepEqual(await tx.getProperties(cal, ''), [{ ns: 'DAV:', name: 'displayname', value: '"col"' }]);
      assert.deepEqual((await tx.listObjects(cal)).map((o) => o.name), ['B.ics', 'a-b.ics', 'é.ics']);
      assert.deepEqual(await tx.changesSince(cal, 4), [{ revision: 5, name: 'a.ics', deleted: true }]);
      const c = await tx.getCollectionById(cal);
      assert.deepEqual(c && [c.revision, c.modifiedAt], [5, now + 3]);
    });
    await store.close();
    cleanup();
  });

  test(`${name}: changesSince lists changes after a revision, in order, with deletions`, async () => {
    const { store, cal, home, cleanup } = await setup();
    const alice = await aliceId(store);
    const other = await store.write(async (tx) => (await tx.createCollection({ path: '/calendars/alice/other/', parentId: home, ownerId: alice, kind: 'calendar', now })).id);
    await store.write(async (tx) => {
      await tx.putObject(cal, put('a.ics', '1'));
      await tx.putObject(other, put('o.ics', '1'));
      await tx.putObject(cal, put('b.ics', '2'));
      await tx.deleteObject(cal, 'a.ics', now);
      await tx.putObject(cal, put('a.ics', '3'));
    });
    const all: ChangeRow[] = [
      { revision: 1, name: 'a.ics', deleted: false },
      { revision: 2, name: 'b.ics', deleted: false },
      { revision: 3, name: 'a.ics', deleted: true },
      { revision: 4, name: 'a.ics', deleted: false },
    ];
    await store.read(async (tx) => {
      for (const since of [0, 1, 2, 3, 4, 99]) assert.deepEqual(await tx.changesSince(cal, since), all.filter((c) => c.revision > since), `since ${since}`);
      assert.deepEqual(await tx.changesSince(other, 0), [{ revision: 1, name: 'o.ics', deleted: false }]);
      assert.deepEqual(await tx.changesSince(999_999, 0), []);
    });
    await store.close();
    cleanup();
  });

  test(`${name}: usedBytes follows creates, replaces and deletes per owner`, async () => {
    const { store, cal, cleanup } = await setup();
    const alice = await aliceId(store);
    const bob = await addUser(store, 'bob');
    const bobCal = await store.write(async (tx) => (await tx.createCollection({ path: '/calendars/bob/', parentId: null, ownerId: bob, kind: 'plain', now })).id);
    const steps: [string, (tx: StoreTx) => Promise<unknown>, number, number][] = [
      ['alice creates 10', (tx) => tx.putObject(cal, put('a', '0123456789')), 10, 0],
      ['alice creates 3', (tx) => tx.putObject(cal, put('b', 'abc')), 13, 0],
      ['bob creates 4', (tx) => tx.putObject(bobCal, put('c', 'wxyz')), 13, 4],
      ['alice shrinks a to 2', (tx) => tx.putObject(cal, put('a', '01')), 5, 4],
      ['alice grows b to 6', (tx) => tx.putObject(cal, put('b', 'abcdef')), 8, 4],
      ['alice deletes a', (tx) => tx.deleteObject(cal, 'a', now), 6, 4],
      ['non-ASCII counts bytes', (tx) => tx.putObject(cal, put('d', 'é')), 8, 4],
    ];
    for (const [what, step, a, b] of steps) {
      await store.write(step);
      assert.deepEqual(await store.read(async (tx) => [await tx.usedBytes(alice), await tx.usedBytes(bob), (await tx.getUserById(alice))?.usedBytes]), [a, b, a], what);
    }
    assert.equal(await store.read((tx) => tx.usedBytes(999_999)), 0);
    await store.close();
    cleanup();
  });

  test(`${name}: objectsInRange returns index candidates with decided/hit; busySpans the busy time the index decides`, async () => {
    const { store, home, cal, cleanup } = await setup();
    const alice = await aliceId(store);
    const ALL = { coveredFrom: -NO_LIMIT, coveredUntil: NO_LIMIT };
    const indexed: [string, ObjectSummary['timeIndex']][] = [
      ['a.ics', { spans: [{ start: now + H, end: now + 2 * H, busy: 1 }], ...ALL, exact: true }],
      ['b.ics', { spans: [{ start: now + 3 * H, end: now + 4 * H, busy: 2 }], ...ALL, exact: true }],
      ['c.ics', { spans: [{ start: now + H, end: now + 2 * H, busy: 0 }], ...ALL, exact: true }],
      ['d.ics', { spans: [{ start: now + 5 * H, end: now + 6 * H, busy: 1 }], ...ALL, exact: false }],
      // Longer than a week: found by the long-instance scan.
      ['e.ics', { spans: [{ start: now - 10 * D, end: now + 10 * D, busy: 1 }], ...ALL, exact: true }],
      // Indexed over [now, now + 24h) only: a candidate, undecided, for any range reaching outside.
      ['f.ics', { spans: [{ start: now + 7 * H, end: now + 8 * H, busy: 1 }], coveredFrom: now, coveredUntil: now + 24 * H, exact: true }],
      // Not indexable (time-index.ts UNINDEXED): a candidate for every range.
      ['g.ics', { spans: [], coveredFrom: NO_LIMIT, coveredUntil: -NO_LIMIT, exact: false }],
      // Exactly a week long (still a short instance), busy omitted (busy).
      ['i.ics', { spans: [{ start: now - 7 * D, end: now }], ...ALL, exact: true }],
      ['j.ics', { spans: [{ start: now + H, end: now + 2 * H, busy: 1 }], ...ALL, exact: true }],
      ['k.ics', { spans: [{ start: now + H, end: now + 2 * H, busy: 1 }], ...ALL, exact: true }],
    ];
    const other = await store.write(async (tx) => {
      for (const [n, timeIndex] of indexed) await tx.putObject(cal, { ...put(n), summary: summary(`uid-${n}`, timeIndex) });
      await tx.putObject(cal, put('h.ics')); // no summary: not in the time index at all
      // Replacing an object replaces its spans; deleting it removes them.
      await tx.putObject(cal, { ...put('j.ics'), summary: summary('uid-j.ics', { spans: [{ start: now + 100 * H, end: now + 101 * H, busy: 1 }], ...ALL, exact: true }) });
      await tx.deleteObject(cal, 'k.ics', now);
      const o = await tx.createCollection({ path: '/calendars/alice/other/', parentId: home, ownerId: alice, kind: 'calendar', components: ['VEVENT'], now });
      await tx.putObject(o.id, { ...put('y.ics'), summary: summary('uid-y', { spans: [], coveredFrom: NO_LIMIT, coveredUntil: -NO_LIMIT, exact: false }) });
      await tx.putObject(o.id, { ...put('z.ics'), summary: summary('uid-z', { spans: [{ start: now - 30 * D, end: now + 30 * D, busy: 2 }], ...ALL, exact: true }) });
      return o.id;
    });
    type Range = { start: number; end: number };
    const cases: [string, Range, [string, boolean, boolean][], string[], [number, number, boolean][]][] = [
      ['[1h, 2h)', { start: now + H, end: now + 2 * H },
        [['a.ics', true, true], ['c.ics', true, true], ['e.ics', true, true], ['g.ics', false, false]],
        ['a.ics', 'c.ics', 'e.ics'], [[now - 10 * D, now + 10 * D, false], [now + H, now + 2 * H, false]]],
      ['[2h, 4h): touching a and c, overlapping b', { start: now + 2 * H, end: now + 4 * H },
        [['a.ics', true, false], ['b.ics', true, true], ['c.ics', true, false], ['e.ics', true, true], ['g.ics', false, false]],
        ['b.ics', 'e.ics'], [[now - 10 * D, now + 10 * D, false], [now + 3 * H, now + 4 * H, true]]],
      ['[4h, 7h): touching b and f, overlapping the inexact d', { start: now + 4 * H, end: now + 7 * H },
        [['b.ics', true, false], ['d.ics', false, true], ['e.ics', true, true], ['f.ics', true, false], ['g.ics', false, false]],
        ['e.ics'], [[now - 10 * D, now + 10 * D, false]]],
      ['[5h, 8h)', { start: now + 5 * H, end: now + 8 * H },
        [['d.ics', false, true], ['e.ics', true, true], ['f.ics', true, true], ['g.ics', false, false]],
        ['e.ics', 'f.ics'], [[now - 10 * D, now + 10 * D, false], [now + 7 * H, now + 8 * H, false]]],
      ['[30h, 31h): after f is covered', { start: now + 30 * H, end: now + 31 * H },
        [['e.ics', true, true], ['f.ics', false, false], ['g.ics', false, false]],
        ['e.ics'], [[now - 10 * D, now + 10 * D, false]]],
      ['[-2d, -1d): before f is covered', { start: now - 2 * D, end: now - D },
        [['e.ics', true, true], ['f.ics', false, false], ['g.ics', false, false], ['i.ics', true, true]],
        ['e.ics', 'i.ics'], [[now - 10 * D, now + 10 * D, false], [now - 7 * D, now, false]]],
      ['[100h, 101h): the replaced j', { start: now + 100 * H, end: now + 101 * H },
        [['e.ics', true, true], ['f.ics', false, false], ['g.ics', false, false], ['j.ics', true, true]],
        ['e.ics', 'j.ics'], [[now - 10 * D, now + 10 * D, false], [now + 100 * H, now + 101 * H, false]]],
      ['[20d, 21d): after everything', { start: now + 20 * D, end: now + 21 * D },
        [['f.ics', false, false], ['g.ics', false, false]],
        [], []],
    ];
    await store.read(async (tx) => {
      for (const [what, r, candidates, decided, spans] of cases) {
        assert.deepEqual((await tx.objectsInRange(cal, r.start, r.end)).map((c) => [c.name, c.decided, c.hit]), candidates, `objectsInRange ${what}`);
        const busy = await tx.busySpans(cal, r.start, r.end);
        assert.ok(busy.decided instanceof Set, what);
        assert.deepEqual([...busy.decided].sort(), decided, `busySpans decided ${what}`);
        const got = busy.spans.map((s) => [s.start, s.end, s.tentative]).sort((x, y) => Number(x[0]) - Number(y[0]) || Number(x[1]) - Number(y[1]));
        assert.deepEqual(got, spans, `busySpans spans ${what}`);
      }
      const meta = await tx.getObjectMeta(other, 'z.ics');
      assert.ok(meta);
      assert.deepEqual(await tx.objectsInRange(other, now, now + H), [
        { collectionId: other, name: 'y.ics', classification: 'PUBLIC', scheduleTag: null, etag: 'e-x', contentType: 'text/plain', size: 1, uid: 'uid-y', componentType: 'VEVENT', createdAt: now, modifiedAt: now, decided: false, hit: false },
        { ...meta, decided: true, hit: true },
      ]);
      assert.deepEqual(await tx.busySpans(other, now, now + H), { decided: new Set(['z.ics']), spans: [{ start: now - 30 * D, end: now + 30 * D, tentative: true }] });
      assert.deepEqual(await tx.objectsInRange(999_999, now, now + H), []);
    });
    await store.close();
    cleanup();
  });

  test(`${name}: findObjectsByUidForOwner finds the user's copies by path; ownersOfUid the owners of calendars holding the UID`, async () => {
    const { store, home, cal, cleanup } = await setup();
    const alice = await aliceId(store);
    const bob = await addUser(store, 'bob');
    const carol = await addUser(store, 'carol');
    const c = await store.write(async (tx) => {
      const aCal = await tx.createCollection({ path: '/calendars/alice/a-cal/', parentId: home, ownerId: alice, kind: 'calendar', components: ['VEVENT'], now });
      const inbox = await tx.createCollection({ path: '/calendars/alice/inbox/', parentId: home, ownerId: alice, kind: 'inbox', now });
      const bobCal = await tx.createCollection({ path: '/calendars/bob/cal/', parentId: null, ownerId: bob, kind: 'calendar', now });
      const carolInbox = await tx.createCollection({ path: '/calendars/carol/inbox/', parentId: null, ownerId: carol, kind: 'inbox', now });
      await tx.putObject(cal, { ...put('z.ics'), summary: summary('u1', null) });
      await tx.putObject(cal, { ...put('a.ics'), summary: summary('u1', null) });
      await tx.putObject(aCal.id, { ...put('y.ics'), summary: summary('u1', null) });
      await tx.putObject(inbox.id, { ...put('in.ics'), summary: summary('u1', null) });
      await tx.putObject(cal, { ...put('other.ics'), summary: summary('u2', null) });
      await tx.putObject(bobCal.id, { ...put('w.ics'), summary: summary('u1', null) });
      await tx.putObject(carolInbox.id, { ...put('c.ics'), summary: summary('u3', null) });
      return { aCal: aCal.id, inbox: inbox.id, bobCal: bobCal.id };
    });
    await store.read(async (tx) => {
      const found = await tx.findObjectsByUidForOwner(alice, 'u1');
      assert.deepEqual(found.map((f) => [f.collection.path, f.object.name]), [
        ['/calendars/alice/a-cal/', 'y.ics'], ['/calendars/alice/inbox/', 'in.ics'], ['/calendars/alice/work/', 'a.ics'], ['/calendars/alice/work/', 'z.ics'],
      ]);
      assert.deepEqual(found[0]?.collection, await tx.getCollectionById(c.aCal));
      assert.deepEqual(found[0]?.object, await tx.getObjectMeta(c.aCal, 'y.ics'));
      assert.deepEqual((await tx.findObjectsByUidForOwner(bob, 'u1')).map((f) => [f.collection.id, f.object.name]), [[c.bobCal, 'w.ics']]);
      assert.deepEqual(await tx.findObjectsByUidForOwner(bob, 'u2'), []);
      assert.deepEqual(await tx.findObjectsByUidForOwner(alice, 'nope'), []);
      const owners: [string, number[]][] = [['u1', [alice, bob].sort((x, y) => x - y)], ['u2', [alice]], ['u3', []], ['nope', []]];
      for (const [uid, expected] of owners) assert.deepEqual(await tx.ownersOfUid(uid), expected, uid);
    });
    await store.close();
    cleanup();
  });

  test(`${name}: dead properties: set, replace, remove per collection or object`, async () => {
    const { store, home, cal, cleanup } = await setup();
    const CALDAV = 'urn:ietf:params:xml:ns:caldav';
    const desc = JSON.stringify({ name: 'calendar-description', ns: CALDAV, children: ['Ünïcødé ✓ “quotes” \\ back'] });
    await store.write(async (tx) => {
      await tx.setProperty(cal, '', { ns: 'DAV:', name: 'displayname', value: '"Work"' });
      await tx.setProperty(cal, '', { ns: 'urn:x', name: 'displayname', value: '"X"' });
      await tx.setProperty(cal, '', { ns: CALDAV, name: 'calendar-description', value: desc });
      await tx.setProperty(cal, 'a.ics', { ns: 'DAV:', name: 'displayname', value: '"obj"' });
      await tx.setProperty(home, '', { ns: 'DAV:', name: 'displayname', value: '"Home"' });
      await tx.setProperty(cal, '', { ns: 'DAV:', name: 'displayname', value: '"Work 2"' });
    });
    const sorted = async (c: number, o: string): Promise<DeadProperty[]> => (await store.read((tx) => tx.getProperties(c, o))).sort(byNsName);
    assert.deepEqual(await sorted(cal, ''), [
      { ns: 'DAV:', name: 'displayname', value: '"Work 2"' },
      { ns: CALDAV, name: 'calendar-description', value: desc },
      { ns: 'urn:x', name: 'displayname', value: '"X"' },
    ].sort(byNsName));
    assert.deepEqual(await sorted(cal, 'a.ics'), [{ ns: 'DAV:', name: 'displayname', value: '"obj"' }]);
    assert.deepEqual(await sorted(home, ''), [{ ns: 'DAV:', name: 'displayname', value: '"Home"' }]);
    assert.deepEqual(await sorted(cal, 'b.ics'), []);
    await store.write(async (tx) => {
      await tx.removeProperty(cal, '', 'urn:x', 'displayname');
      await tx.removeProperty(cal, '', 'urn:x', 'displayname');
      await tx.removeProperty(cal, 'a.ics', 'DAV:', 'displayname');
      await tx.removeProperty(cal, '', 'DAV:', 'nonexistent');
    });
    assert.deepEqual(await sorted(cal, ''), [{ ns: 'DAV:', name: 'displayname', value: '"Work 2"' }, { ns: CALDAV, name: 'calendar-description', value: desc }].sort(byNsName));
    assert.deepEqual(await sorted(cal, 'a.ics'), []);
    assert.deepEqual(await sorted(home, ''), [{ ns: 'DAV:', name: 'displayname', value: '"Home"' }]);
    await store.close();
    cleanup();
  });

  test(`${name}: grants: replaceGrants per origin (share at 0…, acl at 1000…), listGrants in position order, listGrantsFor`, async () => {
    const { store, home, cal, cleanup } = await setup();
    type G = Omit<GrantRow, 'id'>;
    const strip = (rows: GrantRow[]): G[] => rows.map(({ id, ...rest }) => { assert.equal(typeof id, 'number'); return rest; });
    await store.write(async (tx) => {
      await tx.replaceGrants(cal, 'acl', [
        { principal: 'user:2', privileges: ['read', 'write'], deny: false },
        { principal: 'authenticated', privileges: ['read-free-busy'], deny: false },
        { principal: 'all', privileges: ['all'], deny: true },
      ]);
      await tx.replaceGrants(cal, 'share', [
        { principal: 'user:3', privileges: ['read'], deny: false },
        { principal: 'user:2', privileges: ['read', 'write', 'bind'], deny: false },
      ]);
      await tx.replaceGrants(home, 'share', [{ principal: 'user:2', privileges: ['read'], deny: false }]);
    });
    const calGrants: G[] = [
      { collectionId: cal, principal: 'user:3', privileges: ['read'], deny: false, origin: 'share', position: 0 },
      { collectionId: cal, principal: 'user:2', privileges: ['read', 'write', 'bind'], deny: false, origin: 'share', position: 1 },
      { collectionId: cal, principal: 'user:2', privileges: ['read', 'write'], deny: false, origin: 'acl', position: 1000 },
      { collectionId: cal, principal: 'authenticated', privileges: ['read-free-busy'], deny: false, origin: 'acl', position: 1001 },
      { collectionId: cal, principal: 'all', privileges: ['all'], deny: true, origin: 'acl', position: 1002 },
    ];
    const homeGrant: G = { collectionId: home, principal: 'user:2', privileges: ['read'], deny: false, origin: 'share', position: 0 };
    await store.read(async (tx) => {
      assert.deepEqual(strip(await tx.listGrants(cal)), calGrants);
      assert.deepEqual(strip(await tx.listGrants(home)), [homeGrant]);
      assert.deepEqual(strip(await tx.listGrantsFor('user:2')), [homeGrant, calGrants[1], calGrants[2]].sort((a, b) => (a?.collectionId ?? 0) - (b?.collectionId ?? 0) || (a?.position ?? 0) - (b?.position ?? 0)));
      assert.deepEqual(strip(await tx.listGrantsFor('unauthenticated')), []);
    });
    // Replacing one origin leaves the other as it was.
    await store.write((tx) => tx.replaceGrants(cal, 'acl', [{ principal: 'unauthenticated', privileges: ['read'], deny: true }]));
    assert.deepEqual(strip(await store.read((tx) => tx.listGrants(cal))), [
      calGrants[0], calGrants[1],
      { collectionId: cal, principal: 'unauthenticated', privileges: ['read'], deny: true, origin: 'acl', position: 1000 },
    ]);
    await store.write((tx) => tx.replaceGrants(cal, 'share', []));
    await store.read(async (tx) => {
      assert.deepEqual(strip(await tx.listGrants(cal)), [{ collectionId: cal, principal: 'unauthenticated', privileges: ['read'], deny: true, origin: 'acl', position: 1000 }]);
      assert.deepEqual(strip(await tx.listGrantsFor('user:2')), [homeGrant]);
      assert.deepEqual(strip(await tx.listGrantsFor('unauthenticated')), [{ collectionId: cal, principal: 'unauthenticated', privileges: ['read'], deny: true, origin: 'acl', position: 1000 }]);
    });
    await store.close();
    cleanup();
  });

  test(`${name}: shares: upsertShare creates then updates (keeping id, uid and createdAt); look-ups, lists and delete`, async () => {
    const { store, home, cal, cleanup } = await setup();
    const bob = await addUser(store, 'bob');
    const carol = await addUser(store, 'carol');
    const first = await store.write((tx) => tx.upsertShare({ collectionId: cal, shareeId: bob, access: 'read', status: 'pending', bindName: null, summary: 'Work', uid: 'inv-1', now: now + 1 }));
    assert.equal(typeof first.id, 'number');
    assert.deepEqual(first, { id: first.id, collectionId: cal, shareeId: bob, access: 'read', status: 'pending', bindName: null, summary: 'Work', uid: 'inv-1', createdAt: now + 1 });
    const updated = await store.write((tx) => tx.upsertShare({ collectionId: cal, shareeId: bob, access: 'read-write', status: 'accepted', bindName: 'alice-work', summary: 'Work ✓', uid: 'inv-2', now: now + 2 }));
    assert.deepEqual(updated, { id: first.id, collectionId: cal, shareeId: bob, access: 'read-write', status: 'accepted', bindName: 'alice-work', summary: 'Work ✓', uid: 'inv-1', createdAt: now + 1 });
    const { toCarol, homeToBob } = await store.write(async (tx) => ({
      toCarol: await tx.upsertShare({ collectionId: cal, shareeId: carol, access: 'read', status: 'declined', bindName: null, summary: '', uid: 'inv-3', now: now + 3 }),
      homeToBob: await tx.upsertShare({ collectionId: home, shareeId: bob, access: 'read', status: 'accepted', bindName: 'alice-home', summary: '', uid: 'inv-4', now: now + 4 }),
    }));
    await store.read(async (tx) => {
      const lookups: [string, ShareRow | null, ShareRow | null][] = [
        ['getShare', await tx.getShare(cal, bob), updated],
        ['getShare other sharee', await tx.getShare(cal, carol), toCarol],
        ['getShare none', await tx.getShare(home, carol), null],
        ['by uid', await tx.getShareByUid('inv-1'), updated],
        ['by the uid of an update', await tx.getShareByUid('inv-2'), null],
        ['by uid 4', await tx.getShareByUid('inv-4'), homeToBob],
        ['by bind', await tx.getShareByBind(bob, 'alice-work'), updated],
        ['by bind of another sharee', await tx.getShareByBind(carol, 'alice-work'), null],
        ['by unknown bind', await tx.getShareByBind(bob, 'nothing'), null],
      ];
      for (const [what, got, expected] of lookups) assert.deepEqual(got, expected, what);
      assert.deepEqual(await tx.listSharesOf(cal), [updated, toCarol]);
      assert.deepEqual(await tx.listSharesOf(home), [homeToBob]);
      assert.deepEqual(await tx.listSharesFor(bob), [updated, homeToBob]);
      assert.deepEqual(await tx.listSharesFor(carol), [toCarol]);
    });
    await store.write((tx) => tx.deleteShare(first.id));
    await store.write((tx) => tx.deleteShare(999_999));
    await store.read(async (tx) => {
      assert.equal(await tx.getShare(cal, bob), null);
      assert.equal(await tx.getShareByUid('inv-1'), null);
      assert.deepEqual(await tx.listSharesOf(cal), [toCarol]);
      assert.deepEqual(await tx.listSharesFor(bob), [homeToBob]);
    });
    await store.close();
    cleanup();
  });

  test(`${name}: proxies: setProxies replaces one kind; a user is either a read or a write proxy; listProxies by proxy id, listProxyFor`, async () => {
    const { store, cleanup } = await setup();
    const alice = await aliceId(store);
    const bob = await addUser(store, 'bob');
    const carol = await addUser(store, 'carol');
    const dave = await addUser(store, 'dave');
    const sortOwners = (rows: { ownerId: number; write: boolean }[]) => [...rows].sort((a, b) => a.ownerId - b.ownerId);
    const steps: [string, (tx: StoreTx) => Promise<void>, { proxyId: number; write: boolean }[]][] = [
      ['read proxies', (tx) => tx.setProxies(alice, false, [carol, bob]), [{ proxyId: bob, write: false }, { proxyId: carol, write: false }]],
      ['write proxies', (tx) => tx.setProxies(alice, true, [dave]), [{ proxyId: bob, write: false }, { proxyId: carol, write: false }, { proxyId: dave, write: true }]],
      ['bob becomes a write proxy, dave none', (tx) => tx.setProxies(alice, true, [bob]), [{ proxyId: bob, write: true }, { proxyId: carol, write: false }]],
      ['no read proxies', (tx) => tx.setProxies(alice, false, []), [{ proxyId: bob, write: true }]],
    ];
    for (const [what, step, expected] of steps) {
      await store.write(step);
      assert.deepEqual(await store.read((tx) => tx.listProxies(alice)), expected, what);
    }
    await store.write((tx) => tx.setProxies(carol, false, [bob]));
    await store.read(async (tx) => {
      assert.deepEqual(sortOwners(await tx.listProxyFor(bob)), sortOwners([{ ownerId: alice, write: true }, { ownerId: carol, write: false }]));
      assert.deepEqual(await tx.listProxyFor(dave), []);
      assert.deepEqual(await tx.listProxies(bob), []);
      assert.deepEqual(await tx.listProxies(carol), [{ proxyId: bob, write: false }]);
    });
    await store.close();
    cleanup();
  });

  test(`${name}: deliveries: addDelivery returns the row; listDeliveries filters; claimDueDeliveries leases due pending ones; updateDelivery patches`, async () => {
    const { store, cleanup } = await setup();
    const alice = await aliceId(store);
    const bob = await addUser(store, 'bob');
    const base = { method: 'REQUEST', originator: 'mailto:alice@example.com', message: 'BEGIN:VCALENDAR\r\nSUMMARY:é\r\nEND:VCALENDAR\r\n', route: 'imip', scheduleStatus: '1.0', createdAt: now };
    const d = await store.write(async (tx) => ({
      d1: await tx.addDelivery({ ...base, ownerId: alice, uid: 'u1', recipient: 'mailto:a@remote.example', messageId: '<m1@x>', status: 'pending', nextTry: now }),
      d2: await tx.addDelivery({ ...base, ownerId: alice, uid: 'u2', recipient: 'mailto:b@remote.example', messageId: '<m2@x>', status: 'pending', nextTry: now + 10 }),
      d3: await tx.addDelivery({ ...base, ownerId: bob, uid: 'u1', recipient: 'mailto:c@remote.example', messageId: '<m3@x>', status: 'sent', nextTry: now - 5 }),
      d4: await tx.addDelivery({ ...base, ownerId: bob, uid: 'u2', recipient: 'mailto:d@remote.example', messageId: '<m4@x>', status: 'pending', nextTry: now - 100, route: 'none' }),
    }));
    assert.equal(typeof d.d1.id, 'number');
    assert.deepEqual(d.d1, {
      id: d.d1.id, ownerId: alice, uid: 'u1', method: 'REQUEST', originator: 'mailto:alice@example.com', recipient: 'mailto:a@remote.example', message: base.message,
      messageId: '<m1@x>', route: 'imip', status: 'pending', scheduleStatus: '1.0', attempts: 0, nextTry: now, lastError: null, createdAt: now, updatedAt: now,
    });
    assert.equal(d.d4.route, 'none');
    const filters: [string, Parameters<StoreTx['listDeliveries']>[0], DeliveryRow[]][] = [
      ['all', {}, [d.d1, d.d2, d.d3, d.d4]],
      ['owner', { ownerId: bob }, [d.d3, d.d4]],
      ['uid', { uid: 'u1' }, [d.d1, d.d3]],
      ['status', { status: 'sent' }, [d.d3]],
      ['owner and status', { ownerId: alice, status: 'pending' }, [d.d1, d.d2]],
      ['owner, uid and status', { ownerId: bob, uid: 'u2', status: 'pending' }, [d.d4]],
      ['nothing matches', { status: 'failed' }, []],
    ];
    await store.read(async (tx) => {
      for (const [what, filter, expected] of filters) assert.deepEqual(await tx.listDeliveries(filter), expected, what);
    });
    const id = (r: DeliveryRow): number => r.id;
    const nextTry = async (): Promise<number[]> => (await store.read((tx) => tx.listDeliveries({}))).map((r) => r.nextTry);
    const claims: [string, number, number, number, number[], number[]][] = [
      // [what, now, limit, leaseMs, claimed ids, nextTry of d1..d4 afterwards]
      ['due pending ones, earliest first', now, 10, 60_000, [d.d4.id, d.d1.id], [now + 60_000, now + 10, now - 5, now + 60_000]],
      ['leased: nothing again at the same time', now, 10, 60_000, [], [now + 60_000, now + 10, now - 5, now + 60_000]],
      ['d2 falls due', now + 10, 10, 60_000, [d.d2.id], [now + 60_000, now + 60_010, now - 5, now + 60_000]],
      ['limit 1, ties by id', now + 60_000, 1, 5, [d.d1.id], [now + 60_005, now + 60_010, now - 5, now + 60_000]],
      ['the rest', now + 60_000, 10, 5, [d.d4.id], [now + 60_005, now + 60_010, now - 5, now + 60_005]],
      ['limit 0', now + 99_999, 0, 5, [], [now + 60_005, now + 60_010, now - 5, now + 60_005]],
    ];
    for (const [what, at, limit, lease, ids, after] of claims) {
      const claimed = await store.write((tx) => tx.claimDueDeliveries(at, limit, lease));
      assert.deepEqual(claimed.map(id), ids, what);
      assert.ok(claimed.every((r) => r.status === 'pending'), what);
      assert.deepEqual(await nextTry(), after, what);
    }
    await store.write((tx) => tx.updateDelivery(d.d1.id, { status: 'failed', scheduleStatus: '5.1', attempts: 3, lastError: 'connection refused ✗', route: 'ischedule', nextTry: now + 1 }, now + 7));
    assert.deepEqual((await store.read((tx) => tx.listDeliveries({ status: 'failed' }))), [{
      ...d.d1, status: 'failed', scheduleStatus: '5.1', attempts: 3, lastError: 'connection refused ✗', route: 'ischedule', nextTry: now + 1, updatedAt: now + 7,
    }]);
    await store.write((tx) => tx.updateDelivery(d.d1.id, { lastError: null, status: 'pending' }, now + 8));
    const row = (await store.read((tx) => tx.listDeliveries({ uid: 'u1', ownerId: alice })))[0];
    assert.deepEqual(row, { ...d.d1, status: 'pending', scheduleStatus: '5.1', attempts: 3, lastError: null, route: 'ischedule', nextTry: now + 1, updatedAt: now + 8 });
    assert.deepEqual((await store.write((tx) => tx.claimDueDeliveries(now + 1, 10, 1000))).map(id), [d.d1.id]);
    await store.write((tx) => tx.updateDelivery(d.d2.id, {}, now + 9));
    assert.deepEqual((await store.read((tx) => tx.listDeliveries({ uid: 'u2', ownerId: alice })))[0], { ...d.d2, nextTry: now + 60_010, updatedAt: now + 9 });
    const byStatus = await store.read((tx) => tx.listDeliveries({}));
    const expected = { pending: 0, sent: 0, delivered: 0, failed: 0 };
    for (const r of byStatus) expected[r.status]++;
    assert.deepEqual(await store.read((tx) => tx.countDeliveries()), expected);
    assert.ok(expected.pending > 0);
    await store.close();
    cleanup();
  });

  test(`${name}: quarantine keeps raw bytes exactly; markMessageSeen is true once per Message-ID`, async () => {
    const { store, cleanup } = await setup();
    const q1 = await store.write((tx) => tx.addQuarantine({ receivedAt: now, sender: 'mallory@example.net', recipients: ['alice@example.com', 'bob@example.com'], reason: 'DKIM fails', raw: RAW }));
    const q2 = await store.write((tx) => tx.addQuarantine({ receivedAt: now + 1, sender: '', recipients: [], reason: 'no sender', raw: Buffer.from('From: x\r\n\r\n') }));
    assert.equal(typeof q1.id, 'number');
    assert.deepEqual(q1, { id: q1.id, receivedAt: now, sender: 'mallory@example.net', recipients: ['alice@example.com', 'bob@example.com'], reason: 'DKIM fails', raw: RAW });
    await store.read(async (tx) => {
      const got = await tx.getQuarantine(q1.id);
      assert.ok(got && Buffer.isBuffer(got.raw));
      assert.equal(got.raw.toString('hex'), RAW.toString('hex'));
      assert.deepEqual(got, q1);
      assert.deepEqual(await tx.listQuarantine(), [q1, q2]);
      assert.equal(await tx.getQuarantine(999_999), null);
    });
    const deletions: [number, boolean][] = [[q1.id, true], [q1.id, false], [999_999, false]];
    for (const [qid, expected] of deletions) assert.equal(await store.write((tx) => tx.deleteQuarantine(qid)), expected, String(qid));
    assert.deepEqual(await store.read((tx) => tx.listQuarantine()), [q2]);
    assert.equal(await store.read((tx) => tx.getQuarantine(q1.id)), null);
    const seen: [string, number, boolean][] = [['<a@x>', now, true], ['<a@x>', now + 1, false], ['<b@x>', now, true], ['<A@x>', now, true], ['<b@x>', now + 2, false]];
    for (const [messageId, at, expected] of seen) assert.equal(await store.write((tx) => tx.markMessageSeen(messageId, at)), expected, `${messageId} at ${at}`);
    assert.deepEqual(await store.write(async (tx) => [await tx.markMessageSeen('<c@x>', now), await tx.markMessageSeen('<c@x>', now)]), [true, false]);
    await store.close();
    cleanup();
  });

  test(`${name}: iSchedule keys and peers: domains lower-cased, upserts, lists ordered by domain`, async () => {
    const { store, cleanup } = await setup();
    const keys: IScheduleKeyRow[] = [
      { domain: 'Zeta.EXAMPLE', selector: 's1', privateKeyPem: '-----BEGIN PRIVATE KEY-----\nAAA\n-----END PRIVATE KEY-----\n', publicKeyPem: 'pub-z', createdAt: now },
      { domain: 'alpha.example', selector: 's1', privateKeyPem: 'priv-a', publicKeyPem: 'pub-a', createdAt: now + 1 },
    ];
    await store.write(async (tx) => { for (const k of keys) await tx.putIScheduleKey(k); });
    const zeta: IScheduleKeyRow = { ...keys[0] as IScheduleKeyRow, domain: 'zeta.example' };
    const alpha = keys[1] as IScheduleKeyRow;
    await store.read(async (tx) => {
      assert.deepEqual(await tx.getIScheduleKey('ZETA.example'), zeta);
      assert.deepEqual(await tx.getIScheduleKey('alpha.example'), alpha);
      assert.equal(await tx.getIScheduleKey('beta.example'), null);
      assert.deepEqual(await tx.listIScheduleKeys(), [alpha, zeta]);
    });
    // A new key for a domain replaces it whole, its time included.
    const rotated: IScheduleKeyRow = { domain: 'alpha.example', selector: 's2', privateKeyPem: 'priv-a2', publicKeyPem: 'pub-a2', createdAt: now + 9 };
    await store.write((tx) => tx.putIScheduleKey({ ...rotated, domain: 'ALPHA.example' }));
    assert.deepEqual(await store.read((tx) => tx.listIScheduleKeys()), [rotated, zeta]);

    const peers: ISchedulePeerRow[] = [
      { domain: 'Remote.Example', url: null, publicKeyPem: null, allow: [], createdAt: now },
      { domain: 'b.example', url: 'https://b.example/ischedule', publicKeyPem: 'pinned', allow: ['deliver', 'freebusy', 'rooms'], createdAt: now + 1 },
      { domain: 'a.example', url: null, publicKeyPem: null, allow: ['freebusy'], createdAt: now + 2 },
    ];
    await store.write(async (tx) => { for (const p of peers) await tx.putISchedulePeer(p); });
    const remote: ISchedulePeerRow = { ...peers[0] as ISchedulePeerRow, domain: 'remote.example' };
    await store.read(async (tx) => {
      assert.deepEqual(await tx.getISchedulePeer('REMOTE.example'), remote);
      assert.deepEqual(await tx.getISchedulePeer('b.example'), peers[1]);
      assert.equal(await tx.getISchedulePeer('c.example'), null);
      assert.deepEqual(await tx.listISchedulePeers(), [peers[2], peers[1], remote]);
    });
    // Updating a peer keeps the time it was added.
    await store.write((tx) => tx.putISchedulePeer({ domain: 'a.example', url: 'https://a.example/x', publicKeyPem: 'k', allow: ['deliver', 'rooms'], createdAt: now + 50 }));
    assert.deepEqual(await store.read((tx) => tx.getISchedulePeer('a.example')), { domain: 'a.example', url: 'https://a.example/x', publicKeyPem: 'k', allow: ['deliver', 'rooms'], createdAt: now + 2 });
    const deletions: [string, boolean][] = [['B.EXAMPLE', true], ['b.example', false], ['never.example', false]];
    for (const [domain, expected] of deletions) assert.equal(await store.write((tx) => tx.deleteISchedulePeer(domain)), expected, domain);
    assert.deepEqual((await store.read((tx) => tx.listISchedulePeers())).map((p) => p.domain), ['a.example', 'remote.example']);
    assert.deepEqual((await store.read((tx) => tx.listIScheduleKeys())).map((k) => k.domain), ['alpha.example', 'zeta.example']);
    await store.close();
    cleanup();
  });

  test(`${name}: CIP peers and redirects: lower-cased keys, tls as a boolean, upserts keep createdAt, ordered lists, deletes`, async () => {
    const { store, cleanup } = await setup();
    const peers: CipPeerRow[] = [
      { domain: 'Zulu.Example', passwordHash: '$scrypt$1', password: 'sëcret', host: 'cip.zulu.example:9999', tls: true, createdAt: now },
      { domain: 'alpha.example', passwordHash: '$scrypt$2', password: 'p2', host: null, tls: false, createdAt: now + 1 },
    ];
    await store.write(async (tx) => { for (const p of peers) await tx.putCipPeer(p); });
    const zulu: CipPeerRow = { ...peers[0] as CipPeerRow, domain: 'zulu.example' };
    await store.read(async (tx) => {
      assert.deepEqual(await tx.getCipPeer('ZULU.EXAMPLE'), zulu);
      assert.deepEqual(await tx.getCipPeer('alpha.example'), peers[1]);
      assert.equal(await tx.getCipPeer('other.example'), null);
      assert.deepEqual(await tx.listCipPeers(), [peers[1], zulu]);
    });
    await store.write((tx) => tx.putCipPeer({ domain: 'ALPHA.example', passwordHash: '$scrypt$3', password: 'p3', host: 'h:1', tls: true, createdAt: now + 50 }));
    assert.deepEqual(await store.read((tx) => tx.getCipPeer('alpha.example')), { domain: 'alpha.example', passwordHash: '$scrypt$3', password: 'p3', host: 'h:1', tls: true, createdAt: now + 1 });
    const peerDeletions: [string, boolean][] = [['Zulu.example', true], ['zulu.example', false]];
    for (const [domain, expected] of peerDeletions) assert.equal(await store.write((tx) => tx.deleteCipPeer(domain)), expected, domain);
    assert.deepEqual((await store.read((tx) => tx.listCipPeers())).map((p) => p.domain), ['alpha.example']);

    await store.write(async (tx) => {
      await tx.putCipRedirect({ address: 'Old@Example.com', target: 'New@Elsewhere.EXAMPLE', createdAt: now });
      await tx.putCipRedirect({ address: 'a@example.com', target: 'b@example.com', createdAt: now + 1 });
    });
    await store.read(async (tx) => {
      assert.deepEqual(await tx.getCipRedirect('OLD@example.com'), { address: 'old@example.com', target: 'new@elsewhere.example', createdAt: now });
      assert.equal(await tx.getCipRedirect('new@elsewhere.example'), null);
      assert.deepEqual(await tx.listCipRedirects(), [
        { address: 'a@example.com', target: 'b@example.com', createdAt: now + 1 },
        { address: 'old@example.com', target: 'new@elsewhere.example', createdAt: now },
      ]);
    });
    await store.write((tx) => tx.putCipRedirect({ address: 'old@example.com', target: 'Third@Example.com', createdAt: now + 9 }));
    assert.deepEqual(await store.read((tx) => tx.getCipRedirect('old@example.com')), { address: 'old@example.com', target: 'third@example.com', createdAt: now });
    const redirectDeletions: [string, boolean][] = [['OLD@EXAMPLE.COM', true], ['old@example.com', false], ['none@example.com', false]];
    for (const [address, expected] of redirectDeletions) assert.equal(await store.write((tx) => tx.deleteCipRedirect(address)), expected, address);
    assert.deepEqual(await store.read((tx) => tx.listCipRedirects()), [{ address: 'a@example.com', target: 'b@example.com', createdAt: now + 1 }]);
    await store.close();
    cleanup();
  });

  test(`${name}: free-busy tokens map to their user until revoked; uploads are replaced`, async () => {
    const { store, cleanup } = await setup();
    const alice = await aliceId(store);
    const bob = await addUser(store, 'bob');
    await store.write(async (tx) => {
      await tx.addFreeBusyToken(alice, 'hash-1', now);
      await tx.addFreeBusyToken(alice, 'hash-2', now);
      await tx.addFreeBusyToken(bob, 'hash-3', now);
    });
    const lookups = async (): Promise<(number | null)[]> => store.read(async (tx) => [
      await tx.userForFreeBusyToken('hash-1'), await tx.userForFreeBusyToken('hash-2'), await tx.userForFreeBusyToken('hash-3'), await tx.userForFreeBusyToken('hash-x'),
    ]);
    assert.deepEqual(await lookups(), [alice, alice, bob, null]);
    const revokes: [number, number, (number | null)[]][] = [[alice, 2, [null, null, bob, null]], [alice, 0, [null, null, bob, null]], [bob, 1, [null, null, null, null]]];
    for (const [user, count, after] of revokes) {
      assert.equal(await store.write((tx) => tx.revokeFreeBusyTokens(user)), count);
      assert.deepEqual(await lookups(), after);
    }
    const body1 = 'BEGIN:VCALENDAR\r\nFREEBUSY:20240101T000000Z/PT1H\r\nEND:VCALENDAR\r\n';
    const body2 = 'BEGIN:VCALENDAR\r\nSUMMARY:ünïcode\r\nEND:VCALENDAR\r\n';
    assert.equal(await store.read((tx) => tx.getFreeBusyUpload(alice)), null);
    await store.write((tx) => tx.setFreeBusyUpload(alice, body1, now));
    await store.write((tx) => tx.setFreeBusyUpload(bob, 'bob', now));
    assert.deepEqual(await store.read(async (tx) => [await tx.getFreeBusyUpload(alice), await tx.getFreeBusyUpload(bob)]), [body1, 'bob']);
    await store.write((tx) => tx.setFreeBusyUpload(alice, body2, now + 1));
    assert.deepEqual(await store.read(async (tx) => [await tx.getFreeBusyUpload(alice), await tx.getFreeBusyUpload(bob), await tx.getFreeBusyUpload(999_999)]), [body2, 'bob', null]);
    await store.close();
    cleanup();
  });

  test(`${name}: web sessions: add, get, touch only forwards, list oldest first, expire, delete, gone with their user`, async () => {
    const { store, cleanup } = await setup();
    const alice = await aliceId(store);
    const bob = await addUser(store, 'bob');
    const row = (idHash: string, userId: number, createdAt: number, lastSeenAt: number): WebSessionRow => ({
      idHash, userId, userName: userId === alice ? 'alice' : 'bob', credentialVersion: 3, csrfToken: `csrf-${idHash}`, createdAt, lastSeenAt,
    });
    const s = {
      h1: row('h1', alice, now, now),
      h0: row('h0', alice, now, now + 10),
      old: row('h3', alice, now - 2 * D, now + 300),
      idle: row('h6', alice, now + 1, now + 1),
      bob: row('h4', bob, now + 5, now + 5),
    };
    await store.write(async (tx) => { for (const x of Object.values(s)) await tx.addWebSession(x); });
    await assert.rejects(store.write((tx) => tx.addWebSession(row('h4', alice, now, now))));
    await store.read(async (tx) => {
      assert.deepEqual(await tx.getWebSession('h4'), s.bob);
      assert.equal(await tx.getWebSession('nope'), null);
      assert.deepEqual(await tx.listUserWebSessions(alice), [s.old, s.h0, s.h1, s.idle]);
      assert.deepEqual(await tx.listUserWebSessions(bob), [s.bob]);
    });
    const touches: [number, number][] = [[now + 100, now + 100], [now + 50, now + 100], [now + 100, now + 100]];
    for (const [at, expected] of touches) {
      await store.write((tx) => tx.touchWebSession('h1', at));
      assert.equal((await store.read((tx) => tx.getWebSession('h1')))?.lastSeenAt, expected, `touch at ${at}`);
    }
    await store.write((tx) => tx.touchWebSession('nope', now));
    // Idle since before now+5 (h6; h4 was seen at exactly now+5) or created before now-1d (h3).
    assert.equal(await store.write((tx) => tx.deleteExpiredWebSessions(now + 5, now - D)), 2);
    assert.equal(await store.write((tx) => tx.deleteExpiredWebSessions(now + 5, now - D)), 0);
    assert.deepEqual(await store.read((tx) => tx.listUserWebSessions(alice)), [s.h0, { ...s.h1, lastSeenAt: now + 100 }]);
    const deletions: [string, boolean][] = [['h0', true], ['h0', false], ['nope', false]];
    for (const [idHash, expected] of deletions) assert.equal(await store.write((tx) => tx.deleteWebSession(idHash)), expected, idHash);
    assert.equal(await store.write((tx) => tx.deleteUserWebSessions(alice)), 1);
    assert.equal(await store.write((tx) => tx.deleteUserWebSessions(alice)), 0);
    assert.deepEqual(await store.read(async (tx) => [await tx.listUserWebSessions(alice), await tx.getWebSession('h4')]), [[], s.bob]);
    await store.write((tx) => tx.deleteUser(bob));
    assert.equal(await store.read((tx) => tx.getWebSession('h4')), null);
    await store.close();
    cleanup();
  });

  test(`${name}: prefetched objects read exactly as without the hint, once or twice, missing ones too`, async () => {
    const { store, cal, cleanup } = await setup();
    await store.write(async (tx) => {
      await tx.putObject(cal, put('a.ics', 'alpha'));
      await tx.putObject(cal, put('b.ics', 'beta'));
    });
    const plain = await store.read(async (tx) => [await tx.getObject(cal, 'a.ics'), await tx.getObject(cal, 'b.ics'), await tx.getObject(cal, 'c.ics')]);
    const hinted = await store.read(async (tx) => {
      await tx.prefetchObjects(cal, ['a.ics', 'b.ics', 'c.ics']);
      return [await tx.getObject(cal, 'a.ics'), await tx.getObject(cal, 'b.ics'), await tx.getObject(cal, 'c.ics'), await tx.getObject(cal, 'a.ics')];
    });
    assert.deepEqual(hinted, [...plain, plain[0]]);
    assert.equal(hinted[1]?.content.toString(), 'beta');
    await store.close();
    cleanup();
  });

  test(`${name}: inside a write, the user's bytes used already count that write's own objects`, async () => {
    const { store, cal, cleanup } = await setup();
    await store.write((tx) => tx.putObject(cal, put('a.ics', 'abc')));
    const seen = await store.write(async (tx) => {
      const alice = await tx.getUserByName('alice');
      await tx.putObject(cal, put('b.ics', 'defgh'));
      await tx.deleteObject(cal, 'a.ics', now);
      return [alice?.usedBytes, (await tx.getUserByName('alice'))?.usedBytes, (await tx.getUserById(alice?.id ?? 0))?.usedBytes, await tx.usedBytes(alice?.id ?? 0)];
    });
    assert.deepEqual(seen, [3, 5, 5, 5]);
    assert.equal((await store.read((tx) => tx.getUserByName('alice')))?.usedBytes, 5);
    await store.close();
    cleanup();
  });
}
