/**
 * RFC 4791 Appendix B over HTTP: the example calendar stored with PUT, then the REPORT bodies of
 * §7.8 and §7.10 sent as a client would, each asserting the hrefs (and key content) returned.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';

const CAL = '/calendars/bernard/work/';
const NAMES = ['abcd1', 'abcd2', 'abcd3', 'abcd4', 'abcd5', 'abcd6', 'abcd7', 'abcd8'];
let s: TestServer;

before(async () => {
  s = await startTestServer({ users: ['bernard'] });
  const mk = await s.request('MKCALENDAR', CAL, { body: '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><C:supported-calendar-component-set><C:comp name="VEVENT"/><C:comp name="VTODO"/><C:comp name="VJOURNAL"/><C:comp name="VFREEBUSY"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>' });
  assert.equal(mk.status, 201);
  for (const n of NAMES) {
    const body = readFileSync(join(process.cwd(), 'test', 'fixtures', 'rfc4791', `${n}.ics`), 'utf8').replace(/\r?\n/g, '\r\n');
    const res = await s.request('PUT', `${CAL}${n}.ics`, { body, headers: { 'content-type': 'text/calendar' } });
    assert.equal(res.status, 201, `${n}: ${res.text}`);
  }
});
after(() => s.stop());

const H = '<?xml version="1.0" encoding="utf-8" ?>';
const NSS = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"';
const report = (body: string) => s.request('REPORT', CAL, { headers: { depth: '1', 'content-type': 'application/xml' }, body: H + body });
const hrefs = (text: string): string[] => [...text.matchAll(/<d:href>\/calendars\/bernard\/work\/([^<]+)\.ics<\/d:href>/g)].map((m) => m[1] ?? '').sort();

const EVENTS_DATA = `<C:calendar-data><C:comp name="VCALENDAR"><C:prop name="VERSION"/><C:comp name="VEVENT"><C:prop name="SUMMARY"/><C:prop name="UID"/><C:prop name="DTSTART"/><C:prop name="DTEND"/><C:prop name="DURATION"/><C:prop name="RRULE"/><C:prop name="RDATE"/><C:prop name="EXRULE"/><C:prop name="EXDATE"/><C:prop name="RECURRENCE-ID"/></C:comp><C:comp name="VTIMEZONE"/></C:comp></C:calendar-data>`;

test('§7.8.1 partial retrieval of events by time range', async () => {
  const res = await report(`<C:calendar-query ${NSS}><D:prop><D:getetag/>${EVENTS_DATA}</D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20060104T000000Z" end="20060105T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`);
  assert.equal(res.status, 207, res.text);
  assert.deepEqual(hrefs(res.text), ['abcd2', 'abcd3']);
  assert.match(res.text, /SUMMARY:Event #2/);
  assert.doesNotMatch(res.text, /DTSTAMP/, 'only the asked properties are returned');
});

test('§7.8.2 limit-recurrence-set keeps the master and the overrides that touch the range', async () => {
  const res = await report(`<C:calendar-query ${NSS}><D:prop><C:calendar-data><C:limit-recurrence-set start="20060103T000000Z" end="20060105T000000Z"/></C:calendar-data></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20060103T000000Z" end="20060105T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`);
  assert.deepEqual(hrefs(res.text), ['abcd2', 'abcd3']);
  assert.match(res.text, /SUMMARY:Event #2 bis\r?\n|SUMMARY:Event #2 bis&#13;/);
  assert.doesNotMatch(res.text, /Event #2 bis bis/, 'the override on Jan 6 is outside the range');
});

test('§7.8.3 expanded retrieval gives one component per instance, in UTC', async () => {
  const res = await report(`<C:calendar-query ${NSS}><D:prop><C:calendar-data><C:expand start="20060103T000000Z" end="20060105T000000Z"/></C:calendar-data></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20060103T000000Z" end="20060105T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`);
  assert.deepEqual(hrefs(res.text), ['abcd2', 'abcd3']);
  assert.match(res.text, /RECURRENCE-ID:20060103T170000Z/);
  assert.match(res.text, /RECURRENCE-ID:20060104T170000Z/);
  assert.match(res.text, /DTSTART:20060104T190000Z/, 'the override moved to 14:00 EST');
  assert.doesNotMatch(res.text, /RRULE|BEGIN:VTIMEZONE/);
});

test('§7.8.4 limit-freebusy-set over stored VFREEBUSY', async () => {
  const res = await report(`<C:calendar-query ${NSS}><D:prop><C:calendar-data><C:limit-freebusy-set start="20060102T000000Z" end="20060103T000000Z"/></C:calendar-data></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VFREEBUSY"><C:time-range start="20060102T000000Z" end="20060103T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`);
  assert.deepEqual(hrefs(res.text), ['abcd8']);
  assert.match(res.text, /FREEBUSY/);
});

const simple: [string, string, string[]][] = [
  ['§7.8.5 to-dos by alarm time range', '<C:comp-filter name="VTODO"><C:comp-filter name="VALARM"><C:time-range start="20060106T100000Z" end="20060107T100000Z"/></C:comp-filter></C:comp-filter>', ['abcd5']],
  ['§7.8.6 event by UID', '<C:comp-filter name="VEVENT"><C:prop-filter name="UID"><C:text-match collation="i;octet">DC6C50A017428C5216A2F1CD@example.com</C:text-match></C:prop-filter></C:comp-filter>', ['abcd3']],
  ['§7.8.7 events by PARTSTAT', '<C:comp-filter name="VEVENT"><C:prop-filter name="ATTENDEE"><C:text-match collation="i;ascii-casemap">mailto:lisa@example.com</C:text-match><C:param-filter name="PARTSTAT"><C:text-match collation="i;ascii-casemap">NEEDS-ACTION</C:text-match></C:param-filter></C:prop-filter></C:comp-filter>', ['abcd3']],
  ['§7.8.8 events only', '<C:comp-filter name="VEVENT"/>', ['abcd1', 'abcd2', 'abcd3']],
  ['§7.8.9 pending to-dos', '<C:comp-filter name="VTODO"><C:prop-filter name="COMPLETED"><C:is-not-defined/></C:prop-filter><C:prop-filter name="STATUS"><C:text-match negate-condition="yes">CANCELLED</C:text-match></C:prop-filter></C:comp-filter>', ['abcd4', 'abcd5']],
];

for (const [name, filter, expected] of simple) {
  test(name, async () => {
    const res = await report(`<C:calendar-query ${NSS}><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR">${filter}</C:comp-filter></C:filter></C:calendar-query>`);
    assert.equal(res.status, 207, res.text);
    assert.deepEqual(hrefs(res.text), expected);
  });
}

test('§7.8.10 an unsupported collation answers supported-collation', async () => {
  const res = await report(`<C:calendar-query ${NSS}><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="DESCRIPTION"><C:text-match collation="i;ascii-numeric">Go Steelers!</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`);
  assert.equal(res.status, 403);
  assert.match(res.text, /supported-collation/);
});

test('§7.10.1 free-busy-query returns the merged busy time as one VFREEBUSY', async () => {
  const res = await report(`<C:free-busy-query ${NSS}><C:time-range start="20060104T140000Z" end="20060105T220000Z"/></C:free-busy-query>`);
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^text\/calendar/);
  assert.match(res.text, /BEGIN:VFREEBUSY/);
  assert.match(res.text, /DTSTART:20060104T140000Z/);
  assert.match(res.text, /FREEBUSY;FBTYPE=BUSY-TENTATIVE:20060104T150000Z\/PT1H|FREEBUSY;FBTYPE=BUSY-TENTATIVE:20060104T150000Z\/20060104T160000Z/);
  assert.match(res.text, /FREEBUSY:20060104T190000Z\/PT1H|FREEBUSY:20060104T190000Z\/20060104T200000Z/);
});

test('calendar-multiget with partial calendar-data (§7.9)', async () => {
  const res = await s.request('REPORT', CAL, { body: `${H}<C:calendar-multiget ${NSS}><D:prop><D:getetag/>${EVENTS_DATA}</D:prop><D:href>${CAL}abcd1.ics</D:href><D:href>${CAL}mtg1.ics</D:href></C:calendar-multiget>` });
  assert.match(res.text, /abcd1\.ics<\/d:href><d:propstat>/);
  assert.match(res.text, /mtg1\.ics<\/d:href><d:status>HTTP\/1.1 404/);
  assert.match(res.text, /SUMMARY:Event #1/);
});
