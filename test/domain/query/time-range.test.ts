/** RFC 4791 §9.9 time-range tables, row by row: VEVENT, VTODO, VJOURNAL, VFREEBUSY, VALARM, properties. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesCalendarFilter } from '../../../src/domain/query/evaluate.js';
import { calendar, comp, prop, range, wrap } from './fixtures.js';

interface Case {
  name: string;
  body: string;
  start: string | null;
  end: string | null;
  expected: boolean;
}

const event = (lines: string): string => `BEGIN:VEVENT\nUID:e\nDTSTAMP:20060101T000000Z\n${lines}\nEND:VEVENT`;
const todo = (lines: string): string => `BEGIN:VTODO\nUID:t\nDTSTAMP:20060101T000000Z\n${lines}\nEND:VTODO`;
const journal = (lines: string): string => `BEGIN:VJOURNAL\nUID:j\nDTSTAMP:20060101T000000Z\n${lines}\nEND:VJOURNAL`;

function run(type: string, cases: Case[]): void {
  for (const c of cases) {
    test(`RFC 4791 §9.9 ${type}: ${c.name}`, () => {
      const filter = calendar(comp(type, { timeRange: range(c.start, c.end) }));
      assert.equal(matchesCalendarFilter(wrap(c.body), filter, { maxInstances: 100 }), c.expected);
    });
  }
}

run('VEVENT', [
  { name: 'DTEND overlaps', body: event('DTSTART:20060104T100000Z\nDTEND:20060104T110000Z'), start: '20060104T103000Z', end: '20060104T120000Z', expected: true },
  { name: 'DTEND: range starting at DTEND does not overlap', body: event('DTSTART:20060104T100000Z\nDTEND:20060104T110000Z'), start: '20060104T110000Z', end: '20060104T120000Z', expected: false },
  { name: 'DTEND: range ending at DTSTART does not overlap', body: event('DTSTART:20060104T100000Z\nDTEND:20060104T110000Z'), start: '20060104T090000Z', end: '20060104T100000Z', expected: false },
  { name: 'DURATION > 0 overlaps', body: event('DTSTART:20060104T100000Z\nDURATION:PT1H'), start: '20060104T105959Z', end: '20060104T120000Z', expected: true },
  { name: 'DURATION > 0 ends before range', body: event('DTSTART:20060104T100000Z\nDURATION:PT1H'), start: '20060104T110000Z', end: '20060104T120000Z', expected: false },
  { name: 'DURATION 0: start <= DTSTART', body: event('DTSTART:20060104T100000Z\nDURATION:PT0S'), start: '20060104T100000Z', end: '20060104T110000Z', expected: true },
  { name: 'DURATION 0: end must be after DTSTART', body: event('DTSTART:20060104T100000Z\nDURATION:PT0S'), start: '20060104T090000Z', end: '20060104T100000Z', expected: false },
  { name: 'DATE-TIME without end: instant in range', body: event('DTSTART:20060104T100000Z'), start: '20060104T100000Z', end: '20060104T100001Z', expected: true },
  { name: 'DATE-TIME without end: instant before range', body: event('DTSTART:20060104T100000Z'), start: '20060104T100001Z', end: '20060104T110000Z', expected: false },
  { name: 'all-day without DTEND lasts one day (last second)', body: event('DTSTART;VALUE=DATE:20060104'), start: '20060104T235959Z', end: '20060105T010000Z', expected: true },
  { name: 'all-day without DTEND: next day does not match', body: event('DTSTART;VALUE=DATE:20060104'), start: '20060105T000000Z', end: '20060106T000000Z', expected: false },
  { name: 'all-day with DTEND over three days', body: event('DTSTART;VALUE=DATE:20060104\nDTEND;VALUE=DATE:20060107'), start: '20060106T120000Z', end: '20060106T130000Z', expected: true },
  { name: 'open end', body: event('DTSTART:20060104T100000Z\nDURATION:PT1H'), start: '20060104T103000Z', end: null, expected: true },
  { name: 'open start', body: event('DTSTART:20060104T100000Z\nDURATION:PT1H'), start: null, end: '20060104T100000Z', expected: false },
]);

run('VTODO', [
  { name: 'DTSTART+DURATION: range inside', body: todo('DTSTART:20060104T100000Z\nDURATION:PT2H'), start: '20060104T103000Z', end: '20060104T110000Z', expected: true },
  { name: 'DTSTART+DURATION: start <= DTSTART+DURATION (equal)', body: todo('DTSTART:20060104T100000Z\nDURATION:PT2H'), start: '20060104T120000Z', end: '20060104T130000Z', expected: true },
  { name: 'DTSTART+DURATION: after the end', body: todo('DTSTART:20060104T100000Z\nDURATION:PT2H'), start: '20060104T120001Z', end: '20060104T130000Z', expected: false },
  { name: 'DTSTART+DURATION: before DTSTART', body: todo('DTSTART:20060104T100000Z\nDURATION:PT2H'), start: '20060104T080000Z', end: '20060104T100000Z', expected: false },
  { name: 'DTSTART+DUE: overlap', body: todo('DTSTART:20060104T100000Z\nDUE:20060104T120000Z'), start: '20060104T110000Z', end: '20060104T130000Z', expected: true },
  { name: 'DTSTART+DUE: range starts at DUE', body: todo('DTSTART:20060104T100000Z\nDUE:20060104T120000Z'), start: '20060104T120000Z', end: '20060104T130000Z', expected: false },
  { name: 'DTSTART+DUE: range ends at DTSTART', body: todo('DTSTART:20060104T100000Z\nDUE:20060104T120000Z'), start: '20060104T090000Z', end: '20060104T100000Z', expected: false },
  { name: 'DTSTART only: start <= DTSTART < end', body: todo('DTSTART:20060104T100000Z'), start: '20060104T100000Z', end: '20060104T100001Z', expected: true },
  { name: 'DTSTART only: after', body: todo('DTSTART:20060104T100000Z'), start: '20060104T100001Z', end: '20060105T000000Z', expected: false },
  { name: 'DUE only: start < DUE <= end', body: todo('DUE:20060104T100000Z'), start: '20060104T090000Z', end: '20060104T100000Z', expected: true },
  { name: 'DUE only: range starting at DUE', body: todo('DUE:20060104T100000Z'), start: '20060104T100000Z', end: '20060104T110000Z', expected: false },
  { name: 'COMPLETED+CREATED: range between them', body: todo('CREATED:20060101T000000Z\nCOMPLETED:20060110T000000Z'), start: '20060104T000000Z', end: '20060105T000000Z', expected: true },
  { name: 'COMPLETED+CREATED: range after both', body: todo('CREATED:20060101T000000Z\nCOMPLETED:20060110T000000Z'), start: '20060111T000000Z', end: '20060112T000000Z', expected: false },
  { name: 'COMPLETED+CREATED: range before both', body: todo('CREATED:20060101T000000Z\nCOMPLETED:20060110T000000Z'), start: '20051201T000000Z', end: '20051231T000000Z', expected: false },
  { name: 'COMPLETED only: inclusive end', body: todo('COMPLETED:20060104T100000Z'), start: '20060104T090000Z', end: '20060104T100000Z', expected: true },
  { name: 'COMPLETED only: outside', body: todo('COMPLETED:20060104T100000Z'), start: '20060104T100001Z', end: '20060104T110000Z', expected: false },
  { name: 'CREATED only: end > CREATED', body: todo('CREATED:20060104T100000Z'), start: '20050101T000000Z', end: '20060104T100001Z', expected: true },
  { name: 'CREATED only: end = CREATED', body: todo('CREATED:20060104T100000Z'), start: '20050101T000000Z', end: '20060104T100000Z', expected: false },
  { name: 'no dates: always', body: todo('SUMMARY:undated'), start: '19000101T000000Z', end: '19000102T000000Z', expected: true },
]);

run('VJOURNAL', [
  { name: 'DATE-TIME: start <= DTSTART < end', body: journal('DTSTART:20060104T100000Z'), start: '20060104T100000Z', end: '20060104T110000Z', expected: true },
  { name: 'DATE-TIME: DTSTART at the end is outside', body: journal('DTSTART:20060104T100000Z'), start: '20060104T090000Z', end: '20060104T100000Z', expected: false },
  { name: 'DATE: the whole day', body: journal('DTSTART;VALUE=DATE:20060104'), start: '20060104T230000Z', end: '20060105T010000Z', expected: true },
  { name: 'DATE: the next day', body: journal('DTSTART;VALUE=DATE:20060104'), start: '20060105T000000Z', end: '20060105T010000Z', expected: false },
  { name: 'no DTSTART: never', body: journal('SUMMARY:x'), start: '19000101T000000Z', end: '22000101T000000Z', expected: false },
]);

const fb = (lines: string): string => `BEGIN:VFREEBUSY\nUID:f\nDTSTAMP:20060101T000000Z\n${lines}\nEND:VFREEBUSY`;
run('VFREEBUSY', [
  { name: 'DTSTART/DTEND: start <= DTEND', body: fb('DTSTART:20060101T000000Z\nDTEND:20060108T000000Z'), start: '20060108T000000Z', end: '20060109T000000Z', expected: true },
  { name: 'DTSTART/DTEND: end > DTSTART', body: fb('DTSTART:20060101T000000Z\nDTEND:20060108T000000Z'), start: '20051231T000000Z', end: '20060101T000000Z', expected: false },
  { name: 'FREEBUSY periods only: one overlaps', body: fb('FREEBUSY:20060102T100000Z/PT2H,20060103T100000Z/20060103T120000Z'), start: '20060103T110000Z', end: '20060103T113000Z', expected: true },
  { name: 'FREEBUSY periods only: between periods', body: fb('FREEBUSY:20060102T100000Z/PT2H\nFREEBUSY:20060103T100000Z/20060103T120000Z'), start: '20060102T120000Z', end: '20060103T100000Z', expected: false },
  { name: 'neither: false', body: fb('ORGANIZER:mailto:a@example.com'), start: '19000101T000000Z', end: '22000101T000000Z', expected: false },
]);

const alarmEvent = (trigger: string, extra = ''): string =>
  event(`DTSTART:20060104T100000Z\nDURATION:PT1H\n${extra}BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:x\n${trigger}\nEND:VALARM`);

for (const c of [
  { name: 'relative to start', body: alarmEvent('TRIGGER:-PT15M'), start: '20060104T094500Z', end: '20060104T094501Z', expected: true },
  { name: 'relative to start, outside', body: alarmEvent('TRIGGER:-PT15M'), start: '20060104T094501Z', end: '20060104T100000Z', expected: false },
  { name: 'relative to end', body: alarmEvent('TRIGGER;RELATED=END:PT5M'), start: '20060104T110500Z', end: '20060104T110600Z', expected: true },
  { name: 'absolute', body: alarmEvent('TRIGGER;VALUE=DATE-TIME:20060103T080000Z'), start: '20060103T080000Z', end: '20060103T090000Z', expected: true },
  { name: 'repeats: the third repetition', body: alarmEvent('TRIGGER:-PT30M\nREPEAT:3\nDURATION:PT10M'), start: '20060104T100000Z', end: '20060104T100001Z', expected: true },
  { name: 'repeats: after the last repetition', body: alarmEvent('TRIGGER:-PT30M\nREPEAT:2\nDURATION:PT10M'), start: '20060104T095500Z', end: '20060104T100000Z', expected: false },
  { name: 'every instance of a recurring event', body: alarmEvent('TRIGGER:-PT1D', 'RRULE:FREQ=WEEKLY\n'), start: '20070102T100000Z', end: '20070102T100001Z', expected: true },
  { name: 'recurring event, no trigger in range', body: alarmEvent('TRIGGER:-PT1D', 'RRULE:FREQ=WEEKLY\n'), start: '20070103T100000Z', end: '20070108T000000Z', expected: false },
]) {
  test(`RFC 4791 §9.9 VALARM: ${c.name}`, () => {
    const filter = calendar(comp('VEVENT', { compFilters: [comp('VALARM', { timeRange: range(c.start, c.end) })] }));
    assert.equal(matchesCalendarFilter(wrap(c.body), filter, { maxInstances: 1000 }), c.expected);
  });
}

for (const c of [
  { name: 'DTSTAMP DATE-TIME inside', p: 'DTSTAMP', start: '20060101T000000Z', end: '20060101T000001Z', expected: true },
  { name: 'DTSTAMP DATE-TIME at the end', p: 'DTSTAMP', start: '20051231T000000Z', end: '20060101T000000Z', expected: false },
  { name: 'DTSTART DATE: the whole day', p: 'DTSTART', start: '20060104T120000Z', end: '20060104T130000Z', expected: true },
  { name: 'absent property', p: 'COMPLETED', start: '19000101T000000Z', end: '22000101T000000Z', expected: false },
]) {
  test(`RFC 4791 §9.9 property time-range: ${c.name}`, () => {
    const filter = calendar(comp('VEVENT', { propFilters: [prop(c.p, { timeRange: range(c.start, c.end) })] }));
    assert.equal(matchesCalendarFilter(wrap(event('DTSTART;VALUE=DATE:20060104')), filter, { maxInstances: 10 }), c.expected);
  });
}
