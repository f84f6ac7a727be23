/**
 * Recurrence expansion (RFC 5545 §3.8.5 RRULE/RDATE/EXDATE, §3.8.4.4 RECURRENCE-ID and
 * THISANDFUTURE) as seen by expandInstances and by time-range queries (RFC 4791 §9.9).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReefknotError } from '../../../src/domain/errors.js';
import { matchesCalendarFilter } from '../../../src/domain/query/evaluate.js';
import { expandInstances, instancesOverHorizon } from '../../../src/domain/recurrence/instances.js';
import { calendar, comp, fixture, NEW_YORK_CALENDAR, range, utc, wrap } from '../query/fixtures.js';

const iso = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

interface Case {
  name: string;
  body: string;
  withNewYork?: boolean;
  defaultTimezone?: string;
  start: string;
  end: string;
  /** Each instance as START/END (UTC) with '*' when it comes from an override. */
  expected: string[];
}

const ev = (lines: string): string => `BEGIN:VEVENT\nUID:r\nDTSTAMP:20060101T000000Z\n${lines}\nEND:VEVENT`;

const cases: Case[] = [
  {
    name: 'daily with COUNT, range in the middle',
    body: ev('DTSTART:20060102T100000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=5'),
    start: '20060103T000000Z',
    end: '20060105T000000Z',
    expected: ['20060103T100000Z/20060103T110000Z', '20060104T100000Z/20060104T110000Z'],
  },
  {
    name: 'EXDATE removes an instance, RDATE adds one',
    body: ev('DTSTART:20060102T100000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=3\nEXDATE:20060103T100000Z\nRDATE:20060110T150000Z'),
    start: '20060101T000000Z',
    end: '20060201T000000Z',
    expected: ['20060102T100000Z/20060102T110000Z', '20060104T100000Z/20060104T110000Z', '20060110T150000Z/20060110T160000Z'],
  },
  {
    name: 'RDATE as a PERIOD keeps its own end',
    body: ev('DTSTART:20060102T100000Z\nDURATION:PT1H\nRDATE;VALUE=PERIOD:20060105T080000Z/PT3H'),
    start: '20060101T000000Z',
    end: '20060201T000000Z',
    expected: ['20060102T100000Z/20060102T110000Z', '20060105T080000Z/20060105T110000Z'],
  },
  {
    name: 'override moved into the range counts; the master instance it replaces does not',
    body: `${ev('DTSTART:20060102T100000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=5')}\n${ev('RECURRENCE-ID:20060102T100000Z\nDTSTART:20060110T100000Z\nDURATION:PT2H\nSUMMARY:moved')}`,
    start: '20060110T000000Z',
    end: '20060111T000000Z',
    expected: ['20060110T100000Z/20060110T120000Z*'],
  },
  {
    name: 'override moved out of the range no longer counts there',
    body: `${ev('DTSTART:20060102T100000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=5')}\n${ev('RECURRENCE-ID:20060103T100000Z\nDTSTART:20060120T100000Z\nDURATION:PT1H')}`,
    start: '20060103T000000Z',
    end: '20060104T000000Z',
    expected: [],
  },
  {
    name: 'RANGE=THISANDFUTURE moves that instance and every later one',
    body: `${ev('DTSTART:20060102T100000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=5')}\n${ev('RECURRENCE-ID;RANGE=THISANDFUTURE:20060104T100000Z\nDTSTART:20060104T140000Z\nDURATION:PT30M')}`,
    start: '20060103T000000Z',
    end: '20060107T000000Z',
    expected: ['20060103T100000Z/20060103T110000Z', '20060104T140000Z/20060104T143000Z*', '20060105T140000Z/20060105T143000Z*', '20060106T140000Z/20060106T143000Z*'],
  },
  {
    name: 'all-day weekly event',
    body: ev('DTSTART;VALUE=DATE:20060102\nDTEND;VALUE=DATE:20060103\nRRULE:FREQ=WEEKLY;COUNT=3'),
    start: '20060108T000000Z',
    end: '20060131T000000Z',
    expected: ['20060109T000000Z/20060110T000000Z', '20060116T000000Z/20060117T000000Z'],
  },
  {
    name: 'floating times use the default time zone (New York, EST)',
    body: ev('DTSTART:20060102T100000\nDURATION:PT1H'),
    defaultTimezone: NEW_YORK_CALENDAR,
    start: '20060101T000000Z',
    end: '20060201T000000Z',
    expected: ['20060102T150000Z/20060102T160000Z'],
  },
  {
    name: 'floating times are UTC without a default time zone',
    body: ev('DTSTART:20060102T100000\nDURATION:PT1H'),
    start: '20060101T000000Z',
    end: '20060201T000000Z',
    expected: ['20060102T100000Z/20060102T110000Z'],
  },
  {
    name: 'all-day events are floating too',
    body: ev('DTSTART;VALUE=DATE:20060102'),
    defaultTimezone: NEW_YORK_CALENDAR,
    start: '20060101T000000Z',
    end: '20060201T000000Z',
    expected: ['20060102T050000Z/20060103T050000Z'],
  },
  {
    name: 'a VTIMEZONE-defined zone across a DST change keeps the wall-clock time',
    body: ev('DTSTART;TZID=America/New_York:20070310T090000\nDTEND;TZID=America/New_York:20070310T100000\nRRULE:FREQ=DAILY;COUNT=2'),
    withNewYork: true,
    start: '20070301T000000Z',
    end: '20070401T000000Z',
    expected: ['20070310T140000Z/20070310T150000Z', '20070311T130000Z/20070311T140000Z'],
  },
  {
    name: 'unbounded rule stops at the end of the range',
    body: ev('DTSTART:20060102T100000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY'),
    start: '20060201T000000Z',
    end: '20060215T000000Z',
    expected: ['20060206T100000Z/20060206T110000Z', '20060213T100000Z/20060213T110000Z'],
  },
];

