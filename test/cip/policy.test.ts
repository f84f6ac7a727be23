/**
 * Our choices where the draft is silent (docs/cip.md): REDIRECT for identifiers that moved,
 * FREEBUSY's data, own-domain rules, and what counts as partial delivery.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCipServer, unfold, Wire, type CipServer } from './rig.js';

let s: CipServer;
before(async () => {
  s = await startCipServer({ users: { jen: 'jen@yip.com', bob: 'bob@b.com' }, peers: { 'clearblue.com': 'clearblue-secret' } });
  await s.peers.addRedirect('jyip@yip.com', 'jen@yip.com');
});
after(async () => {
  await s.stop();
});

async function loggedIn(): Promise<Wire> {
  const w = await Wire.open(s.cip.port);
  await w.line();
  assert.deepEqual(await w.command('AUTHENTICATE LOGIN clearblue.com clearblue-secret'), ['OK 000 LOGIN COMPLETED']);
  return w;
}

const invite = (uid: string, owner: string, people: string[]): string[] => ['SENDEVENT +', `UID: ${uid}`, 'SEQUENCE: 0', 'DTSTART: 19970101T010000Z',
  'DTEND: 19970101T110000Z', 'SUMMARY: Party', `ATTENDEE;ROLE=OWNER: <${owner}>`, ...people.map((p) => `ATTENDEE: <${p}>`), '.'];

test('REDIRECT USER for a moved identifier counts as not delivered (OK 003); resent to the new one, OK 000', async () => {
  const w = await loggedIn();
  assert.deepEqual(await w.command(...invite('r1@clearblue.com', 'poleary@clearblue.com', ['jyip@yip.com', 'bob@b.com'])),
    ['* REDIRECT USER jyip@yip.com IS NOW jen@yip.com', '* TENTATIVE bob@b.com', 'OK 003 Not all attendees received the event']);
  assert.equal(await s.copyOf('jen', 'r1@clearblue.com'), null);
  assert.deepEqual(await w.command(...invite('r1@clearblue.com', 'poleary@clearblue.com', ['jen@yip.com', 'bob@b.com'])),
    ['* TENTATIVE jen@yip.com', '* TENTATIVE bob@b.com', 'OK 000 SENDEVENT COMPLETED']);
  w.close();
});

test('nobody delivered is NO 000; an event organized outside the peer\'s domain is PERMDENIED, NO 002', async () => {
  const w = await loggedIn();
  assert.deepEqual(await w.command(...invite('n1@clearblue.com', 'poleary@clearblue.com', ['nobody@yip.com'])), ['* NOTFOUND nobody@yip.com', 'NO 000 No attendee received the event']);
  assert.deepEqual(await w.command(...invite('n2@evil.example', 'mallory@evil.example', ['jen@yip.com'])), ['* PERMDENIED mallory@evil.example', 'NO 002 Only events organized in your own domain']);
  assert.deepEqual(await w.command(...invite('n3@clearblue.com', 'bob@b.com', ['jen@yip.com'])), ['* PERMDENIED bob@b.com', 'NO 002 Only events organized in your own domain']);
  assert.deepEqual(await w.command('RSVP +', 'UID: r1@clearblue.com', 'ATTENDEE;STATUS=CONFIRMED: <jen@yip.com>', '.'), ['* PERMDENIED jen@yip.com', 'NO 002 Only answers for addresses in your own domain']);
  w.close();
});

test('STATUS maps to PARTSTAT; X-CIP-RECIPIENT narrows the delivery; a repeated X-CIP-MESSAGE-ID is applied once', async () => {
  const w = await loggedIn();
  const data = ['SENDEVENT +', 'UID: m1@clearblue.com', 'DTSTART: 19970301T100000Z', 'DTEND: 19970301T110000Z', 'ATTENDEE;ROLE=OWNER: <poleary@clearblue.com>',
    'ATTENDEE;STATUS=DECLINED: <jen@yip.com>', 'ATTENDEE;STATUS=CONFIRMED: <bob@b.com>', 'X-CIP-RECIPIENT: bob@b.com', 'X-CIP-MESSAGE-ID: abc-1', '.'];
  assert.deepEqual(await w.command(...data), ['* TENTATIVE bob@b.com', 'OK 000 SENDEVENT COMPLETED']);
  assert.equal(await s.copyOf('jen', 'm1@clearblue.com'), null);
  const copy = unfold(await s.copyOf('bob', 'm1@clearblue.com'));
  assert.match(copy, /PARTSTAT=DECLINED[^\r\n]*mailto:jen@yip\.com/);
  assert.match(copy, /PARTSTAT=ACCEPTED[^\r\n]*mailto:bob@b\.com/);
  assert.deepEqual(await w.command(...data), ['OK 000 Already received']);
  w.close();
});

test('FREEBUSY: "+", the busy periods per user, ".", then NOTFOUND / REDIRECT and the completion', async () => {
  const anon = await Wire.open(s.cip.port);
  await anon.line();
  assert.deepEqual(await anon.command('FREEBUSY +', 'DTSTART: 19961231T000000Z', 'DTEND: 19970102T000000Z', 'ATTENDEE: jen@yip.com', '.'), ['NO 002 Authenticate first']);
  anon.close();
  const w = await loggedIn();
  const answer = await w.command('FREEBUSY +', 'DTSTART: 19961231T000000Z', 'DTEND: 19970102T000000Z', 'ATTENDEE: jen@yip.com', 'ATTENDEE: nobody@yip.com', 'ATTENDEE: jyip@yip.com', '.');
  assert.deepEqual(answer, ['+', 'DTSTART: 19961231T000000Z', 'DTEND: 19970102T000000Z', 'ATTENDEE: jen@yip.com', 'FREEBUSY;FBTYPE=BUSY-TENTATIVE: 19970101T010000Z/19970101T110000Z', '.',
    '* NOTFOUND nobody@yip.com', '* REDIRECT USER jyip@yip.com IS NOW jen@yip.com', 'OK 003 FREEBUSY COMPLETED']);
  assert.deepEqual(await w.command('FREEBUSY +', 'DTSTART: 19970102T000000Z', 'DTEND: 19961231T000000Z', 'ATTENDEE: jen@yip.com', '.'), ['NO 001 Bad or too long a time range']);
  w.close();
});

test('quoted-printable UTF-8 values and folded lines are read; dot-stuffed lines are unstuffed', async () => {
  const w = await loggedIn();
  assert.deepEqual(await w.command('SENDEVENT +', 'UID: q1@clearblue.com', 'DTSTART: 19970401T100000Z', 'SUMMARY;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Caf=C3=A9 =',
    'na=C3=AFve', 'DESCRIPTION: first part', ' and the rest', '..hidden line', 'ATTENDEE;ROLE=OWNER: <poleary@clearblue.com>', 'ATTENDEE: <bob@b.com>', '.').then((a) => a.at(-1)), 'NO 001 not a property line: .hidden line');
  assert.deepEqual(await w.command('SENDEVENT +', 'UID: q1@clearblue.com', 'DTSTART: 19970401T100000Z', 'SUMMARY;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Caf=C3=A9 =',
    'na=C3=AFve', 'DESCRIPTION: first part', ' and the rest', 'ATTENDEE;ROLE=OWNER: <poleary@clearblue.com>', 'ATTENDEE: <bob@b.com>', '.'), ['* TENTATIVE bob@b.com', 'OK 000 SENDEVENT COMPLETED']);
  const copy = unfold(await s.copyOf('bob', 'q1@clearblue.com'));
  assert.match(copy, /SUMMARY:Café naïve/);
  assert.match(copy, /DESCRIPTION:first partand the rest/);
  w.close();
});
