/**
 * The time index answers exactly what a full scan would: recurring events far beyond the horizon,
 * floating times in the calendar's zone, IANA zones named without a VTIMEZONE, and bounded work
 * for rules with millions of instances.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
const CAL = '/calendars/alice/calendar/';
const wrap = (body: string): string => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n${body}END:VCALENDAR\r\n`;
const ev = (uid: string, lines: string): string => `BEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\n${lines}SUMMARY:${uid}\r\nEND:VEVENT\r\n`;
const put = (name: string, body: string) => s.request('PUT', `${CAL}${name}.ics`, { body, headers: { 'content-type': 'text/calendar' } });

before(async () => {
  s = await startTestServer({ users: ['alice'] });
  const results = await Promise.all([
    put('weekly-forever', wrap(ev('weekly-forever', 'DTSTART:20200106T090000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY;BYDAY=MO\r\n'))),
    put('ny', wrap(ev('ny', 'DTSTART;TZID=America/New_York:20260601T230000\r\nDURATION:PT30M\r\n'))),
    put('floating', wrap(ev('floating', 'DTSTART:20260601T230000\r\nDURATION:PT30M\r\n'))),
    put('allday', wrap(ev('allday', 'DTSTART;VALUE=DATE:20260602\r\nDTEND;VALUE=DATE:20260603\r\n'))),
    put('secondly', wrap(ev('secondly', 'DTSTART:20260601T000000Z\r\nDURATION:PT1S\r\nRRULE:FREQ=SECONDLY\r\n'))),
    put('moved', wrap(ev('moved', 'DTSTART:20260105T090000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=10\r\n') +
      ev('moved', 'RECURRENCE-ID:20260107T090000Z\r\nDTSTART:20260301T090000Z\r\nDURATION:PT1H\r\n'))),
  ]);
  for (const r of results) assert.ok(r.status === 201, r.text);
});
after(() => s.stop());

async function query(start: string, end: string, extra = ''): Promise<{ status: number; names: string[]; text: string }> {
  const res = await s.request('REPORT', CAL, { headers: { depth: '1' },
    body: `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>${extra}<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="${start}" end="${end}"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>` });
  return { status: res.status, text: res.text, names: [...res.text.matchAll(/calendar\/([^<]+)\.ics</g)].map((m) => m[1] ?? '').sort() };
}

test('an unbounded weekly rule is found decades beyond the indexed horizon, and not on other days', async () => {
  // 5 January 2060 is a Monday: 09:00-10:00 UTC holds an instance, the Tuesday none.
  assert.ok((await query('20600105T093000Z', '20600105T094500Z')).names.includes('weekly-forever'));
  assert.ok(!(await query('20600105T100000Z', '20600106T235900Z')).names.includes('weekly-forever'));
});

test('a TZID naming an IANA zone without a VTIMEZONE is resolved (23:00 New York is 03:00 UTC next day)', async () => {
  assert.ok((await query('20260602T025900Z', '20260602T031000Z')).names.includes('ny'));
  assert.ok(!(await query('20260601T225900Z', '20260601T233000Z')).names.includes('ny'));
});

test('floating times and all-day events follow the calendar-timezone, else UTC', async () => {
  assert.ok((await query('20260601T225900Z', '20260601T231000Z')).names.includes('floating'), 'UTC by default');
  const tokyo = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n';
  const tz = `<C:timezone><![CDATA[${tokyo}]]></C:timezone>`;
  // 23:00 floating in Tokyo is 14:00 UTC; the all-day 2 June in Tokyo starts 1 June 15:00 UTC.
  assert.ok((await query('20260601T135900Z', '20260601T141000Z', tz)).names.includes('floating'));
  assert.ok(!(await query('20260601T225900Z', '20260601T231000Z', tz)).names.includes('floating'));
  assert.ok((await query('20260601T150000Z', '20260601T151000Z', tz)).names.includes('allday'));
  assert.ok(!(await query('20260601T150000Z', '20260601T151000Z')).names.includes('allday'));
});

test('an override moved out of its day is found where it went, not where it was', async () => {
  assert.ok(!(await query('20260107T000000Z', '20260108T000000Z')).names.includes('moved'));
  assert.ok((await query('20260301T000000Z', '20260302T000000Z')).names.includes('moved'));
  assert.ok((await query('20260108T000000Z', '20260109T000000Z')).names.includes('moved'));
});

test('FREQ=SECONDLY without end never stalls: a small range answers, a huge expand answers 507', async () => {
  const small = await query('20260601T000000Z', '20260601T000100Z');
  assert.ok(small.names.includes('secondly'), small.text);
  const started = Date.now();
  const res = await s.request('REPORT', CAL, { headers: { depth: '1' },
    body: '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data><C:expand start="20260601T000000Z" end="20270601T000000Z"/></C:calendar-data></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="UID"><C:text-match>secondly</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>' });
  assert.equal(res.status, 507, res.text);
  assert.match(res.text, /number-of-matches-within-limits/);
  assert.ok(Date.now() - started < 10_000, 'bounded work');
});
