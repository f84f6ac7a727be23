/**
 * iSchedule between two servers on 127.0.0.1, DNS answered by dnsmasq on loopback: invite, reply,
 * cancel and free-busy delivered in real time; bad, expired, replayed and refused requests.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { signRequest } from '../../src/protocols/ischedule/dkim.js';
import { startRig, type Rig, type Side } from './two-servers.js';

let rig: Rig;
before(async () => {
  rig = await startRig();
});
after(async () => {
  await rig.stop();
});

const meeting = (uid: string, attendees: string[], extra = ''): string => [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Reefknot tests//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z',
  'DTSTART:20270310T100000Z', 'DTEND:20270310T110000Z', 'SUMMARY:Cross-server meeting', 'ORGANIZER:mailto:alice@foo.example',
  'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@foo.example', ...attendees.map((a) => `ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:${a}`), extra, 'END:VEVENT', 'END:VCALENDAR', '',
].filter((l, i, all) => l !== '' || i === all.length - 1).join('\r\n');

async function copyOf(s: Side, user: string, uid: string): Promise<string | null> {
  return s.app.store.read(async (tx) => {
    const u = await tx.getUserByName(user);
    for (const { collection, object } of u ? await tx.findObjectsByUidForOwner(u.id, uid) : []) {
      if (collection.kind === 'calendar') return (await tx.getObject(collection.id, object.name))?.content.toString('utf8') ?? null;
    }
    return null;
  });
}

const inboxCount = (s: Side, user: string): Promise<number> => s.app.store.read(async (tx) => {
  const inbox = await tx.getCollection(`/calendars/${user}/inbox/`);
  return inbox ? (await tx.listObjects(inbox.id)).length : -1;
});

const unfold = (t: string | null): string => (t ?? '').replace(/\r?\n[ \t]/g, '');

test('capabilities are published at /.well-known/ischedule', async () => {
  const r = await rig.bar.request('GET', '/.well-known/ischedule?action=capabilities', null);
  assert.equal(r.status, 200);
  assert.match(r.text, /query-result/);
  assert.match(r.text, /<[^>]*version>1\.0</);
  assert.match(r.text, /name="VFREEBUSY"/);
});

test('invite, reply and cancel reach the other server during the request', async () => {
  const uid = `x-${randomUUID()}`;
  const put = await rig.foo.request('PUT', `/calendars/alice/calendar/${uid}.ics`, 'alice', meeting(uid, ['bob@bar.example']), { 'content-type': 'text/calendar' });
  assert.equal(put.status, 201, put.text);
  assert.match(unfold(await copyOf(rig.foo, 'alice', uid)), /SCHEDULE-STATUS=1\.2[^\r\n]*mailto:bob@bar\.example/);
  const bobs = await copyOf(rig.bar, 'bob', uid);
  assert.ok(bobs, "bob's copy was made on bar at once");
  assert.match(unfold(bobs), /PARTSTAT=NEEDS-ACTION[^\r\n]*mailto:bob@bar\.example/);

  const accepted = unfold(bobs).replace(/ATTENDEE;[^\r\n]*mailto:bob@bar\.example/, 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@bar.example');
  const names = await rig.bar.app.store.read(async (tx) => {
    const u = await tx.getUserByName('bob');
    return u ? tx.findObjectsByUidForOwner(u.id, uid) : [];
  });
  const where = names.find((n) => n.collection.kind === 'calendar');
  assert.ok(where);
  const reply = await rig.bar.request('PUT', `${where.collection.path}${where.object.name}`, 'bob', accepted, { 'content-type': 'text/calendar' });
  assert.ok(reply.status === 204 || reply.status === 201, reply.text);
  assert.match(unfold(await copyOf(rig.foo, 'alice', uid)), /PARTSTAT=ACCEPTED[^\r\n]*mailto:bob@bar\.example/);

  const del = await rig.foo.request('DELETE', `/calendars/alice/calendar/${uid}.ics`, 'alice');
  assert.equal(del.status, 204);
  assert.match(unfold(await copyOf(rig.bar, 'bob', uid)), /STATUS:CANCELLED/);
});

test('free-busy of a remote attendee comes back within the outbox POST', async () => {
  const uid = `fb-${randomUUID()}`;
  await rig.bar.request('PUT', `/calendars/bob/calendar/${uid}.ics`, 'bob', meeting(uid, []).replace(/ORGANIZER[^\r\n]*\r\n|ATTENDEE[^\r\n]*\r\n/g, ''), { 'content-type': 'text/calendar' });
  const query = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Reefknot tests//EN', 'METHOD:REQUEST', 'BEGIN:VFREEBUSY', `UID:${uid}-q`, 'DTSTAMP:20260101T000000Z',
    'DTSTART:20270310T000000Z', 'DTEND:20270311T000000Z', 'ORGANIZER:mailto:alice@foo.example', 'ATTENDEE:mailto:bob@bar.example', 'ATTENDEE:mailto:nobody@bar.example',
    'END:VFREEBUSY', 'END:VCALENDAR', ''].join('\r\n');
  const r = await rig.foo.request('POST', '/calendars/alice/outbox/', 'alice', query, { 'content-type': 'text/calendar' });
  assert.equal(r.status, 200, r.text);
  assert.match(r.text, /2\.0;Success/);
  assert.match(r.text, /FREEBUSY:20270310T100000Z\/PT1H/);
  assert.match(r.text, /nobody@bar\.example[\s\S]*?3\.7/);
});

test('a room on bar refuses foo, whose policy does not include rooms (3.8)', async () => {
  const uid = `room-${randomUUID()}`;
  const before = await inboxCount(rig.bar, 'room1');
  const put = await rig.foo.request('PUT', `/calendars/alice/calendar/${uid}.ics`, 'alice', meeting(uid, ['room1@bar.example']), { 'content-type': 'text/calendar' });
  assert.equal(put.status, 201, put.text);
  assert.match(unfold(await copyOf(rig.foo, 'alice', uid)), /SCHEDULE-STATUS=3\.8[^\r\n]*mailto:room1@bar\.example/);
  assert.equal(await inboxCount(rig.bar, 'room1'), before);
});

/** A request to bar signed with foo's key, as foo's transport makes it, with optional mischief. */
async function rawPost(o: { now?: number; messageId?: string; tamper?: boolean; originator?: string; domain?: string } = {}): Promise<{ status: number; text: string }> {
  const key = await rig.foo.app.ischedule.peers.key('foo.example');
  assert.ok(key);
  const uid = `raw-${randomUUID()}`;
  const body = Buffer.from(meeting(uid, ['bob@bar.example']).replace('VERSION:2.0', 'VERSION:2.0\r\nMETHOD:REQUEST'));
  const headers: Record<string, string> = {
    Originator: `mailto:${o.originator ?? 'alice@foo.example'}`, Recipient: 'mailto:bob@bar.example', 'Content-Type': 'text/calendar; component=VEVENT; method=REQUEST',
    'iSchedule-Version': '1.0', 'iSchedule-Message-ID': o.messageId ?? randomUUID(),
  };
  headers['DKIM-Signature'] = signRequest({ method: 'POST', path: '/.well-known/ischedule', headers, body, domain: o.domain ?? 'foo.example', selector: key.selector, privateKeyPem: key.privateKeyPem, now: o.now ?? Date.now() });
  const sent = o.tamper ? Buffer.from(body.toString().replace('Cross-server meeting', 'Forged meeting')) : body;
  const res = await fetch(`${rig.bar.url}/.well-known/ischedule`, { method: 'POST', headers, body: sent });
  return { status: res.status, text: await res.text() };
}

