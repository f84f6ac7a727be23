/** calendar-query REPORT (RFC 4791 §7.8) over HTTP: time ranges with recurrence, text matches, errors. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ics, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer({ users: ['alice'] });
  const put = (name: string, body: string) => s.request('PUT', `/calendars/alice/calendar/${name}`, { body, headers: { 'content-type': 'text/calendar' } });
  await put('single.ics', ics('single'));
  await put('weekly.ics', ics('weekly', 'RRULE:FREQ=WEEKLY\r\nEXDATE:20260124T100000Z\r\n').replace('SUMMARY:Test weekly', 'SUMMARY:Standup'));
  await put('later.ics', ics('later').replace(/20260110/g, '20260301'));
});
after(() => s.stop());

const query = (filter: string, props = '<d:getetag/>') =>
  s.request('REPORT', '/calendars/alice/calendar/', { headers: { depth: '1' },
    body: `<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop>${props}</d:prop><c:filter><c:comp-filter name="VCALENDAR">${filter}</c:comp-filter></c:filter></c:calendar-query>` });
const hrefs = (text: string): string[] => [...text.matchAll(/<d:href>\/calendars\/alice\/calendar\/([^<]+)<\/d:href>/g)].map((m) => m[1] ?? '').sort();

const cases: [string, string, string[]][] = [
  ['every event', '<c:comp-filter name="VEVENT"/>', ['later.ics', 'single.ics', 'weekly.ics']],
  ['a week holding the single event and a weekly instance', '<c:comp-filter name="VEVENT"><c:time-range start="20260109T000000Z" end="20260111T000000Z"/></c:comp-filter>', ['single.ics', 'weekly.ics']],
  ['a later week: only the recurring event', '<c:comp-filter name="VEVENT"><c:time-range start="20260213T000000Z" end="20260215T000000Z"/></c:comp-filter>', ['weekly.ics']],
  ['the week of an EXDATE: nothing', '<c:comp-filter name="VEVENT"><c:time-range start="20260123T000000Z" end="20260125T000000Z"/></c:comp-filter>', []],
  ['by UID (what clients send to fetch one event)', '<c:comp-filter name="VEVENT"><c:prop-filter name="UID"><c:text-match collation="i;octet">later</c:text-match></c:prop-filter></c:comp-filter>', ['later.ics']],
  ['SUMMARY contains, case-insensitively', '<c:comp-filter name="VEVENT"><c:prop-filter name="SUMMARY"><c:text-match>STANDUP</c:text-match></c:prop-filter></c:comp-filter>', ['weekly.ics']],
  ['negated text-match', '<c:comp-filter name="VEVENT"><c:prop-filter name="SUMMARY"><c:text-match negate-condition="yes">standup</c:text-match></c:prop-filter></c:comp-filter>', ['later.ics', 'single.ics']],
  ['events without a LOCATION', '<c:comp-filter name="VEVENT"><c:prop-filter name="LOCATION"><c:is-not-defined/></c:prop-filter></c:comp-filter>', ['later.ics', 'single.ics', 'weekly.ics']],
  ['todos in an event calendar: none', '<c:comp-filter name="VTODO"/>', []],
  ['a range ending where the event starts: none (the index decides exactly)', '<c:comp-filter name="VEVENT"><c:time-range start="20260301T080000Z" end="20260301T100000Z"/></c:comp-filter>', []],
  ['a range starting where the event ends: none', '<c:comp-filter name="VEVENT"><c:time-range start="20260301T110000Z" end="20260301T120000Z"/></c:comp-filter>', []],
  ['a range overlapping the event by a second', '<c:comp-filter name="VEVENT"><c:time-range start="20260301T105959Z" end="20260301T120000Z"/></c:comp-filter>', ['later.ics']],
];

for (const [name, filter, expected] of cases) {
  test(`calendar-query: ${name}`, async () => {
    const res = await query(filter);
    assert.equal(res.status, 207, res.text);
    assert.deepEqual(hrefs(res.text), expected);
  });
}

test('calendar-query returns calendar-data when asked', async () => {
  const res = await query('<c:comp-filter name="VEVENT"><c:prop-filter name="UID"><c:text-match>single</c:text-match></c:prop-filter></c:comp-filter>', '<d:getetag/><c:calendar-data/>');
  assert.match(res.text, /<cal:calendar-data>BEGIN:VCALENDAR/);
});

test('an invalid filter answers 403 valid-filter; an unknown collation answers supported-collation', async () => {
  const bad = await query('<c:comp-filter name="VEVENT"><c:time-range start="20260110T000000Z" end="20260101T000000Z"/></c:comp-filter>');
  assert.equal(bad.status, 403);
  assert.match(bad.text, /valid-filter/);
  const coll = await query('<c:comp-filter name="VEVENT"><c:prop-filter name="SUMMARY"><c:text-match collation="i;nope">x</c:text-match></c:prop-filter></c:comp-filter>');
  assert.equal(coll.status, 403);
  assert.match(coll.text, /supported-collation/);
});
