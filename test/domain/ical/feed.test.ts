import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinCalendars, splitByUid } from '../../../src/domain/ical/feed.js';

const tz = 'BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n';
const cal = (body: string): string => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\n${body}END:VCALENDAR\r\n`;
const ev = (uid: string, extra = ''): string => `BEGIN:VEVENT\r\nUID:${uid}\r\nDTSTART;TZID=Europe/Paris:20260110T100000\r\n${extra}END:VEVENT\r\n`;

test('joinCalendars keeps one header, each VTIMEZONE once, and every component', () => {
  const out = joinCalendars([cal(tz + ev('a')), cal(tz + ev('b'))], { prodid: '-//P//EN', name: 'Team' });
  assert.equal(out.match(/BEGIN:VCALENDAR/g)?.length, 1);
  assert.equal(out.match(/BEGIN:VTIMEZONE/g)?.length, 1);
  assert.equal(out.match(/BEGIN:VEVENT/g)?.length, 2);
  assert.match(out, /X-WR-CALNAME:Team/);
  assert.doesNotMatch(out, /PRODID:-\/\/x/);
});

test('splitByUid groups overrides with their master and carries the zones they use', () => {
  const parts = splitByUid(cal(tz + ev('a') + ev('b') + ev('a', 'RECURRENCE-ID;TZID=Europe/Paris:20260111T100000\r\n')));
  assert.deepEqual(parts.map((p) => p.uid).sort(), ['a', 'b']);
  const a = parts.find((p) => p.uid === 'a')?.text ?? '';
  assert.equal(a.match(/BEGIN:VEVENT/g)?.length, 2);
  assert.match(a, /BEGIN:VTIMEZONE/);
});

test('splitByUid reports components without a UID under the empty UID', () => {
  const parts = splitByUid(cal('BEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\n'));
  assert.deepEqual(parts.map((p) => p.uid), ['']);
});
