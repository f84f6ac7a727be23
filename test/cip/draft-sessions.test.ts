/**
 * The example sessions of draft-ietf-calsch-cip-00 §2 and §3, replayed command by command against
 * the CIP listener. Two servers: "attendees" (jen@yip.com, bob@b.com, mary@xyz.com) and
 * "organizers" (poleary@clearblue.com, poleary@a.com, bill@abc.com), each knowing the other
 * domains as peers. Where our answers differ from the draft's, the comment says why (docs/cip.md).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCipServer, unfold, Wire, type CipServer } from './rig.js';

let attendees: CipServer;
let organizers: CipServer;

before(async () => {
  attendees = await startCipServer({
    hostname: 'b.com', users: { jen: 'jen@yip.com', bob: 'bob@b.com', mary: 'mary@xyz.com' },
    peers: { 'fredsbaking.com': 'fromblotz', 'clearblue.com': 'clearblue-secret', 'a.com': 'PASSWORD_A', 'abc.com': 'aardvark' },
  });
  organizers = await startCipServer({
    hostname: 'a.com', users: { peteo: 'poleary@clearblue.com', pete: 'poleary@a.com', bill: 'bill@abc.com' },
    peers: { 'b.com': 'PASSWORD_B', 'xyz.com': 'xyz-secret', 'yip.com': 'yip-secret' },
  });
});
after(async () => {
  await attendees.stop();
  await organizers.stop();
});

async function session(s: CipServer, login?: [string, string]): Promise<Wire> {
  const w = await Wire.open(s.cip.port);
  assert.match((await w.line()) ?? '', /^OK CIP 1\.0 \S+$/);
  if (login) assert.deepEqual(await w.command(`AUTHENTICATE LOGIN ${login[0]} ${login[1]}`), ['OK 000 LOGIN COMPLETED']);
  return w;
}

const event = (uid: string, organizer: string, people: string[], extra: string[] = []): string => [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Reefknot tests//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:19961101T000000Z', 'SEQUENCE:1',
  'DTSTART:19961126T203000Z', 'DTEND:19961126T213000Z', 'SUMMARY:Meeting', `ORGANIZER:mailto:${organizer}`,
  ...people.map((p) => `ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${p}`), ...extra, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

test('§1.4 greeting and §2.1 AUTHENTICATE LOGIN: a known peer, then a wrong password', async () => {
  const w = await Wire.open(attendees.cip.port);
  assert.equal(await w.line(), 'OK CIP 1.0 b.com');
  assert.deepEqual(await w.command('AUTHENTICATE LOGIN fredsbaking.com fromblotz'), ['OK 000 LOGIN COMPLETED']);
  assert.deepEqual(await w.command('AUTHENTICATE LOGIN clearblue.com foobatz'), ['NO 000 Access denied.']);
  w.close();
});

test('§2.2 SENDEVENT: delivered to jen, not found for the president — partial, OK 003 (the draft: NO 000)', async () => {
  const w = await session(attendees, ['clearblue.com', 'clearblue-secret']);
  const answer = await w.command('SENDEVENT +',
    'DTSTART: 19961231T2000-0500',
    'DTEND: 19970101T0600-0500',
    "DESCRIPTION: New year's eve party in New York. The Big 2000!",
    "ATTENDEE; ROLE=OWNER: Pete O'Leary <poleary@clearblue.com>",
    'ATTENDEE: Bill Clinton <president@whitehouse.gov>',
    'ATTENDEE: Jen Yip <jen@yip.com>',
    'SEQUENCE: 1',
    'UID: 23454321abcdabcd@clearblue.com',
    '.');
  assert.deepEqual(answer, ['* NOTFOUND president@whitehouse.gov', '* TENTATIVE jen@yip.com', 'OK 003 Not all attendees received the event']);
  const copy = unfold(await attendees.copyOf('jen', '23454321abcdabcd@clearblue.com'));
  assert.match(copy, /ORGANIZER:mailto:poleary@clearblue\.com/);
  assert.match(copy, /DTSTART:19970101T010000Z/);
  assert.match(copy, /DTEND:19970101T110000Z/);
  assert.match(copy, /CN=Jen Yip[^\r\n]*mailto:jen@yip\.com/);
  assert.match(copy, /DESCRIPTION:New year's eve party in New York\. The Big 2000!/);
  w.close();
});

test('§2.3 RSVP: the draft\'s example names no UID (NO 001); with the UID it updates the organizer\'s copy', async () => {
  const uid = '23454321abcdabcd@clearblue.com';
  const put = await organizers.request('PUT', '/calendars/peteo/calendar/party.ics', 'peteo', event(uid, 'poleary@clearblue.com', ['president@whitehouse.gov', 'jen@yip.com']));
  assert.equal(put.status, 201, put.text);
  const w = await session(organizers, ['yip.com', 'yip-secret']);
  const rsvp = ['DTSTART: 19961231T2000-0500', 'DTEND: 19970101T0600-0500', "DESCRIPTION: New year's eve party in New York. The Big 2000!>", 'ATTENDEE; STATUS=ACCEPTED: Jen Yip <jen@yip.com>'];
  assert.deepEqual(await w.command('RSVP +', ...rsvp, '.'), ['NO 001 no UID']);
  assert.deepEqual(await w.command('RSVP +', ...rsvp, `UID: ${uid}`, '.'), ['* CONFIRMED jen@yip.com', 'OK 000 RSVP COMPLETED']);
  assert.match(unfold(await organizers.copyOf('peteo', uid)), /PARTSTAT=ACCEPTED[^\r\n]*mailto:jen@yip\.com/);
  w.close();
});

test('§3 a.com invites Bob at b.com, then b.com carries Bob\'s acceptance to a.com', async () => {
  const uid = 'unique identifier for event';
  const w = await session(attendees, ['a.com', 'PASSWORD_A']);
  // The draft's placeholders ("start date and time") are replaced by real times.
  assert.deepEqual(await w.command('SENDEVENT+', `UID: ${uid}`, 'SEQUENCE: 1', 'DTSTART: 19961210T1500-0500', 'DTEND: 19961210T1600-0500',
    'DESCRIPTION: Project X review meeting', "ATTENDEE; ROLE=OWNER: Pete O'Leary <poleary@a.com>", 'ATTENDEE: Alex SystemA <alex@a.com>',
    'ATTENDEE: Bob SystemB <bob@b.com>', '.'), ['* TENTATIVE bob@b.com', 'OK 000 SENDEVENT COMPLETED']);
  w.close();
  assert.match(unfold(await attendees.copyOf('bob', uid)), /ORGANIZER[^\r\n]*:mailto:poleary@a\.com/);

  assert.equal((await organizers.request('PUT', '/calendars/pete/calendar/review.ics', 'pete', event(uid, 'poleary@a.com', ['alex@a.com', 'bob@b.com']))).status, 201);
  const back = await session(organizers, ['b.com', 'PASSWORD_B']);
  // "UID unique identifier of event": the draft writes this line without a colon; we read it.
  const answer = await back.command('RSVP+', `UID ${uid}`, 'SEQUENCE: 1', 'RESPONSE-SEQUENCE: 1', 'ATTENDEE: Bob SystemB <bob@b.com>', 'STATUS:  CONFIRMED', '.');
  assert.deepEqual(answer, ['* CONFIRMED bob@b.com', 'OK 000 RSVP COMPLETED']);
  assert.match(unfold(await organizers.copyOf('pete', uid)), /PARTSTAT=ACCEPTED[^\r\n]*mailto:bob@b\.com/);
  back.close();
});

const bills = (uidFirst: boolean): string[] => {
  const head = ['CATEGORIES: Meeting', 'DTSTART: 19961126T1530-0500', 'DTEND:  19961126T1630-0500', 'SUBJECT: Important Meeting',
    'DESCRIPTION: We need to talk about important stuff.', 'CLASS: Private'];
  const ids = ['UID: 0289AF8G7DD@abc.com', 'SEQUENCE: 1'];
  return [...(uidFirst ? [...ids, ...head] : [...head, ...ids]), 'ATTENDEE;ROLE=OWNER;STATUS=CONFIRMED:bill@abc.com', 'ATTENDEE;ROLE=ATTENDEE;STATUS=TENTATIVE:mary@xyz.com', '.'];
};

test('§3 Bill\'s meeting: anonymous SENDEVENT refused (PERMDENIED, NO 002), a bad login, then the retry succeeds', async () => {
  const w = await session(attendees);
  assert.deepEqual(await w.command('SENDEVENT +', ...bills(false)), ['* PERMDENIED bill@abc.com', 'NO 002 Authenticate first']);
  // The draft logs in as the user "bill"; a CIP identity here is the peer's domain.
  assert.deepEqual(await w.command('AUTHENTICATE LOGIN bill aardvark'), ['NO 000 Access denied.']);
  assert.deepEqual(await w.command('AUTHENTICATE LOGIN abc.com aardvark'), ['OK 000 LOGIN COMPLETED']);
  assert.deepEqual(await w.command('SENDEVENT +', ...bills(false)), ['* TENTATIVE mary@xyz.com', 'OK 000 SENDEVENT COMPLETED']);
  // The draft's third session sends the same event again (UID first): stored again, nothing new. The
  // draft also answers "* NOTFOUND bill@abc.com": we never report on the sending peer's own users.
  assert.deepEqual(await w.command('SENDEVENT +', ...bills(true)), ['* TENTATIVE mary@xyz.com', 'OK 000 SENDEVENT COMPLETED']);
  const copy = unfold(await attendees.copyOf('mary', '0289AF8G7DD@abc.com'));
  assert.match(copy, /SUMMARY:Important Meeting/);
  assert.match(copy, /CLASS:PRIVATE/);
  assert.match(copy, /CATEGORIES:Meeting/);
  assert.match(copy, /DTSTART:19961126T203000Z/);
  assert.match(copy, /PARTSTAT=ACCEPTED[^\r\n]*mailto:bill@abc\.com/);
  assert.match(copy, /PARTSTAT=TENTATIVE[^\r\n]*mailto:mary@xyz\.com/);
  w.close();
});

test('§3 Mary\'s RSVP: refused without authentication (the draft accepts it), confirmed after LOGIN', async () => {
  const uid = '0289AF8G7DD@abc.com';
  const put = await organizers.request('PUT', '/calendars/bill/calendar/meeting.ics', 'bill', event(uid, 'bill@abc.com', ['mary@xyz.com'], ['ATTENDEE;PARTSTAT=ACCEPTED:mailto:bill@abc.com']));
  assert.equal(put.status, 201, put.text);
  const w = await session(organizers);
  // The draft's example never sends the closing "."; we do.
  const rsvp = ['RSVP +', `UID: ${uid}`, 'SEQUENCE: 1', 'ATTENDEE;ROLE=ATTENDEE;STATUS=CONFIRMED:mary@xyz.com', '.'];
  assert.deepEqual(await w.command(...rsvp), ['* PERMDENIED mary@xyz.com', 'NO 002 Authenticate first']);
  assert.deepEqual(await w.command('AUTHENTICATE LOGIN xyz.com xyz-secret'), ['OK 000 LOGIN COMPLETED']);
  const answer = await w.command(...rsvp);
  assert.equal(answer.at(-1), 'OK 000 RSVP COMPLETED');
  assert.deepEqual(answer.slice(0, -1).sort(), ['* CONFIRMED bill@abc.com', '* CONFIRMED mary@xyz.com']);
  assert.match(unfold(await organizers.copyOf('bill', uid)), /PARTSTAT=ACCEPTED[^\r\n]*mailto:mary@xyz\.com/);
  w.close();
});
