/** RFC 4791 §9.7.2–9.7.5: prop-filter, param-filter, is-not-defined, text-match collations and negation. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidFilterError, matchesCalendarFilter, validateFilter } from '../../../src/domain/query/evaluate.js';
import { textMatches } from '../../../src/domain/query/text-match.js';
import type { Collation, CompFilter, PropFilter } from '../../../src/domain/query/types.js';
import { calendar, comp, param, prop, range, text, wrap } from './fixtures.js';

const collationCases: { haystack: string; needle: string; collation: Collation; expected: boolean }[] = [
  { haystack: 'Meeting', needle: 'meet', collation: 'i;ascii-casemap', expected: true },
  { haystack: 'Meeting', needle: 'meet', collation: 'i;octet', expected: false },
  { haystack: 'Meeting', needle: 'Meet', collation: 'i;octet', expected: true },
  { haystack: 'Café', needle: 'CAFÉ', collation: 'i;ascii-casemap', expected: false },
  { haystack: 'Café', needle: 'CAFÉ', collation: 'i;unicode-casemap', expected: true },
  { haystack: 'Cafe\u0301', needle: 'CAFÉ', collation: 'i;unicode-casemap', expected: true },
  { haystack: 'ΣΊΣΥΦΟΣ', needle: 'σίσυφος', collation: 'i;unicode-casemap', expected: true },
  { haystack: 'Straße', needle: 'STRASSE', collation: 'i;unicode-casemap', expected: false },
  { haystack: 'anything', needle: '', collation: 'i;octet', expected: true },
];

for (const c of collationCases) {
  test(`text-match ${c.collation}: '${c.needle}' in '${c.haystack}' is ${c.expected}`, () => {
    assert.equal(textMatches(c.haystack, text(c.needle, c.collation)), c.expected);
    assert.equal(textMatches(c.haystack, text(c.needle, c.collation, true)), !c.expected);
  });
}

const EVENT = `BEGIN:VEVENT
UID:meeting-1
DTSTAMP:20060101T000000Z
DTSTART:20060104T100000Z
SUMMARY:Budget Review
CATEGORIES:WORK,FINANCE
ATTENDEE;PARTSTAT=ACCEPTED;ROLE=CHAIR;CN=Cyrus:mailto:cyrus@example.com
ATTENDEE;PARTSTAT=DECLINED;DELEGATED-TO="mailto:a@example.com","mailto:b@example.com":mailto:lisa@example.com
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Reminder
TRIGGER:-PT5M
END:VALARM
END:VEVENT`;

const inEvent = (...propFilters: PropFilter[]): CompFilter => calendar(comp('VEVENT', { propFilters }));

const filterCases: { name: string; filter: CompFilter; expected: boolean }[] = [
  { name: 'property exists', filter: inEvent(prop('SUMMARY')), expected: true },
  { name: 'property missing', filter: inEvent(prop('LOCATION')), expected: false },
  { name: 'is-not-defined on a missing property', filter: inEvent(prop('LOCATION', { isNotDefined: true })), expected: true },
  { name: 'is-not-defined on a present property', filter: inEvent(prop('SUMMARY', { isNotDefined: true })), expected: false },
  { name: 'text-match substring', filter: inEvent(prop('SUMMARY', { textMatch: text('get rev') })), expected: true },
  { name: 'text-match negated', filter: inEvent(prop('SUMMARY', { textMatch: text('budget', 'i;ascii-casemap', true) })), expected: false },
  { name: 'text-match on a multi-valued property', filter: inEvent(prop('CATEGORIES', { textMatch: text('finance') })), expected: true },
  { name: 'any of several properties', filter: inEvent(prop('ATTENDEE', { textMatch: text('lisa') })), expected: true },
  { name: 'negation holds for one of several properties', filter: inEvent(prop('ATTENDEE', { textMatch: text('lisa', 'i;ascii-casemap', true) })), expected: true },
  { name: 'param-filter on the same property', filter: inEvent(prop('ATTENDEE', { textMatch: text('lisa'), paramFilters: [param('PARTSTAT', { textMatch: text('DECLINED') })] })), expected: true },
  { name: 'param-filter must hold on the matching property', filter: inEvent(prop('ATTENDEE', { textMatch: text('lisa'), paramFilters: [param('PARTSTAT', { textMatch: text('ACCEPTED') })] })), expected: false },
  { name: 'param exists', filter: inEvent(prop('ATTENDEE', { paramFilters: [param('ROLE')] })), expected: true },
  { name: 'param is-not-defined', filter: inEvent(prop('ATTENDEE', { textMatch: text('lisa'), paramFilters: [param('ROLE', { isNotDefined: true })] })), expected: true },
  { name: 'param is-not-defined fails when present', filter: inEvent(prop('ATTENDEE', { textMatch: text('cyrus'), paramFilters: [param('ROLE', { isNotDefined: true })] })), expected: false },
  { name: 'multi-valued param', filter: inEvent(prop('ATTENDEE', { paramFilters: [param('DELEGATED-TO', { textMatch: text('b@example') })] })), expected: true },
  { name: 'param text-match negated', filter: inEvent(prop('ATTENDEE', { paramFilters: [param('PARTSTAT', { textMatch: text('ACCEPTED', 'i;ascii-casemap', true) })] })), expected: true },
  { name: 'nested comp-filter', filter: calendar(comp('VEVENT', { compFilters: [comp('VALARM', { propFilters: [prop('ACTION', { textMatch: text('display') })] })] })), expected: true },
  { name: 'nested comp-filter is-not-defined', filter: calendar(comp('VEVENT', { compFilters: [comp('VALARM', { isNotDefined: true })] })), expected: false },
  { name: 'comp-filter is-not-defined', filter: calendar(comp('VTODO', { isNotDefined: true })), expected: true },
  { name: 'all conditions must hold', filter: inEvent(prop('SUMMARY'), prop('LOCATION')), expected: false },
];

for (const c of filterCases) {
  test(`RFC 4791 §9.7 filter: ${c.name}`, () => {
    assert.equal(matchesCalendarFilter(wrap(EVENT), c.filter, { maxInstances: 10 }), c.expected);
  });
}

const invalid: { name: string; filter: CompFilter }[] = [
  { name: 'top comp-filter not VCALENDAR', filter: comp('VEVENT') },
  { name: 'time-range start >= end', filter: calendar(comp('VEVENT', { timeRange: range('20060105T000000Z', '20060104T000000Z') })) },
  { name: 'time-range start == end', filter: calendar(comp('VEVENT', { timeRange: range('20060105T000000Z', '20060105T000000Z') })) },
  { name: 'time-range without bounds', filter: calendar(comp('VEVENT', { timeRange: { start: null, end: null } })) },
  { name: 'is-not-defined with other conditions', filter: calendar(comp('VEVENT', { isNotDefined: true, propFilters: [prop('UID')] })) },
  { name: 'prop-filter with time-range and text-match', filter: inEvent(prop('DTSTART', { textMatch: text('2006'), timeRange: range('20060101T000000Z', null) })) },
];

for (const c of invalid) {
  test(`validateFilter refuses: ${c.name}`, () => {
    assert.throws(() => validateFilter(c.filter), InvalidFilterError);
    assert.throws(() => matchesCalendarFilter(wrap(EVENT), c.filter, { maxInstances: 10 }), InvalidFilterError);
  });
}
