import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseCalendarObject } from '../../../src/domain/ical/analyse.js';
import { DEFAULT_CALENDAR_LIMITS } from '../../../src/domain/ical/limits.js';
import { ReefknotError } from '../../../src/domain/errors.js';

const wrap = (body: string): string => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n${body}END:VCALENDAR\r\n`;
const event = (uid: string, extra = ''): string =>
  `BEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260110T100000Z\r\nDTEND:20260110T110000Z\r\n${extra}END:VEVENT\r\n`;

const rejects: [string, string, string][] = [
  ['not iCalendar at all', 'hello world', 'invalid-calendar-data'],
  ['broken syntax', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nnonsense\r\nEND:VCALENDAR\r\n', 'invalid-calendar-data'],
  ['METHOD present', wrap(`METHOD:REQUEST\r\n${event('a')}`), 'invalid-calendar-object'],
  ['two UIDs', wrap(event('a') + event('b')), 'invalid-calendar-object'],
  ['two component types', wrap(event('a') + 'BEGIN:VTODO\r\nUID:a\r\nDTSTAMP:20260101T000000Z\r\nEND:VTODO\r\n'), 'invalid-calendar-object'],
  ['no UID', wrap('BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260110T100000Z\r\nEND:VEVENT\r\n'), 'invalid-calendar-object'],
  ['no component', wrap(''), 'invalid-calendar-object'],
  ['two masters', wrap(event('a') + event('a')), 'invalid-calendar-object'],
  ['before min-date-time', wrap(event('a').replace('20260110T100000Z', '18000110T100000Z')), 'before-min-date'],
  ['after max-date-time', wrap(event('a').replace('20260110T110000Z', '23000110T110000Z')), 'after-max-date'],
  ['too many instances', wrap(event('a', 'RRULE:FREQ=SECONDLY;COUNT=20000\r\n')), 'too-many-instances'],
];

for (const [name, text, kind] of rejects) {
  test(`analyse rejects: ${name}`, () => {
    assert.throws(() => analyseCalendarObject(text, DEFAULT_CALENDAR_LIMITS), (e: unknown) => e instanceof ReefknotError && e.kind === kind);
  });
}

test('analyse rejects too many attendees per instance', () => {
  const attendees = Array.from({ length: 3 }, (_, i) => `ATTENDEE:mailto:p${i}@example.com\r\n`).join('');
  assert.throws(() => analyseCalendarObject(wrap(event('a', attendees)), { ...DEFAULT_CALENDAR_LIMITS, maxAttendeesPerInstance: 2 }),
    (e: unknown) => e instanceof ReefknotError && e.kind === 'too-many-attendees');
});

test('analyse rejects an over-long line and an over-large object', () => {
  const long = wrap(event('a', `DESCRIPTION:${'x'.repeat(200)}\r\n`));
  assert.throws(() => analyseCalendarObject(long, { ...DEFAULT_CALENDAR_LIMITS, maxLineLength: 100 }), (e: unknown) => e instanceof ReefknotError && e.kind === 'invalid-calendar-data');
  assert.throws(() => analyseCalendarObject(long, { ...DEFAULT_CALENDAR_LIMITS, maxResourceSize: 100 }), (e: unknown) => e instanceof ReefknotError && e.kind === 'too-large');
});

const accepts: [string, string, Partial<ReturnType<typeof analyseCalendarObject>>][] = [
  ['a single event', wrap(event('one')), { uid: 'one', componentType: 'VEVENT', recurring: false, firstStart: Date.UTC(2026, 0, 10, 10), lastEnd: Date.UTC(2026, 0, 10, 11) }],
  ['an unbounded weekly event', wrap(event('w', 'RRULE:FREQ=WEEKLY\r\n')), { recurring: true, lastEnd: null }],
  ['a counted daily event', wrap(event('d', 'RRULE:FREQ=DAILY;COUNT=3\r\n')), { recurring: true, lastEnd: Date.UTC(2026, 0, 12, 11) }],
  ['an all-day event without DTEND', wrap('BEGIN:VEVENT\r\nUID:ad\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260110\r\nEND:VEVENT\r\n'),
    { firstStart: Date.UTC(2026, 0, 10), lastEnd: Date.UTC(2026, 0, 11) }],
  ['a todo without dates', wrap('BEGIN:VTODO\r\nUID:t\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:x\r\nEND:VTODO\r\n'), { componentType: 'VTODO', firstStart: null, lastEnd: null }],
  ['an event with an override', wrap(event('o', 'RRULE:FREQ=DAILY;COUNT=2\r\n') + event('o', 'RECURRENCE-ID:20260111T100000Z\r\n')), { recurring: true }],
  ['organizer and attendees', wrap(event('s', 'ORGANIZER:mailto:a@example.com\r\nATTENDEE:mailto:b@example.com\r\n')),
    { organizer: 'mailto:a@example.com', attendees: ['mailto:b@example.com'] }],
  ['a TZID with its VTIMEZONE', wrap('BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n' +
    'BEGIN:VEVENT\r\nUID:tz\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Paris:20260110T100000\r\nEND:VEVENT\r\n'), { firstStart: Date.UTC(2026, 0, 10, 9) }],
];

for (const [name, text, expected] of accepts) {
  test(`analyse accepts: ${name}`, () => {
    const info = analyseCalendarObject(text, DEFAULT_CALENDAR_LIMITS);
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(info[k as keyof typeof info], v, k);
  });
}
