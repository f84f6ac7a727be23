/** RFC 4791 §9.6.5 expand, §9.6.6 limit-recurrence-set, §9.6.7 limit-freebusy-set; examples §7.8.2–7.8.4. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandCalendarData, limitFreebusySet, limitRecurrenceSet } from '../../../src/domain/recurrence/expand.js';
import { fixture, parse, utc, wrap } from '../query/fixtures.js';

const r = (start: string, end: string): { start: number; end: number } => ({ start: utc(start), end: utc(end) });

/** The components of a calendar as lists of content lines, DTSTAMP left out, for comparison. */
function shape(text: string): string[][] {
  return parse(text)
    .getAllSubcomponents()
    .map((c) => c.toString().split('\r\n').filter((l) => l !== '' && !l.startsWith('DTSTAMP')));
}

const expandCases: { name: string; object: () => ReturnType<typeof fixture>; range: [string, string]; expected: string[][] }[] = [
  {
    name: 'RFC 4791 §7.8.3 abcd2: two instances, the second one overridden',
    object: () => fixture('abcd2'),
    range: ['20060103T000000Z', '20060105T000000Z'],
    expected: [
      ['BEGIN:VEVENT', 'DTSTART:20060103T170000Z', 'DURATION:PT1H', 'SUMMARY:Event #2', 'UID:00959BC664CA650E933C892C@example.com', 'RECURRENCE-ID:20060103T170000Z', 'END:VEVENT'],
      ['BEGIN:VEVENT', 'DTSTART:20060104T190000Z', 'DURATION:PT1H', 'SUMMARY:Event #2 bis', 'UID:00959BC664CA650E933C892C@example.com', 'RECURRENCE-ID:20060104T170000Z', 'END:VEVENT'],
    ],
  },
  {
    name: 'RFC 4791 §7.8.3 abcd3: a single event in UTC, no RECURRENCE-ID, no VTIMEZONE',
    object: () => fixture('abcd3'),
    range: ['20060103T000000Z', '20060105T000000Z'],
    expected: [
      [
        'BEGIN:VEVENT',
        'ATTENDEE;PARTSTAT=ACCEPTED;ROLE=CHAIR:mailto:cyrus@example.com',
        'ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:lisa@example.com',
        'DTSTART:20060104T150000Z',
        'DURATION:PT1H',
        'LAST-MODIFIED:20060206T001330Z',
        'ORGANIZER:mailto:cyrus@example.com',
        'SEQUENCE:1',
        'STATUS:TENTATIVE',
        'SUMMARY:Event #3',
        'UID:DC6C50A017428C5216A2F1CD@example.com',
        'X-ABC-GUID:E1CX5Dr-0007ym-Hz@example.com',
        'END:VEVENT',
      ],
    ],
  },
  {
    name: 'EXDATE and DTEND: DTEND rewritten per instance, recurrence properties gone',
    object: () => wrap('BEGIN:VEVENT\nUID:x\nDTSTART:20060102T100000Z\nDTEND:20060102T113000Z\nRRULE:FREQ=DAILY;COUNT=4\nEXDATE:20060103T100000Z\nEND:VEVENT'),
    range: ['20060103T000000Z', '20060105T000000Z'],
    expected: [['BEGIN:VEVENT', 'UID:x', 'DTSTART:20060104T100000Z', 'DTEND:20060104T113000Z', 'RECURRENCE-ID:20060104T100000Z', 'END:VEVENT']],
  },
];

for (const c of expandCases) {
  test(`expandCalendarData: ${c.name}`, () => {
    const text = expandCalendarData(c.object(), r(...c.range), { maxInstances: 100 });
    assert.deepEqual(shape(text), c.expected);
    assert.doesNotMatch(text, /VTIMEZONE|RRULE|TZID/);
  });
}

const summaries = (text: string): string[] => parse(text).getAllSubcomponents('vevent').map((c) => String(c.getFirstPropertyValue('summary')));

const limitCases: { name: string; object: () => ReturnType<typeof fixture>; range: [string, string]; expected: string[] }[] = [
  { name: 'RFC 4791 §7.8.2 abcd2 keeps the master and the override of the 4th', object: () => fixture('abcd2'), range: ['20060103T000000Z', '20060105T000000Z'], expected: ['Event #2', 'Event #2 bis'] },
  { name: 'an override counts by its original time too', object: () => fixture('abcd2'), range: ['20060106T165000Z', '20060106T171000Z'], expected: ['Event #2', 'Event #2 bis bis'] },
  { name: 'no override in range', object: () => fixture('abcd2'), range: ['20060201T000000Z', '20060202T000000Z'], expected: ['Event #2'] },
  {
    name: 'a THISANDFUTURE override governs later instances',
    object: () =>
      wrap(
        'BEGIN:VEVENT\nUID:t\nDTSTART:20060102T100000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=10\nSUMMARY:master\nEND:VEVENT\nBEGIN:VEVENT\nUID:t\nRECURRENCE-ID;RANGE=THISANDFUTURE:20060104T100000Z\nDTSTART:20060104T120000Z\nDURATION:PT1H\nSUMMARY:future\nEND:VEVENT',
      ),
    range: ['20060108T000000Z', '20060109T000000Z'],
    expected: ['master', 'future'],
  },
];

for (const c of limitCases) {
  test(`limitRecurrenceSet: ${c.name}`, () => {
    assert.deepEqual(summaries(limitRecurrenceSet(c.object(), r(...c.range), { maxInstances: 100 })), c.expected);
  });
}

test('limitFreebusySet: RFC 4791 §7.8.4 keeps only the FREEBUSY values in the range', () => {
  const text = limitFreebusySet(fixture('abcd8'), r('20060102T000000Z', '20060103T000000Z'), { maxInstances: 10 });
  const fb = parse(text).getFirstSubcomponent('vfreebusy');
  assert.deepEqual(
    fb?.getAllProperties('freebusy').map((p) => p.toICALString()),
    ['FREEBUSY;FBTYPE=BUSY-TENTATIVE:20060102T100000Z/20060102T120000Z'],
  );
  assert.equal(String(fb?.getFirstPropertyValue('uid')), '76ef34-54a3d2@example.com');
});
