// Rules that are not one RFC example: the semantic comparison helper, address comparison,
// SEQUENCE/DTSTAMP ordering of received messages (RFC 5546 §2.1.4–2.1.5), SENT-BY for
// attendees, and refusing what cannot be read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  attendeeMessages,
  canonicalIcal,
  normaliseAddress,
  processMessage,
  sameAddress,
  semanticallyEqual,
} from '../../../src/domain/itip/index.js';
import { asCopy, at, edit, fixture, only, unfold } from './helpers.js';

const A = 'mailto:a@example.com';
const B = 'mailto:b@example.com';
const request = fixture('rfc5546-4.2.1-request.ics');
const copy = asCopy(request);

describe('semantic comparison', () => {
  const table: Array<[string, string, string, boolean]> = [
    ['property order is ignored', 'SUMMARY:Conference\nSEQUENCE:0', 'SEQUENCE:0\nSUMMARY:Conference', true],
    ['parameter order is ignored', 'ATTENDEE;RSVP=TRUE;CN=B:mailto:b@example.com', 'ATTENDEE;CN=B;RSVP=TRUE:mailto:b@example.com', true],
    ['DTSTAMP is ignored', 'DTSTAMP:19970611T190000Z', 'DTSTAMP:20200101T000000Z', true],
    ['the mailto: part compares without case', 'ATTENDEE:MAILTO:B@Example.COM', 'ATTENDEE:mailto:b@example.com', true],
    ['default parameter values mean the same as none', 'ATTENDEE;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT:mailto:b@example.com', 'ATTENDEE:mailto:b@example.com', true],
    ['EXDATE lists mean the same as one per line', 'EXDATE:19970801T200000Z,19970901T200000Z', 'EXDATE:19970901T200000Z\nEXDATE:19970801T200000Z', true],
    ['a value change is a difference', 'SUMMARY:Conference', 'SUMMARY:Phone Conference', false],
    ['a parameter change is a difference', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@example.com', 'ATTENDEE;PARTSTAT=DECLINED:mailto:b@example.com', false],
  ];
  const wrap = (body: string): string => `BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\n${body}\nEND:VEVENT\nEND:VCALENDAR\n`;
  for (const [name, left, right, equal] of table) {
    it(name, () => assert.equal(semanticallyEqual(wrap(left), wrap(right)), equal));
  }

  it('other properties can be ignored on request', () => {
    assert.equal(canonicalIcal(wrap('SEQUENCE:1'), { ignoreProperties: ['SEQUENCE', 'DTSTAMP'] }), canonicalIcal(wrap('SEQUENCE:2'), { ignoreProperties: ['sequence'] }));
  });
});

describe('addresses', () => {
  const table: Array<[string, string]> = [
    ['MAILTO:Jane@Example.COM', 'mailto:jane@example.com'],
    ['  mailto:jane@example.com ', 'mailto:jane@example.com'],
    ['jane@example.com', 'mailto:jane@example.com'],
    ['urn:uuid:ABC', 'urn:uuid:ABC'],
  ];
  for (const [input, expected] of table) it(`normalises ${input}`, () => assert.equal(normaliseAddress(input), expected));
  it('compares without case', () => assert.ok(sameAddress('mailto:A@example.com', 'MAILTO:a@EXAMPLE.com')));
});

describe('ordering of received messages (RFC 5546 §2.1.5)', () => {
  const table: Array<[string, string, string]> = [
    ['a lower SEQUENCE is ignored', 'SEQUENCE:1', 'ignored'],
    ['the same SEQUENCE with an older DTSTAMP is ignored', 'DTSTAMP:19970612T190000Z', 'ignored'],
    ['the same SEQUENCE with a newer DTSTAMP updates', 'DTSTAMP:19970610T190000Z', 'updated'],
  ];
  // `held` is the recipient's copy; the message is the §4.2.1 REQUEST (SEQUENCE 0, DTSTAMP 19970611T190000Z).
  for (const [name, held, outcome] of table) {
    it(name, () => {
      const existing = held.startsWith('SEQUENCE') ? edit(copy, ['SEQUENCE:0', held]) : edit(copy, ['DTSTAMP:19970611T190000Z', held]);
      const r = processMessage({ message: request, recipientAddress: B, existingCopy: existing, now: at('1997-06-12T00:00:00Z') });
      assert.equal(r.outcome, outcome);
      assert.equal(r.requestStatus, '2.0;Success');
    });
  }

  it('an older CANCEL does not cancel a newer copy', () => {
    const cancel = edit(fixture('rfc5546-4.2.9-cancel.ics'), ['SEQUENCE:1', 'SEQUENCE:0'], ['DTSTAMP:19970613T190000Z', 'DTSTAMP:19970601T190000Z']);
    const r = processMessage({ message: cancel, recipientAddress: B, existingCopy: copy, now: at('1997-06-12T00:00:00Z') });
    assert.equal(r.outcome, 'ignored');
  });

  it('a REPLY to an older version than the organizer\'s is ignored', () => {
    const newer = edit(copy, ['SEQUENCE:0', 'SEQUENCE:2']);
    const r = processMessage({ message: fixture('rfc5546-4.2.2-reply.ics'), recipientAddress: A, existingCopy: newer, now: at('1997-06-12T00:00:00Z') });
    assert.equal(r.outcome, 'ignored');
    assert.match(r.description, /older version/);
  });
});

describe('SENT-BY and refusals', () => {
  it('a secretary answers for an attendee: SENT-BY on the ATTENDEE, the secretary is the originator', () => {
    const after = edit(copy, ['RSVP=TRUE;CUTYPE=INDIVIDUAL;CN=B', 'PARTSTAT=DECLINED;RSVP=TRUE;CUTYPE=INDIVIDUAL;CN=B']);
    const m = only(attendeeMessages({ before: copy, after, attendeeAddress: B, now: at('1997-06-12T00:00:00Z'), options: { sentBy: 'mailto:sec@example.com' } }));
    assert.equal(m.originator, 'mailto:sec@example.com');
    assert.match(unfold(m.ical), /ATTENDEE;PARTSTAT=DECLINED;SENT-BY="mailto:sec@example.com":mailto:b@example.com/);
    const r = processMessage({ message: m.ical, recipientAddress: A, existingCopy: copy, originator: 'mailto:sec@example.com', now: at('1997-06-12T00:00:01Z') });
    assert.equal(r.outcome, 'updated');
  });

  it('a REQUEST from the organizer\'s SENT-BY is accepted, from anyone else refused', () => {
    const sent = edit(request, ['ORGANIZER:mailto:a@example.com', 'ORGANIZER;SENT-BY="mailto:sec@example.com":mailto:a@example.com']);
    assert.equal(processMessage({ message: sent, recipientAddress: B, existingCopy: null, originator: 'mailto:SEC@example.com', now: at('1997-06-12T00:00:00Z') }).outcome, 'created');
    assert.equal(processMessage({ message: sent, recipientAddress: B, existingCopy: null, originator: 'mailto:x@example.com', now: at('1997-06-12T00:00:00Z') }).requestStatus, '3.8;No authority');
  });

  const refusals: Array<[string, string, string | null, string]> = [
    ['text that is not iCalendar', 'hello', null, '3.1;Invalid property value'],
    ['a message without METHOD', copy, null, '3.11;Required component or property missing'],
    ['an unknown METHOD', request.replace('METHOD:REQUEST', 'METHOD:X-PING'), null, '5.0;Request not supported'],
    ['a message about another UID', request, edit(copy, ['UID:calsrv', 'UID:other-calsrv']), '3.1;Invalid property value'],
  ];
  for (const [name, message, existing, status] of refusals) {
    it(`refuses ${name}`, () => {
      const r = processMessage({ message, recipientAddress: B, existingCopy: existing, now: at('1997-06-12T00:00:00Z') });
      assert.equal(r.outcome, 'rejected');
      assert.equal(r.requestStatus, status);
      assert.equal(r.newCopy, existing);
    });
  }

  it('a recipient without scheduling answers 5.3', () => {
    const r = processMessage({ message: request, recipientAddress: B, existingCopy: null, now: at('1997-06-12T00:00:00Z'), policy: { schedulingEnabled: false } });
    assert.equal(r.requestStatus, '5.3;No scheduling support for user');
    assert.equal(r.newCopy, null);
  });

  it('an attendee change with SCHEDULE-AGENT=CLIENT on the ORGANIZER sends nothing', () => {
    const before = edit(copy, ['ORGANIZER:mailto:a@example.com', 'ORGANIZER;SCHEDULE-AGENT=CLIENT:mailto:a@example.com']);
    const after = edit(before, ['RSVP=TRUE;CUTYPE=INDIVIDUAL;CN=B', 'PARTSTAT=ACCEPTED;RSVP=TRUE;CUTYPE=INDIVIDUAL;CN=B']);
    assert.deepEqual(attendeeMessages({ before, after, attendeeAddress: B, now: at('1997-06-12T00:00:00Z') }), []);
  });
});
