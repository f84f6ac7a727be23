// Shared by the iTIP tables: fixture loading and semantic comparison (property order, PRODID and
// DTSTAMP ignored; addresses compared case-insensitively).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { canonicalIcal, type ItipMessage } from '../../../src/domain/itip/index.js';

export function fixture(name: string): string {
  return readFileSync(new URL(`../../../../test/fixtures/itip/${name}`, import.meta.url), 'utf8');
}

const IGNORE = { ignoreProperties: ['DTSTAMP', 'PRODID'] };

export function assertSameIcal(actual: string | null, expected: string, message?: string): void {
  assert.ok(actual !== null, message ?? 'expected iCalendar text, got null');
  assert.equal(canonicalIcal(actual, IGNORE), canonicalIcal(expected, IGNORE), message);
}

/** A stored calendar object from a message: the same data without METHOD (RFC 4791 §4.1). */
export function asCopy(message: string): string {
  return message.replace(/^METHOD:.*\r?\n/m, '');
}

/** Applies text replacements to a fixture, failing when one does not match. */
export function edit(text: string, ...pairs: Array<[string | RegExp, string]>): string {
  let out = text;
  for (const [from, to] of pairs) {
    const next = out.replace(from, to);
    assert.notEqual(next, out, `edit did not apply: ${String(from)}`);
    out = next;
  }
  return out;
}

export function only(messages: ItipMessage[], method?: string): ItipMessage {
  const list = method === undefined ? messages : messages.filter((m) => m.method === method);
  assert.equal(list.length, 1, `expected one ${method ?? ''} message, got ${messages.map((m) => `${m.method}→${m.recipients.join(',')}`).join('; ')}`);
  const first = list[0];
  assert.ok(first !== undefined);
  return first;
}

export function to(messages: ItipMessage[], recipient: string, method?: string): ItipMessage[] {
  return messages.filter((m) => m.recipients.includes(recipient) && (method === undefined || m.method === method));
}

export function at(iso: string): Date {
  return new Date(iso);
}

/** Unfolded text (RFC 5545 §3.1), for regular expressions over long content lines. */
export function unfold(text: string | null): string {
  return (text ?? '').replace(/\r?\n[ \t]/g, '');
}

/** The VEVENT/VTODO/VJOURNAL blocks of a calendar text. */
export function componentsOf(text: string): string[] {
  return text.match(/BEGIN:(VEVENT|VTODO|VJOURNAL)[\s\S]*?END:\1\r?\n/g) ?? [];
}

/** A calendar text with extra component blocks added at the end. */
export function withComponents(text: string, blocks: string[]): string {
  return text.replace(/END:VCALENDAR\s*$/, `${blocks.join('')}END:VCALENDAR\r\n`);
}
