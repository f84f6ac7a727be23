/** MKCALENDAR, extended MKCOL, PROPPATCH all-or-nothing, COPY/MOVE of calendar objects, the feed. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ics, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer({ users: ['alice'] });
});
after(() => s.stop());

const TZ = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n';

test('MKCALENDAR with initial properties creates a calendar that reports them', async () => {
  const body = `<?xml version="1.0"?><c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:a="http://apple.com/ns/ical/"><d:set><d:prop>
    <d:displayname>Work</d:displayname><c:calendar-description>Meetings</c:calendar-description>
    <c:supported-calendar-component-set><c:comp name="VEVENT"/><c:comp name="VTODO"/></c:supported-calendar-component-set>
    <c:calendar-timezone><![CDATA[${TZ}]]></c:calendar-timezone><a:calendar-color>#FF0000</a:calendar-color></d:prop></d:set></c:mkcalendar>`;
  const res = await s.request('MKCALENDAR', '/calendars/alice/work/', { body, headers: { 'content-type': 'application/xml' } });
  assert.equal(res.status, 201, res.text);
  const props = await s.request('PROPFIND', '/calendars/alice/work/', { headers: { depth: '0' },
    body: '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:a="http://apple.com/ns/ical/"><d:prop><d:displayname/><c:calendar-description/><c:supported-calendar-component-set/><a:calendar-color/><c:calendar-timezone/><d:resourcetype/></d:prop></d:propfind>' });
  assert.match(props.text, /<d:displayname>Work<\/d:displayname>/);
  assert.match(props.text, /Meetings/);
  assert.match(props.text, /<cal:comp name="VEVENT"\/><cal:comp name="VTODO"\/>/);
  assert.match(props.text, /#FF0000/);
  assert.match(props.text, /TZID:Europe\/Paris/);
  assert.match(props.text, /<cal:calendar\/>/);
  const again = await s.request('MKCALENDAR', '/calendars/alice/work/');
  assert.equal(again.status, 403);
  assert.match(again.text, /resource-must-be-null/);
});

test('MKCALENDAR inside a calendar is refused with calendar-collection-location-ok; without a parent 409', async () => {
  const inner = await s.request('MKCALENDAR', '/calendars/alice/calendar/inner/');
  assert.equal(inner.status, 403);
  assert.match(inner.text, /calendar-collection-location-ok/);
  assert.equal((await s.request('MKCALENDAR', '/calendars/alice/missing/inner/')).status, 409);
});

test('MKCALENDAR with an invalid calendar-timezone creates nothing', async () => {
  const body = '<c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><d:displayname>X</d:displayname><c:calendar-timezone>not a timezone</c:calendar-timezone></d:prop></d:set></c:mkcalendar>';
  const res = await s.request('MKCALENDAR', '/calendars/alice/badtz/', { body });
  assert.equal(res.status, 403);
  assert.match(res.text, /mkcalendar-response/);
  assert.match(res.text, /424 Failed Dependency/);
  assert.equal((await s.request('PROPFIND', '/calendars/alice/badtz/', { headers: { depth: '0' } })).status, 404);
});

test('extended MKCOL (RFC 5689) creates a calendar; an unknown resourcetype is refused', async () => {
  const body = '<d:mkcol xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><d:resourcetype><d:collection/><c:calendar/></d:resourcetype><d:displayname>Ext</d:displayname></d:prop></d:set></d:mkcol>';
  assert.equal((await s.request('MKCOL', '/calendars/alice/ext/', { body, headers: { 'content-type': 'application/xml' } })).status, 201);
  const rt = await s.request('PROPFIND', '/calendars/alice/ext/', { headers: { depth: '0' }, body: '<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/></d:prop></d:propfind>' });
  assert.match(rt.text, /<cal:calendar\/>/);
  const odd = '<d:mkcol xmlns:d="DAV:"><d:set><d:prop><d:resourcetype><d:collection/><x:thing xmlns:x="urn:x"/></d:resourcetype></d:prop></d:set></d:mkcol>';
  const res = await s.request('MKCOL', '/calendars/alice/odd/', { body: odd, headers: { 'content-type': 'application/xml' } });
  assert.equal(res.status, 403);
  assert.match(res.text, /valid-resourcetype/);
});

test('PROPPATCH is all-or-nothing: a protected property fails the whole request', async () => {
  const body = '<d:propertyupdate xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><d:displayname>Renamed</d:displayname><d:getetag>"x"</d:getetag></d:prop></d:set></d:propertyupdate>';
  const res = await s.request('PROPPATCH', '/calendars/alice/calendar/', { body });
  assert.equal(res.status, 207);
  assert.match(res.text, /cannot-modify-protected-property/);
  assert.match(res.text, /424 Failed Dependency/);
  const name = await s.request('PROPFIND', '/calendars/alice/calendar/', { headers: { depth: '0' }, body: '<d:propfind xmlns:d="DAV:"><d:prop><d:displayname/></d:prop></d:propfind>' });
  assert.match(name.text, /<d:displayname>Calendar<\/d:displayname>/);
  const ok = await s.request('PROPPATCH', '/calendars/alice/calendar/', { body: '<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>Renamed</d:displayname></d:prop></d:set></d:propertyupdate>' });
  assert.match(ok.text, /200 OK/);
  const ctagAfter = await s.request('PROPFIND', '/calendars/alice/calendar/', { headers: { depth: '0' }, body: '<d:propfind xmlns:d="DAV:"><d:prop><d:displayname/></d:prop></d:propfind>' });
  assert.match(ctagAfter.text, /Renamed/);
});

test('PROPFIND Depth infinity is refused with propfind-finite-depth', async () => {
  const res = await s.request('PROPFIND', '/calendars/alice/', { headers: { depth: 'infinity' } });
  assert.equal(res.status, 403);
  assert.match(res.text, /propfind-finite-depth/);
});

test('COPY and MOVE of calendar objects keep the calendar rules', async () => {
  await s.request('PUT', '/calendars/alice/calendar/m1.ics', { body: ics('m1'), headers: { 'content-type': 'text/calendar' } });
  const dest = (p: string): Record<string, string> => ({ destination: `${s.url}${p}` });
  assert.equal((await s.request('MOVE', '/calendars/alice/calendar/m1.ics', { headers: dest('/calendars/alice/calendar/m2.ics') })).status, 201);
  assert.equal((await s.request('GET', '/calendars/alice/calendar/m1.ics')).status, 404);
  const copy = await s.request('COPY', '/calendars/alice/calendar/m2.ics', { headers: dest('/calendars/alice/calendar/m3.ics') });
  assert.equal(copy.status, 403, 'a copy in the same calendar would duplicate the UID');
  assert.match(copy.text, /no-uid-conflict/);
  assert.equal((await s.request('COPY', '/calendars/alice/calendar/m2.ics', { headers: dest('/calendars/alice/work/m2.ics') })).status, 201);
  const toTasks = await s.request('MOVE', '/calendars/alice/calendar/m2.ics', { headers: dest('/calendars/alice/tasks/m2.ics') });
  assert.equal(toTasks.status, 403);
  assert.match(toTasks.text, /supported-calendar-component/);
  assert.equal((await s.request('GET', '/calendars/alice/calendar/m2.ics')).status, 200, 'a refused MOVE leaves the source');
  const noOverwrite = await s.request('COPY', '/calendars/alice/calendar/m2.ics', { headers: { ...dest('/calendars/alice/work/m2.ics'), overwrite: 'F' } });
  assert.equal(noOverwrite.status, 412);
});

test('GET on a calendar returns one text/calendar feed with each VTIMEZONE once; If-None-Match gives 304', async () => {
  const tzEvent = (uid: string): string => TZ.replace('END:VCALENDAR\r\n', `BEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Paris:20260110T100000\r\nSUMMARY:${uid}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`);
  await s.request('MKCALENDAR', '/calendars/alice/feed/');
  for (const u of ['f1', 'f2']) await s.request('PUT', `/calendars/alice/feed/${u}.ics`, { body: tzEvent(u), headers: { 'content-type': 'text/calendar' } });
  const res = await s.request('GET', '/calendars/alice/feed/');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/calendar/);
  assert.equal(res.text.match(/BEGIN:VCALENDAR/g)?.length, 1);
  assert.equal(res.text.match(/BEGIN:VTIMEZONE/g)?.length, 1);
  assert.equal(res.text.match(/BEGIN:VEVENT/g)?.length, 2);
  const cached = await s.request('GET', '/calendars/alice/feed/', { headers: { 'if-none-match': res.headers.get('etag') ?? '' } });
  assert.equal(cached.status, 304);
});

test('calendar-multiget returns the asked objects and 404 for missing hrefs', async () => {
  await s.request('PUT', '/calendars/alice/calendar/mg.ics', { body: ics('mg'), headers: { 'content-type': 'text/calendar' } });
  const body = '<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop><d:href>/calendars/alice/calendar/mg.ics</d:href><d:href>/calendars/alice/calendar/none.ics</d:href></c:calendar-multiget>';
  const res = await s.request('REPORT', '/calendars/alice/calendar/', { body, headers: { depth: '1' } });
  assert.equal(res.status, 207);
  assert.match(res.text, /<d:href>\/calendars\/alice\/calendar\/mg.ics<\/d:href><d:propstat><d:prop><d:getetag>"[^"]+"<\/d:getetag><cal:calendar-data>BEGIN:VCALENDAR/);
  assert.match(res.text, /<d:href>\/calendars\/alice\/calendar\/none.ics<\/d:href><d:status>HTTP\/1.1 404 Not Found/);
});

test('an unknown REPORT answers 403 supported-report', async () => {
  const res = await s.request('REPORT', '/calendars/alice/calendar/', { body: '<x:nonsense xmlns:x="urn:x"/>' });
  assert.equal(res.status, 403);
  assert.match(res.text, /supported-report/);
});
