/** What non-owners see of private and confidential items (RFC 5545 §3.8.1.3 CLASS). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactedText } from '../../../src/domain/acl/redact.js';

const cal = (klass: string): string => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260110T100000Z\r\nDTEND:20260110T110000Z\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\n${klass ? `CLASS:${klass}\r\n` : ''}SUMMARY:Dentist\r\nLOCATION:Main St\r\nDESCRIPTION:Root canal\r\nORGANIZER:mailto:a@x.org\r\nATTENDEE:mailto:b@x.org\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Go\r\nTRIGGER:-PT10M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;

const rows: [string, string, boolean][] = [
  ['public items are unchanged', '', false],
  ['CLASS:PUBLIC items are unchanged', 'PUBLIC', false],
  ['private items keep only busy time', 'PRIVATE', true],
  ['confidential items keep only busy time', 'CONFIDENTIAL', true],
];

for (const [name, klass, redacted] of rows) {
  test(`redact: ${name}`, () => {
    const out = redactedText(cal(klass));
    if (!redacted) {
      assert.equal(out, cal(klass));
      return;
    }
    for (const kept of ['UID:x', 'DTSTART:20260110T100000Z', 'DTEND:20260110T110000Z', 'RRULE:FREQ=WEEKLY;COUNT=2', `CLASS:${klass}`]) assert.match(out, new RegExp(kept));
    for (const gone of ['Dentist', 'Main St', 'Root canal', 'mailto:', 'VALARM']) assert.doesNotMatch(out, new RegExp(gone));
  });
}
