/** RFC 7953 availability as busy time: table of availability × range → unavailable periods. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { unavailableTime } from '../../../src/domain/freebusy/availability.js';

const parse = (t: string) => new ICAL.Component(ICAL.parse(t) as unknown[]);
const cal = (body: string): string => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n${body}END:VCALENDAR\r\n`;
const at = (s: string): number => Date.parse(s);
const workdays = cal('BEGIN:VAVAILABILITY\r\nUID:a\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T000000Z\r\n' +
  'BEGIN:AVAILABLE\r\nUID:a1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T090000Z\r\nDTEND:20260105T170000Z\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\r\nEND:AVAILABLE\r\nEND:VAVAILABILITY\r\n');

const rows: [string, string, string, string, { start: string; end: string }[], string?][] = [
  ['a working day: before 9 and after 17 are unavailable', workdays, '2026-01-06T00:00:00Z', '2026-01-07T00:00:00Z',
    [{ start: '2026-01-06T00:00:00Z', end: '2026-01-06T09:00:00Z' }, { start: '2026-01-06T17:00:00Z', end: '2026-01-07T00:00:00Z' }]],
  ['a Saturday is unavailable all day', workdays, '2026-01-10T00:00:00Z', '2026-01-11T00:00:00Z', [{ start: '2026-01-10T00:00:00Z', end: '2026-01-11T00:00:00Z' }]],
  ['inside the working hours nothing is unavailable', workdays, '2026-01-06T10:00:00Z', '2026-01-06T12:00:00Z', []],
  ['before the availability starts nothing counts', workdays, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', []],
  ['BUSYTYPE:BUSY goes to busy', workdays.replace('DTSTART:20260105T000000Z\r\n', 'DTSTART:20260105T000000Z\r\nBUSYTYPE:BUSY\r\n'), '2026-01-10T00:00:00Z', '2026-01-11T00:00:00Z',
    [{ start: '2026-01-10T00:00:00Z', end: '2026-01-11T00:00:00Z' }], 'busy'],
];

for (const [name, text, start, end, expected, bucket] of rows) {
  test(`availability: ${name}`, () => {
    const r = unavailableTime(parse(text), { start: at(start), end: at(end) }, 1000);
    const got = bucket === 'busy' ? r.busy : r.unavailable;
    assert.deepEqual(got, expected.map((p) => ({ start: at(p.start), end: at(p.end) })));
  });
}
