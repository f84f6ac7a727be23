/**
 * One Reefknot sends to another's CIP listener through the delivery queue: foo.example finds
 * bar.example by DNS SRV `_cip._tcp.bar.example` (dnsmasq on loopback), bar.example reaches foo by
 * its configured --host. Invitation, acceptance and cancellation; an unknown attendee (3.7); an
 * unreachable peer is retried, not failed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { freePort, startDnsmasq } from '../ischedule/two-servers.js';
import { startCipServer, unfold, type CipServer } from './rig.js';

let foo: CipServer;
let bar: CipServer;
let dns: ChildProcess;

before(async () => {
  const dnsPort = await freePort();
  const flags = { dnsServer: `127.0.0.1:${dnsPort}` };
  foo = await startCipServer({ users: { alice: 'alice@foo.example' }, flags, hostname: 'foo.example' });
  bar = await startCipServer({ users: { bob: 'bob@bar.example' }, flags, hostname: 'bar.example' });
  await foo.peers.addPeer('bar.example', { password: 'shared-secret' });
  await bar.peers.addPeer('foo.example', { password: 'shared-secret', host: `127.0.0.1:${foo.cip.port}` });
  const closed = await freePort();
  await foo.peers.addPeer('baz.example', { password: 'other-secret', host: `127.0.0.1:${closed}` });
  dns = await startDnsmasq(dnsPort, [`--srv-host=_cip._tcp.bar.example,cal.bar.example,${bar.cip.port}`, '--address=/cal.bar.example/127.0.0.1']);
});
after(async () => {
  dns.kill('SIGTERM');
  await foo.stop();
  await bar.stop();
});

const meeting = (uid: string, attendees: string[]): string => [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Reefknot tests//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z',
  'DTSTART:20270310T100000Z', 'DTEND:20270310T110000Z', 'SUMMARY:Über CIP', 'DESCRIPTION:Two lines\\nof agenda', 'ORGANIZER;CN=Alice:mailto:alice@foo.example',
  'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@foo.example', ...attendees.map((a) => `ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:${a}`), 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

const deliveries = (s: CipServer, uid: string) => s.app.store.read((tx) => tx.listDeliveries({ uid }));

test('invite, accept and cancel travel over CIP through both delivery queues', async () => {
  const uid = `cip-${randomUUID()}`;
  assert.equal((await foo.request('PUT', `/calendars/alice/calendar/${uid}.ics`, 'alice', meeting(uid, ['bob@bar.example']))).status, 201);
  assert.match(unfold(await foo.copyOf('alice', uid)), /SCHEDULE-STATUS=1\.0[^\r\n]*mailto:bob@bar\.example/);
  assert.equal(await foo.app.worker.runOnce(), 1);
  const sent = await deliveries(foo, uid);
  assert.equal(sent[0]?.route, 'cip', sent[0]?.lastError ?? '');
  assert.equal(sent[0]?.status, 'delivered');
  assert.match(unfold(await foo.copyOf('alice', uid)), /SCHEDULE-STATUS=1\.2[^\r\n]*mailto:bob@bar\.example/);
  const bobs = unfold(await bar.copyOf('bob', uid));
  assert.match(bobs, /SUMMARY:Über CIP/);
  assert.match(bobs, /DESCRIPTION:Two lines\\nof agenda/);
  assert.match(bobs, /ORGANIZER[^\r\n]*mailto:alice@foo\.example/);
  assert.match(bobs, /PARTSTAT=NEEDS-ACTION[^\r\n]*mailto:bob@bar\.example/);

  const accepted = bobs.replace(/ATTENDEE;[^\r\n]*mailto:bob@bar\.example/, 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@bar.example');
  const where = await bar.app.store.read(async (tx) => {
    const u = await tx.getUserByName('bob');
    return (u ? await tx.findObjectsByUidForOwner(u.id, uid) : []).find((n) => n.collection.kind === 'calendar');
  });
  assert.ok(where);
  const put = await bar.request('PUT', `${where.collection.path}${where.object.name}`, 'bob', accepted);
  assert.ok(put.status === 201 || put.status === 204, put.text);
  assert.equal(await bar.app.worker.runOnce(), 1);
  assert.equal((await deliveries(bar, uid))[0]?.status, 'delivered', (await deliveries(bar, uid))[0]?.lastError ?? '');
  assert.match(unfold(await foo.copyOf('alice', uid)), /PARTSTAT=ACCEPTED[^\r\n]*mailto:bob@bar\.example/);

  assert.equal((await foo.request('DELETE', `/calendars/alice/calendar/${uid}.ics`, 'alice')).status, 204);
  assert.equal(await foo.app.worker.runOnce(), 1);
  assert.match(unfold(await bar.copyOf('bob', uid)), /STATUS:CANCELLED/);
});

test('an attendee the peer does not know ends 3.7; an unreachable peer is retried later', async () => {
  const uid = `cip-${randomUUID()}`;
  assert.equal((await foo.request('PUT', `/calendars/alice/calendar/${uid}.ics`, 'alice', meeting(uid, ['nobody@bar.example', 'carol@baz.example']))).status, 201);
  assert.equal(await foo.app.worker.runOnce(), 2);
  const rows = await deliveries(foo, uid);
  const nobody = rows.find((r) => r.recipient === 'mailto:nobody@bar.example');
  const carol = rows.find((r) => r.recipient === 'mailto:carol@baz.example');
  assert.equal(nobody?.status, 'failed');
  assert.equal(nobody?.scheduleStatus, '3.7');
  assert.equal(carol?.status, 'pending');
  assert.equal(carol?.attempts, 1);
  assert.match(carol?.lastError ?? '', /ECONNREFUSED|closed/);
  assert.ok((carol?.nextTry ?? 0) > Date.now(), 'retried with backoff');
  assert.match(unfold(await foo.copyOf('alice', uid)), /SCHEDULE-STATUS=3\.7[^\r\n]*mailto:nobody@bar\.example/);
});
