/** Which objects the time index treats as floating (widened) and which it answers exactly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { hasFloatingTimes, timeIndexOf } from '../../../src/domain/recurrence/time-index.js';

const TZ = 'BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n';
const cal = (body: string): string => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n${body}END:VCALENDAR\r\n`;
const ev = (lines: string): string => `BEGIN:VEVENT\r\nUID:x\r\nDTSTAMP:20260101T000000Z\r\n${lines}END:VEVENT\r\n`;

const rows: [string, string, boolean, boolean][] = [
  ['UTC times', cal(ev('DTSTART:20260110T100000Z\r\nDTEND:20260110T110000Z\r\n')), false, true],
  ['a TZID with its VTIMEZONE (observances are local by definition)', cal(TZ + ev('DTSTART;TZID=Europe/Paris:20260110T100000\r\nDURATION:PT1H\r\n')), false, true],
  ['floating times', cal(ev('DTSTART:20260110T100000\r\nDURATION:PT1H\r\n')), true, false],
  ['an all-day event', cal(ev('DTSTART;VALUE=DATE:20260110\r\n')), true, false],
  ['an instant without length', cal(ev('DTSTART:20260110T100000Z\r\n')), false, false],
  ['a to-do', cal('BEGIN:VTODO\r\nUID:t\r\nDTSTAMP:20260101T000000Z\r\nDUE:20260110T100000Z\r\nEND:VTODO\r\n'), false, false],
];

for (const [name, text, floating, exact] of rows) {
  test(`time index: ${name}`, () => {
    assert.equal(hasFloatingTimes(text), floating);
    const index = timeIndexOf(new ICAL.Component(ICAL.parse(text) as unknown[]), text, { now: Date.UTC(2026, 0, 1), horizonBeforeMs: 1e10, horizonAfterMs: 1e11, maxIndexedInstances: 100 });
    assert.equal(index.exact, exact);
  });
}
