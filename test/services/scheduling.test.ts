/**
 * Scheduling on one server end to end over HTTP (RFC 6638 with the iTIP engine): every party's
 * stored objects and inbox are checked after each step.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { passwordOf, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
const T = { 'content-type': 'text/calendar' };
before(async () => {
  s = await startTestServer({ users: ['alice', 'bob', 'carol', 'dave', 'cio', 'secretary'] });
  await s.app.users.create('room1', { addresses: ['room1@example.com'], password: passwordOf('room1'), type: 'room' });
});
after(() => s.stop());

const cal = (body: string): string => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n${body}END:VCALENDAR\r\n`;
const meeting = (uid: string, attendees: string[], extra = '', start = '20270110T100000Z', organizer = 'alice'): string =>
  cal(`BEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:${start}\r\nDURATION:PT1H\r\nSUMMARY:Meeting ${uid}\r\n${extra}ORGANIZER:mailto:${organizer}@example.com\r\n` +
    `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${organizer}@example.com\r\n${attendees.map((a) => `ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:${a}@example.com\r\n`).join('')}END:VEVENT\r\n`);
const put = (user: string, path: string, body: string, headers: Record<string, string> = {}) => s.request('PUT', path, { user, body, headers: { ...T, ...headers } });

/** The user's copy of `uid` anywhere in their calendars, via calendar-query by UID. */
async function copyOf(user: string, uid: string, calendar = 'calendar'): Promise<{ href: string; text: string } | null> {
  const res = await s.request('REPORT', `/calendars/${user}/${calendar}/`, { user, headers: { depth: '1' },
    body: `<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VTODO"/></c:comp-filter></c:filter></c:calendar-query>`.replace('VTODO', calendar === 'tasks' ? 'VTODO' : 'VEVENT') });
  for (const m of res.text.matchAll(/<d:href>([^<]+)<\/d:href><d:propstat><d:prop><cal:calendar-data>([\s\S]*?)<\/cal:calendar-data>/g)) {
    const text = (m[2] ?? '').replace(/&#13;/g, '\r').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    if (text.replace(/\r\n[ \t]/g, '').includes(`UID:${uid}`)) return { href: m[1] ?? '', text: text.replace(/\r\n[ \t]/g, '') };
  }
  return null;
}

async function inbox(user: string): Promise<string[]> {
  const res = await s.request('REPORT', `/calendars/${user}/inbox/`, { user, headers: { depth: '1' },
    body: '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"/></c:filter></c:calendar-query>' });
  return [...res.text.matchAll(/<cal:calendar-data>([\s\S]*?)<\/cal:calendar-data>/g)].map((m) => (m[1] ?? '').replace(/&#13;/g, '').replace(/\n[ \t]/g, ''));
}
const inboxHas = async (user: string, method: string, uid: string): Promise<boolean> =>
  (await inbox(user)).some((t) => t.includes(`METHOD:${method}`) && t.includes(`UID:${uid}`));
const partstat = (text: string, who: string): string | undefined => new RegExp(`^ATTENDEE[^\\n]*PARTSTAT=([A-Z-]+)[^\\n]*:mailto:${who}@example.com\\r?$`, 'im').exec(text)?.[1];
const answer = (text: string, who: string, value: string): string =>
  text.replace(new RegExp(`^(ATTENDEE[^\\n]*)PARTSTAT=[A-Z-]+([^\\n]*:mailto:${who}@example.com\\r?)$`, 'im'), `$1PARTSTAT=${value}$2`);

test('principals and OPTIONS advertise scheduling', async () => {
  const opts = await s.request('OPTIONS', '/calendars/alice/calendar/');
  assert.match(opts.headers.get('dav') ?? '', /calendar-auto-schedule/);
  const p = await s.request('PROPFIND', '/principals/users/alice/', { headers: { depth: '0' },
    body: '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:schedule-inbox-URL/><c:schedule-outbox-URL/><c:calendar-user-type/></d:prop></d:propfind>' });
  assert.match(p.text, /<cal:schedule-inbox-URL><d:href>\/calendars\/alice\/inbox\/<\/d:href>/);
  assert.match(p.text, /<cal:schedule-outbox-URL><d:href>\/calendars\/alice\/outbox\/<\/d:href>/);
  const room = await s.request('PROPFIND', '/principals/users/room1/', { headers: { depth: '0' }, body: '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-user-type/></d:prop></d:propfind>' });
  assert.match(room.text, /<cal:calendar-user-type>ROOM</);
  const inboxProps = await s.request('PROPFIND', '/calendars/alice/inbox/', { headers: { depth: '0' }, body: '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:resourcetype/><c:schedule-default-calendar-URL/></d:prop></d:propfind>' });
  assert.match(inboxProps.text, /<cal:schedule-inbox\/>/);
  assert.match(inboxProps.text, /<cal:schedule-default-calendar-URL><d:href>\/calendars\/alice\/calendar\/<\/d:href>/);
});

test('invite, accept, decline, tentative; the organizer sees every answer', async () => {
  const res = await put('alice', '/calendars/alice/calendar/m1.ics', meeting('m1', ['bob', 'carol', 'dave']));
  assert.equal(res.status, 201);
  assert.ok(res.headers.get('schedule-tag'), 'a scheduling object has a Schedule-Tag');
  assert.equal(res.headers.get('etag'), null, 'the server changed the data, so no ETag');
  const organizerCopy = await s.request('GET', '/calendars/alice/calendar/m1.ics');
  assert.match(organizerCopy.text.replace(/\r\n /g, ''), /SCHEDULE-STATUS=1\.2[^\n]*mailto:bob@example.com/);
  for (const u of ['bob', 'carol', 'dave']) {
    assert.ok(await inboxHas(u, 'REQUEST', 'm1'), `${u} has the invitation in the inbox`);
    assert.equal(partstat((await copyOf(u, 'm1'))?.text ?? '', u), 'NEEDS-ACTION', `${u} has a copy waiting for an answer`);
  }
  const tag = organizerCopy.headers.get('schedule-tag');
  for (const [u, value] of [['bob', 'ACCEPTED'], ['carol', 'DECLINED'], ['dave', 'TENTATIVE']] as const) {
    const copy = await copyOf(u, 'm1');
    assert.ok(copy);
    assert.ok([201, 204].includes((await put(u, copy.href, answer(copy.text, u, value))).status));
  }
  const after = await s.request('GET', '/calendars/alice/calendar/m1.ics');
  assert.equal(partstat(after.text.replace(/\r\n /g, ''), 'bob'), 'ACCEPTED');
  assert.equal(partstat(after.text.replace(/\r\n /g, ''), 'carol'), 'DECLINED');
  assert.equal(partstat(after.text.replace(/\r\n /g, ''), 'dave'), 'TENTATIVE');
  assert.equal(after.headers.get('schedule-tag'), tag, 'replies change the ETag, not the Schedule-Tag');
  assert.ok(await inboxHas('alice', 'REPLY', 'm1'));
  const stale = await put('alice', '/calendars/alice/calendar/m1.ics', after.text, { 'if-schedule-tag-match': '"nope"' });
  assert.equal(stale.status, 412);
  const safe = await put('alice', '/calendars/alice/calendar/m1.ics', after.text, { 'if-schedule-tag-match': tag ?? '' });
  assert.equal(safe.status, 204, 'If-Schedule-Tag-Match lets the organizer write after replies');
});

test('reschedule resets answers and moves every copy; removing an attendee cancels theirs', async () => {
  const current = (await s.request('GET', '/calendars/alice/calendar/m1.ics')).text.replace(/\r\n /g, '');
  const moved = current.replace(/DTSTART:20270110T100000Z/, 'DTSTART:20270111T140000Z').replace(/\r\nATTENDEE[^\r]*mailto:dave@example.com/, '');
  assert.ok([201, 204].includes((await put('alice', '/calendars/alice/calendar/m1.ics', moved)).status));
  const bobCopy = (await copyOf('bob', 'm1'))?.text ?? '';
  assert.match(bobCopy, /DTSTART:20270111T140000Z/);
  assert.equal(partstat(bobCopy, 'bob'), 'NEEDS-ACTION', 'a reschedule asks again');
  assert.match(bobCopy, /SEQUENCE:1/);
  const daveCopy = (await copyOf('dave', 'm1'))?.text ?? '';
  assert.match(daveCopy, /STATUS:CANCELLED/);
  assert.ok(await inboxHas('dave', 'CANCEL', 'm1'));
});

test('a recurring meeting: change one instance, cancel one instance, then cancel all', async () => {
  const weekly = meeting('w1', ['bob'], 'RRULE:FREQ=WEEKLY;COUNT=4\r\n');
  await put('alice', '/calendars/alice/calendar/w1.ics', weekly);
  const override = weekly.replace('END:VCALENDAR', '') + 'BEGIN:VEVENT\r\nUID:w1\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID:20270117T100000Z\r\nDTSTART:20270117T150000Z\r\nDURATION:PT1H\r\nSUMMARY:Meeting w1 (moved)\r\nORGANIZER:mailto:alice@example.com\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com\r\nATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:bob@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
  const current = (await s.request('GET', '/calendars/alice/calendar/w1.ics')).text;
  const withOverride = current.replace(/END:VCALENDAR\r\n$/, '') + override.slice(override.indexOf('BEGIN:VEVENT\r\nUID:w1\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID'));
  await put('alice', '/calendars/alice/calendar/w1.ics', withOverride);
  assert.match((await copyOf('bob', 'w1'))?.text ?? '', /RECURRENCE-ID:20270117T100000Z[\s\S]*DTSTART:20270117T150000Z|DTSTART:20270117T150000Z[\s\S]*RECURRENCE-ID:20270117T100000Z/);
  const now = (await s.request('GET', '/calendars/alice/calendar/w1.ics')).text.replace(/\r\n /g, '');
  const exdated = now.replace('RRULE:FREQ=WEEKLY;COUNT=4\r\n', 'RRULE:FREQ=WEEKLY;COUNT=4\r\nEXDATE:20270124T100000Z\r\n');
  await put('alice', '/calendars/alice/calendar/w1.ics', exdated);
  assert.ok(await inboxHas('bob', 'CANCEL', 'w1'), 'one cancelled instance is a CANCEL with its RECURRENCE-ID');
  assert.match((await copyOf('bob', 'w1'))?.text ?? '', /EXDATE[^\n]*20270124T100000Z|RECURRENCE-ID:20270124T100000Z[\s\S]*STATUS:CANCELLED/);
  assert.equal((await s.request('DELETE', '/calendars/alice/calendar/w1.ics')).status, 204);
  assert.match((await copyOf('bob', 'w1'))?.text ?? '', /STATUS:CANCELLED/);
});

test('counter then decline, counter then accept, and refresh, through the outbox', async () => {
  await put('alice', '/calendars/alice/calendar/c1.ics', meeting('c1', ['bob']));
  const bobCopy = (await copyOf('bob', 'c1'))?.text ?? '';
  const counter = bobCopy.replace('VERSION:2.0', 'VERSION:2.0\r\nMETHOD:COUNTER').replace(/DTSTART:\d+T\d+Z/, 'DTSTART:20270110T160000Z');
  const posted = await s.request('POST', '/calendars/bob/outbox/', { user: 'bob', body: counter, headers: T });
  assert.equal(posted.status, 200, posted.text);
  assert.match(posted.text, /<cal:recipient><d:href>mailto:alice@example.com<\/d:href><\/cal:recipient><cal:request-status>1\.2;Delivered/);
  assert.ok(await inboxHas('alice', 'COUNTER', 'c1'), 'the organizer receives the proposal');
  const decline = cal('METHOD:DECLINECOUNTER\r\nBEGIN:VEVENT\r\nUID:c1\r\nDTSTAMP:20260102T000000Z\r\nSEQUENCE:0\r\nORGANIZER:mailto:alice@example.com\r\nATTENDEE:mailto:bob@example.com\r\nDTSTART:20270110T160000Z\r\nEND:VEVENT\r\n');
  assert.equal((await s.request('POST', '/calendars/alice/outbox/', { body: decline, headers: T })).status, 200);
  assert.ok(await inboxHas('bob', 'DECLINECOUNTER', 'c1'));
  const current = (await s.request('GET', '/calendars/alice/calendar/c1.ics')).text;
  await put('alice', '/calendars/alice/calendar/c1.ics', current.replace(/DTSTART:20270110T100000Z/, 'DTSTART:20270110T160000Z'));
  assert.match((await copyOf('bob', 'c1'))?.text ?? '', /DTSTART:20270110T160000Z/, 'accepting the counter sends the new time');
  const refresh = cal('METHOD:REFRESH\r\nBEGIN:VEVENT\r\nUID:c1\r\nDTSTAMP:20260103T000000Z\r\nORGANIZER:mailto:alice@example.com\r\nATTENDEE:mailto:bob@example.com\r\nEND:VEVENT\r\n');
  const before = (await inbox('bob')).filter((t) => t.includes('METHOD:REQUEST') && t.includes('UID:c1')).length;
  assert.equal((await s.request('POST', '/calendars/bob/outbox/', { user: 'bob', body: refresh, headers: T })).status, 200);
  const afterCount = (await inbox('bob')).filter((t) => t.includes('METHOD:REQUEST') && t.includes('UID:c1')).length;
  assert.equal(afterCount, before + 1, 'a REFRESH brings the latest REQUEST again');
});

test('delegation: the delegate is invited and the organizer hears from both', async () => {
  await put('alice', '/calendars/alice/calendar/d1.ics', meeting('d1', ['bob']));
  const copy = await copyOf('bob', 'd1');
  assert.ok(copy);
  const delegated = copy.text
    .replace(/(ATTENDEE[^\n]*)PARTSTAT=NEEDS-ACTION([^\n]*mailto:bob@example.com)/, '$1PARTSTAT=DELEGATED;DELEGATED-TO="mailto:carol@example.com"$2')
    .replace('END:VEVENT', 'ATTENDEE;DELEGATED-FROM="mailto:bob@example.com";PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:carol@example.com\r\nEND:VEVENT');
  await put('bob', copy.href, delegated);
  assert.ok(await inboxHas('carol', 'REQUEST', 'd1'), 'the delegate gets the invitation');
  const carolCopy = await copyOf('carol', 'd1');
  assert.ok(carolCopy, 'and a copy in her calendar, forwarded by the delegator (RFC 5546 §4.2.5)');
  await put('carol', carolCopy.href, answer(carolCopy.text, 'carol', 'ACCEPTED'));
  const organizer = (await s.request('GET', '/calendars/alice/calendar/d1.ics')).text.replace(/\r\n /g, '');
  assert.equal(partstat(organizer, 'bob'), 'DELEGATED');
  assert.equal(partstat(organizer, 'carol'), 'ACCEPTED', 'the delegate answers the organizer');
});

test('a secretary schedules for the CIO (SENT-BY); others may not', async () => {
  const group = await s.request('PROPPATCH', '/principals/users/cio/calendar-proxy-write/', { user: 'cio',
    body: '<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:group-member-set><d:href>/principals/users/secretary/</d:href></d:group-member-set></d:prop></d:set></d:propertyupdate>' });
  assert.match(group.text, /200 OK/);
  const res = await put('secretary', '/calendars/cio/calendar/board.ics', meeting('board', ['bob'], '', '20270201T090000Z', 'cio'));
  assert.equal(res.status, 201, res.text);
  const received = (await inbox('bob')).find((t) => t.includes('UID:board')) ?? '';
  assert.match(received, /ORGANIZER;[^\n]*SENT-BY="?mailto:secretary@example.com/i);
  assert.equal((await put('carol', '/calendars/cio/calendar/x.ics', meeting('x', ['bob'], '', '20270201T090000Z', 'cio'))).status, 403);
});

test('rooms accept when free and decline when busy', async () => {
  await put('alice', '/calendars/alice/calendar/r1.ics', meeting('r1', ['room1'], '', '20270301T100000Z'));
  assert.equal(partstat((await s.request('GET', '/calendars/alice/calendar/r1.ics')).text.replace(/\r\n /g, ''), 'room1'), 'ACCEPTED');
  await put('bob', '/calendars/bob/calendar/r2.ics', meeting('r2', ['room1'], '', '20270301T103000Z', 'bob'));
  assert.equal(partstat((await s.request('GET', '/calendars/bob/calendar/r2.ics', { user: 'bob' })).text.replace(/\r\n /g, ''), 'room1'), 'DECLINED');
});

test('a to-do assigned to two users: IN-PROCESS and COMPLETED replies', async () => {
  const todo = cal('BEGIN:VTODO\r\nUID:t1\r\nDTSTAMP:20260101T000000Z\r\nDUE:20270401T170000Z\r\nSUMMARY:Write report\r\nORGANIZER:mailto:alice@example.com\r\nATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com\r\nATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:carol@example.com\r\nEND:VTODO\r\n');
  assert.equal((await put('alice', '/calendars/alice/tasks/t1.ics', todo)).status, 201);
  for (const [u, value] of [['bob', 'IN-PROCESS'], ['carol', 'COMPLETED']] as const) {
    const copy = await copyOf(u, 't1', 'tasks');
    assert.ok(copy, `${u} has the to-do in the tasks calendar`);
    await put(u, copy.href, answer(copy.text, u, value));
  }
  const organizer = (await s.request('GET', '/calendars/alice/tasks/t1.ics')).text.replace(/\r\n /g, '');
  assert.equal(partstat(organizer, 'bob'), 'IN-PROCESS');
  assert.equal(partstat(organizer, 'carol'), 'COMPLETED');
});

test('free-busy for three users in one outbox POST', async () => {
  await put('carol', '/calendars/carol/calendar/busy.ics', cal('BEGIN:VEVENT\r\nUID:cb\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270501T100000Z\r\nDTEND:20270501T110000Z\r\nEND:VEVENT\r\n'));
  await put('carol', '/calendars/carol/calendar/free.ics', cal('BEGIN:VEVENT\r\nUID:cf\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270501T120000Z\r\nDTEND:20270501T130000Z\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n'));
  const request = cal('METHOD:REQUEST\r\nBEGIN:VFREEBUSY\r\nUID:fb1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270501T000000Z\r\nDTEND:20270502T000000Z\r\nORGANIZER:mailto:alice@example.com\r\nATTENDEE:mailto:bob@example.com\r\nATTENDEE:mailto:carol@example.com\r\nATTENDEE:mailto:dave@example.com\r\nATTENDEE:mailto:nobody@elsewhere.example\r\nEND:VFREEBUSY\r\n');
  const res = await s.request('POST', '/calendars/alice/outbox/', { body: request, headers: T });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.text.match(/<cal:response>/g)?.length, 4);
  assert.match(res.text, /carol@example.com<\/d:href><\/cal:recipient><cal:request-status>2\.0;Success<\/cal:request-status><cal:calendar-data>[^<]*FREEBUSY[^<]*20270501T100000Z/);
  assert.doesNotMatch(res.text, /20270501T120000Z\/20270501T130000Z|20270501T120000Z\/PT1H/, 'transparent items are free');
  assert.match(res.text, /nobody@elsewhere.example<\/d:href><\/cal:recipient><cal:request-status>3\.7/);
  const notMine = await s.request('POST', '/calendars/alice/outbox/', { user: 'bob', body: request, headers: T });
  assert.equal(notMine.status, 403);
});

test('a recipient on another server is recorded as a pending delivery (SCHEDULE-STATUS 1.0)', async () => {
  await put('alice', '/calendars/alice/calendar/ext.ics', meeting('ext', []).replace('END:VEVENT', 'ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:c@bar.example\r\nEND:VEVENT'));
  const copy = (await s.request('GET', '/calendars/alice/calendar/ext.ics')).text.replace(/\r\n /g, '');
  assert.match(copy, /SCHEDULE-STATUS=1\.0[^\n]*mailto:c@bar.example/);
  const queued = await s.app.store.read((tx) => tx.listDeliveries({ uid: 'ext' }));
  assert.equal(queued.length, 1);
  assert.equal(queued[0]?.recipient, 'mailto:c@bar.example');
  assert.equal(queued[0]?.status, 'pending');
});

test('the organizer forwards an invitation to an uninvited calendar user', async () => {
  await put('alice', '/calendars/alice/calendar/f1.ics', meeting('f1', ['bob']));
  const request = (await inbox('bob')).find((t) => t.includes('UID:f1') && t.includes('METHOD:REQUEST')) ?? '';
  const res = await s.request('POST', '/calendars/alice/outbox/', { body: request.replace(/\n/g, '\r\n').replace(/\r\r\n/g, '\r\n'), headers: { ...T, recipient: 'mailto:dave@example.com' } });
  assert.equal(res.status, 200, res.text);
  assert.match(res.text, /dave@example.com<\/d:href><\/cal:recipient><cal:request-status>1\.2/);
  assert.ok(await inboxHas('dave', 'REQUEST', 'f1'), 'the uninvited recipient is made aware');
});

test('a new organizer takes over a meeting and tells everyone', async () => {
  await put('alice', '/calendars/alice/calendar/o1.ics', meeting('o1', ['bob', 'carol']));
  const bobCopy = await copyOf('bob', 'o1');
  assert.ok(bobCopy);
  const takeover = bobCopy.text
    .replace('ORGANIZER:mailto:alice@example.com', 'ORGANIZER:mailto:bob@example.com')
    .replace(/SEQUENCE:\d+/, 'SEQUENCE:5').replace(/(ATTENDEE[^\n]*)PARTSTAT=NEEDS-ACTION([^\n]*mailto:bob@example.com)/, '$1PARTSTAT=ACCEPTED$2');
  const withSeq = takeover.includes('SEQUENCE:5') ? takeover : takeover.replace('END:VEVENT', 'SEQUENCE:5\r\nEND:VEVENT');
  assert.ok([201, 204].includes((await put('bob', bobCopy.href, withSeq)).status));
  assert.match((await copyOf('carol', 'o1'))?.text ?? '', /ORGANIZER:mailto:bob@example.com/, 'attendees follow the new organizer');
});

test('availability set on the inbox (RFC 7953) shows as unavailable busy time', async () => {
  const availability = cal('BEGIN:VAVAILABILITY\r\nUID:av\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270101T000000Z\r\nBEGIN:AVAILABLE\r\nUID:av1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270104T090000Z\r\nDTEND:20270104T170000Z\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\r\nEND:AVAILABLE\r\nEND:VAVAILABILITY\r\n');
  const set = await s.request('PROPPATCH', '/calendars/dave/inbox/', { user: 'dave',
    body: `<d:propertyupdate xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><c:calendar-availability><![CDATA[${availability}]]></c:calendar-availability></d:prop></d:set></d:propertyupdate>` });
  assert.match(set.text, /200 OK/);
  const bad = await s.request('PROPPATCH', '/calendars/dave/inbox/', { user: 'dave',
    body: '<d:propertyupdate xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><c:calendar-availability>nonsense</c:calendar-availability></d:prop></d:set></d:propertyupdate>' });
  assert.match(bad.text, /409/);
  const request = cal('METHOD:REQUEST\r\nBEGIN:VFREEBUSY\r\nUID:fb2\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270109T000000Z\r\nDTEND:20270110T000000Z\r\nORGANIZER:mailto:bob@example.com\r\nATTENDEE:mailto:dave@example.com\r\nEND:VFREEBUSY\r\n');
  const res = await s.request('POST', '/calendars/bob/outbox/', { user: 'bob', body: request, headers: T });
  assert.match(res.text.replace(/&#13;\n /g, ''), /FBTYPE=BUSY-UNAVAILABLE:20270109T000000Z\/(20270110T000000Z|P1D|PT24H)/, 'a Saturday outside the working week');
});

test('an organizer writing a copy read before the replies (If-Schedule-Tag-Match) keeps the answers that came in', async () => {
  const first = await put('alice', '/calendars/alice/calendar/st1.ics', meeting('st1', ['bob']));
  const tag = first.headers.get('schedule-tag') ?? '';
  const stale = (await s.request('GET', '/calendars/alice/calendar/st1.ics')).text;
  const copy = await copyOf('bob', 'st1');
  assert.ok(copy);
  await put('bob', copy.href, answer(copy.text, 'bob', 'ACCEPTED'));
  const edited = stale.replace('SUMMARY:Meeting st1', 'SUMMARY:Meeting st1 (agenda attached)');
  assert.equal((await put('alice', '/calendars/alice/calendar/st1.ics', edited, { 'if-schedule-tag-match': tag })).status, 204);
  const stored = (await s.request('GET', '/calendars/alice/calendar/st1.ics')).text.replace(/\r\n /g, '');
  assert.match(stored, /agenda attached/);
  assert.equal(partstat(stored, 'bob'), 'ACCEPTED', "bob's answer survived the organizer's stale copy");
});