test('bad, expired, replayed and refused requests are rejected and change nothing', async () => {
  const before = await inboxCount(rig.bar, 'bob');
  const bad = await rawPost({ tamper: true });
  assert.equal(bad.status, 403);
  assert.match(bad.text, /verification-failed/);
  const expired = await rawPost({ now: Date.now() - 3_600_000 });
  assert.equal(expired.status, 403);
  assert.match(expired.text, /verification-failed/);
  const wrongDomain = await rawPost({ domain: 'baz.example', originator: 'mallory@baz.example' });
  assert.equal(wrongDomain.status, 403, 'baz.example publishes no key');
  const id = randomUUID();
  const first = await rawPost({ messageId: id });
  assert.equal(first.status, 200, first.text);
  assert.match(first.text, /2\.0;Success/);
  const delivered = await inboxCount(rig.bar, 'bob');
  assert.equal(delivered, before + 1);
  const replay = await rawPost({ messageId: id });
  assert.equal(replay.status, 409);
  assert.equal(await inboxCount(rig.bar, 'bob'), delivered);

  await rig.bar.app.ischedule.peers.addPeer('foo.example', { allow: ['freebusy'] });
  try {
    const refused = await rawPost();
    assert.equal(refused.status, 200);
    assert.match(refused.text, /3\.8;/);
    assert.equal(await inboxCount(rig.bar, 'bob'), delivered);
  } finally {
    await rig.bar.app.ischedule.peers.addPeer('foo.example', { allow: ['deliver', 'freebusy'] });
  }
});
