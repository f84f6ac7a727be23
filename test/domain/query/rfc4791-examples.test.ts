/** RFC 4791 §7.8 calendar-query examples against the Appendix B collection: which objects match. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesCalendarFilter, UnsupportedCollationError } from '../../../src/domain/query/evaluate.js';
import type { CompFilter } from '../../../src/domain/query/types.js';
import { APPENDIX_B, calendar, comp, fixture, param, prop, range, text } from './fixtures.js';

const options = { maxInstances: 1000 };

const cases: { section: string; filter: CompFilter; matches: string[] }[] = [
  {
    section: '7.8.1 partial retrieval of events by time range',
    filter: calendar(comp('VEVENT', { timeRange: range('20060104T000000Z', '20060105T000000Z') })),
    matches: ['abcd2', 'abcd3'],
  },
  {
    section: '7.8.2 partial retrieval of recurring events (limit-recurrence-set)',
    filter: calendar(comp('VEVENT', { timeRange: range('20060103T000000Z', '20060105T000000Z') })),
    matches: ['abcd2', 'abcd3'],
  },
  {
    section: '7.8.3 expanded retrieval of recurring events',
    filter: calendar(comp('VEVENT', { timeRange: range('20060103T000000Z', '20060105T000000Z') })),
    matches: ['abcd2', 'abcd3'],
  },
  {
    section: '7.8.4 partial retrieval of stored free busy components',
    filter: calendar(comp('VFREEBUSY', { timeRange: range('20060102T000000Z', '20060103T000000Z') })),
    matches: ['abcd8'],
  },
  {
    section: '7.8.5 retrieval of to-dos by alarm time range',
    filter: calendar(comp('VTODO', { compFilters: [comp('VALARM', { timeRange: range('20060106T100000Z', '20060107T100000Z') })] })),
    matches: ['abcd5'],
  },
  {
    section: '7.8.6 retrieval of event by UID',
    filter: calendar(comp('VEVENT', { propFilters: [prop('UID', { textMatch: text('DC6C50A017428C5216A2F1CD@example.com', 'i;octet') })] })),
    matches: ['abcd3'],
  },
  {
    section: '7.8.7 retrieval of events by PARTSTAT',
    filter: calendar(
      comp('VEVENT', {
        propFilters: [prop('ATTENDEE', { textMatch: text('mailto:lisa@example.com'), paramFilters: [param('PARTSTAT', { textMatch: text('NEEDS-ACTION') })] })],
      }),
    ),
    matches: ['abcd3'],
  },
  {
    section: '7.8.8 retrieval of events only',
    filter: calendar(comp('VEVENT')),
    matches: ['abcd1', 'abcd2', 'abcd3'],
  },
  {
    section: '7.8.9 retrieval of all pending to-dos',
    filter: calendar(comp('VTODO', { propFilters: [prop('COMPLETED', { isNotDefined: true }), prop('STATUS', { textMatch: text('CANCELLED', 'i;ascii-casemap', true) })] })),
    matches: ['abcd4', 'abcd5'],
  },
  {
    section: 'all objects (Appendix B request)',
    filter: calendar(),
    matches: [...APPENDIX_B],
  },
];

for (const c of cases) {
  test(`RFC 4791 §${c.section}`, () => {
    const matched = APPENDIX_B.filter((name) => matchesCalendarFilter(fixture(name), c.filter, options));
    assert.deepEqual(matched, c.matches);
  });
}

test('RFC 4791 §7.8.10 an unsupported collation is refused', () => {
  const filter = calendar(comp('VEVENT', { propFilters: [prop('DESCRIPTION', { textMatch: { value: 'Go Steelers!', collation: 'i;ascii-numeric' as never, negate: false } })] }));
  assert.throws(() => matchesCalendarFilter(fixture('abcd1'), filter, options), UnsupportedCollationError);
});