for (const c of cases) {
  test(`expandInstances: ${c.name}`, () => {
    const got = expandInstances(wrap(c.body, c.withNewYork), { start: utc(c.start), end: utc(c.end) }, { maxInstances: 100, defaultTimezone: c.defaultTimezone });
    assert.deepEqual(
      got.map((i) => `${iso(i.start)}/${iso(i.end)}${i.isOverride ? '*' : ''}`),
      c.expected,
    );
    const filter = calendar(comp('VEVENT', { timeRange: range(c.start, c.end) }));
    assert.equal(matchesCalendarFilter(wrap(c.body, c.withNewYork), filter, { maxInstances: 100, defaultTimezone: c.defaultTimezone }), c.expected.length > 0);
  });
}

test('RFC 4791 Appendix B abcd2: overrides applied, recurrence ids kept', () => {
  const got = expandInstances(fixture('abcd2'), { start: utc('20060101T000000Z'), end: utc('20060201T000000Z') }, { maxInstances: 100 });
  assert.deepEqual(
    got.map((i) => [iso(i.recurrenceId), iso(i.start), String(i.component.getFirstPropertyValue('summary'))]),
    [
      ['20060102T170000Z', '20060102T170000Z', 'Event #2'],
      ['20060103T170000Z', '20060103T170000Z', 'Event #2'],
      ['20060104T170000Z', '20060104T190000Z', 'Event #2 bis'],
      ['20060105T170000Z', '20060105T170000Z', 'Event #2'],
      ['20060106T170000Z', '20060106T190000Z', 'Event #2 bis bis'],
    ],
  );
});

const secondly = wrap(ev('DTSTART:20060102T100000Z\nDURATION:PT1S\nRRULE:FREQ=SECONDLY'));

test('unbounded FREQ=SECONDLY over a wide range exceeds maxInstances', () => {
  const wide = { start: utc('20060101T000000Z'), end: utc('20070101T000000Z') };
  assert.throws(() => expandInstances(secondly, wide, { maxInstances: 1000 }), (e: unknown) => e instanceof ReefknotError && e.kind === 'too-many-instances');
});

test('unbounded FREQ=SECONDLY over a narrow range is fine', () => {
  const narrow = { start: utc('20060102T100000Z'), end: utc('20060102T100010Z') };
  assert.equal(expandInstances(secondly, narrow, { maxInstances: 1000 }).length, 10);
});

test('a time-range query on a simple FREQ=SECONDLY far from DTSTART jumps along the rule instead of walking it', () => {
  const filter = calendar(comp('VEVENT', { timeRange: range('20300101T000000Z', '20300102T000000Z') }));
  assert.equal(matchesCalendarFilter(secondly, filter, { maxInstances: 100 }), true);
});

test('a rule with BYxxx parts far from DTSTART is still bounded by the work budget', () => {
  const hourly = wrap(ev('DTSTART:20060102T100000Z\nDURATION:PT1S\nRRULE:FREQ=SECONDLY;BYSECOND=0,30'));
  const filter = calendar(comp('VEVENT', { timeRange: range('20300101T000000Z', '20300102T000000Z') }));
  assert.throws(() => matchesCalendarFilter(hourly, filter, { maxInstances: 100 }), (e: unknown) => e instanceof ReefknotError && e.kind === 'too-many-instances');
});

test('an open-ended time-range on an unbounded rule matches without expanding forever', () => {
  const filter = calendar(comp('VEVENT', { timeRange: range('20060102T100100Z', null) }));
  assert.equal(matchesCalendarFilter(secondly, filter, { maxInstances: 100 }), true);
});

test('instancesOverHorizon lists the horizon and says whether the set continues', () => {
  const weekly = wrap(ev('DTSTART:20060102T100000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY'));
  const finite = wrap(ev('DTSTART:20060102T100000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;COUNT=2'));
  const horizon = { start: utc('20060101T000000Z'), end: utc('20060201T000000Z') };
  const open = instancesOverHorizon(weekly, horizon, { maxInstances: 100 });
  assert.equal(open.instances.length, 5);
  assert.equal(open.continues, true);
  const closed = instancesOverHorizon(finite, horizon, { maxInstances: 100 });
  assert.deepEqual(closed.instances.map((i) => iso(i.start)), ['20060102T100000Z', '20060109T100000Z']);
  assert.equal(closed.continues, false);
});
