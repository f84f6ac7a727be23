// RFC 5546 §4.2 group event examples, attendee side and processing: reply, counter (accept and
// decline), delegation (delegate accepts, declines), forwarding to an uninvited CU.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  acceptCounter,
  attendeeMessages,
  declineCounter,
  processMessage,
} from '../../../src/domain/itip/index.js';
import { asCopy, assertSameIcal, at, edit, fixture, only, to, unfold } from './helpers.js';

const A = 'mailto:a@example.com';
const B = 'mailto:b@example.com';
const C = 'mailto:c@example.com';
const E = 'mailto:e@example.com';
const request = fixture('rfc5546-4.2.1-request.ics');
const organizerCopy = asCopy(request);

describe('RFC 5546 §4.2.2 reply to a group event request', () => {
  const bCopy = processMessage({ message: request, recipientAddress: B, existingCopy: null, now: at('1997-06-11T19:05:00Z') });

  it('B receives the REQUEST: a copy is created, a reply is requested', () => {
    assert.equal(bCopy.outcome, 'created');
    assert.equal(bCopy.requestStatus, '2.0;Success');
    assert.match(bCopy.description, /a@example\.com invites you to "Conference" \(1997-07-01 20:00Z\); a reply is requested/);
    assertSameIcal(bCopy.newCopy, organizerCopy);
  });

  it('B accepts: one REPLY to the organizer', () => {
    const after = edit(bCopy.newCopy ?? '', ['RSVP=TRUE;CUTYPE=INDIVIDUAL;CN=B', 'PARTSTAT=ACCEPTED;RSVP=TRUE;CUTYPE=INDIVIDUAL;CN=B']);
    const m = only(attendeeMessages({ before: bCopy.newCopy, after, attendeeAddress: B, now: at('1997-06-12T19:00:00Z') }));
    assert.equal(m.method, 'REPLY');
    assert.deepEqual(m.recipients, [A]);
    assert.equal(m.originator, B);
    assertSameIcal(m.ical, fixture('rfc5546-4.2.2-reply.ics'));
  });

  it('A processes the REPLY: B is ACCEPTED in the organizer copy', () => {
    const r = processMessage({ message: fixture('rfc5546-4.2.2-reply.ics'), recipientAddress: A, existingCopy: organizerCopy, originator: B, now: at('1997-06-12T19:01:00Z') });
    assert.equal(r.outcome, 'updated');
    assert.equal(r.requestStatus, '2.0;Success');
    assert.equal(r.description, 'b@example.com accepted "Conference" (1997-07-01 20:00Z).');
    assertSameIcal(r.newCopy, edit(organizerCopy, ['RSVP=TRUE;CUTYPE=INDIVIDUAL;CN=B', 'PARTSTAT=ACCEPTED;RSVP=TRUE;CUTYPE=INDIVIDUAL;CN=B;X-REEFKNOT-REPLY-SEQUENCE=0;X-REEFKNOT-REPLY-DTSTAMP=19970612T190000Z']));
  });

  it('§2.1.5 the last SEQUENCE/DTSTAMP from each attendee is kept: an older reply is ignored', () => {
    const first = processMessage({ message: fixture('rfc5546-4.2.2-reply.ics'), recipientAddress: A, existingCopy: organizerCopy, now: at('1997-06-12T19:01:00Z') });
    const older = edit(fixture('rfc5546-4.2.2-reply.ics'), ['PARTSTAT=ACCEPTED', 'PARTSTAT=DECLINED'], ['DTSTAMP:19970612T190000Z', 'DTSTAMP:19970612T180000Z']);
    const r = processMessage({ message: older, recipientAddress: A, existingCopy: first.newCopy, now: at('1997-06-12T19:02:00Z') });
    assert.equal(r.outcome, 'ignored');
    assert.equal(r.newCopy, first.newCopy);
    assert.match(r.description, /older reply/);
  });

  it('a REPLY sent by someone else than the attendee it names is refused (3.8)', () => {
    const r = processMessage({ message: fixture('rfc5546-4.2.2-reply.ics'), recipientAddress: A, existingCopy: organizerCopy, originator: 'mailto:mallory@example.com', now: at('1997-06-12T19:01:00Z') });
    assert.equal(r.outcome, 'rejected');
    assert.equal(r.requestStatus, '3.8;No authority');
  });

  it('a REPLY from a secretary named in SENT-BY is accepted', () => {
    const reply = edit(fixture('rfc5546-4.2.2-reply.ics'), ['ATTENDEE;PARTSTAT=ACCEPTED', 'ATTENDEE;PARTSTAT=ACCEPTED;SENT-BY="mailto:sec@example.com"']);
    const r = processMessage({ message: reply, recipientAddress: A, existingCopy: organizerCopy, originator: 'mailto:sec@example.com', now: at('1997-06-12T19:01:00Z') });
    assert.equal(r.outcome, 'updated');
  });

  it('an attendee that deletes its copy declines', () => {
    const m = only(attendeeMessages({ before: bCopy.newCopy, after: null, attendeeAddress: B, now: at('1997-06-12T19:00:00Z') }));
    assertSameIcal(m.ical, edit(fixture('rfc5546-4.2.2-reply.ics'), ['PARTSTAT=ACCEPTED', 'PARTSTAT=DECLINED']));
  });

  it('the attendee re-receiving an older REQUEST ignores it', () => {
    const updated = processMessage({ message: fixture('rfc5546-4.2.3-update.ics'), recipientAddress: B, existingCopy: bCopy.newCopy, now: at('1997-06-13T19:00:00Z') });
    assert.equal(updated.outcome, 'updated');
    assert.match(updated.description, /A reply is requested/);
    const stale = processMessage({ message: request, recipientAddress: B, existingCopy: updated.newCopy, now: at('1997-06-13T19:00:00Z') });
    assert.equal(stale.outcome, 'ignored');
    assert.equal(stale.newCopy, updated.newCopy);
    assert.match(stale.description, /older than the one in your calendar/);
  });
});

describe('RFC 5546 §4.2.4 countering an event proposal', () => {
  const req = fixture('rfc5546-4.2.4-request.ics');
  const counterMsg = fixture('rfc5546-4.2.4-counter.ics');
  const bCopy = asCopy(req);

  it('B proposes a new time and place: COUNTER to A, SEQUENCE not incremented', () => {
    const after = edit(bCopy, ['DTSTART:19970701T190000Z', 'DTSTART:19970701T160000Z'], ['DTEND:19970701T200000Z', 'DTEND:19970701T170000Z'], ['Green Conference Room', 'Blue Conference Room']);
    const m = only(attendeeMessages({
      before: bCopy, after, attendeeAddress: B, now: at('1997-06-12T19:00:00Z'),
      options: { counter: true, comment: 'This time works much better and I think the big conference room is too big' },
    }));
    assert.equal(m.method, 'COUNTER');
    assert.deepEqual(m.recipients, [A]);
    assertSameIcal(m.ical, counterMsg);
  });

  it('A receives the COUNTER as a proposal; the copy is unchanged', () => {
    const r = processMessage({ message: counterMsg, recipientAddress: A, existingCopy: bCopy, originator: B, now: at('1997-06-12T19:01:00Z') });
    assert.equal(r.outcome, 'counter-proposed');
    assert.equal(r.newCopy, bCopy);
    assert.match(r.description, /b@example\.com proposes a change to "Discuss the Merits of the election results" \(1997-07-01 19:00Z\): start 1997-07-01 16:00Z \(now 1997-07-01 19:00Z\)/);
    assert.match(r.description, /location Blue Conference Room \(now Green Conference Room\)/);
  });

  it('A accepts the COUNTER: a new REQUEST with SEQUENCE 1', () => {
    const { messages, updatedOrganizerCopy } = acceptCounter({ organizerCopy: bCopy, counter: counterMsg, organizerAddress: A, now: at('1997-06-12T20:00:00Z') });
    const m = only(messages);
    assert.deepEqual([...m.recipients].sort(), [B, C]);
    assertSameIcal(m.ical, fixture('rfc5546-4.2.4-accept-counter.ics'));
    assertSameIcal(updatedOrganizerCopy, asCopy(fixture('rfc5546-4.2.4-accept-counter.ics')));
  });

  it('A declines the COUNTER: DECLINECOUNTER to B, recorded in B\'s copy', () => {
    const m = declineCounter({ organizerCopy: bCopy, counter: counterMsg, counterSender: B, organizerAddress: A, now: at('1997-06-14T19:00:00Z'), comment: 'Sorry, I cannot change this meeting time' });
    assert.equal(m.method, 'DECLINECOUNTER');
    assert.deepEqual(m.recipients, [B]);
    assertSameIcal(m.ical, fixture('rfc5546-4.2.4-declinecounter.ics'));
    const r = processMessage({ message: m.ical, recipientAddress: B, existingCopy: bCopy, now: at('1997-06-14T19:01:00Z') });
    assert.equal(r.outcome, 'counter-declined');
    assert.match(r.description, /declined your proposed change .* Comment: Sorry, I cannot change this meeting time/);
    assert.match(unfold(r.newCopy), /X-REEFKNOT-COUNTER-DECLINED:Sorry\\?, I cannot change this meeting time/);
  });
});

describe('RFC 5546 §4.2.5–4.2.7 delegating an event', () => {
  const req = fixture('rfc5546-4.2.4-request.ics');
  const cCopy = asCopy(req);
  const delegated = edit(cCopy, ['ATTENDEE;RSVP=TRUE;CUTYPE=INDIVIDUAL:mailto:c@example.com', 'ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO="mailto:e@example.com";CUTYPE=INDIVIDUAL:mailto:c@example.com\r\nATTENDEE;RSVP=TRUE;DELEGATED-FROM="mailto:c@example.com":mailto:e@example.com']);
  const messages = attendeeMessages({ before: cCopy, after: delegated, attendeeAddress: C, now: at('1997-06-11T19:00:00Z') });

  it('§4.2.5 C delegates to E: REPLY (PARTSTAT=DELEGATED) to A and a REQUEST to E', () => {
    assert.equal(messages.length, 2);
    assertSameIcal(only(to(messages, A)).ical, fixture('rfc5546-4.2.5-delegate-reply.ics'));
    const request = only(to(messages, E));
    assert.equal(request.method, 'REQUEST');
    assert.equal(request.originator, C);
    assertSameIcal(request.ical, fixture('rfc5546-4.2.5-delegate-request.ics'));
  });

  const afterDelegation = processMessage({ message: fixture('rfc5546-4.2.5-delegate-reply.ics'), recipientAddress: A, existingCopy: cCopy, originator: C, now: at('1997-06-11T19:01:00Z') });

  it('A processes C\'s REPLY: C is DELEGATED and E is added with DELEGATED-FROM', () => {
    assert.equal(afterDelegation.outcome, 'updated');
    assert.equal(afterDelegation.description, 'c@example.com delegated "Discuss the Merits of the election results" (1997-07-01 19:00Z) to e@example.com.');
    assert.match(unfold(afterDelegation.newCopy), /DELEGATED-FROM="mailto:c@example.com"/);
  });

  it('E receives the REQUEST from C and accepts: REPLY to A and C (§4.2.6)', () => {
    const eCopy = processMessage({ message: only(to(messages, E)).ical, recipientAddress: E, existingCopy: null, now: at('1997-06-11T19:02:00Z') });
    assert.equal(eCopy.outcome, 'created');
    const accepted = edit(eCopy.newCopy ?? '', ['ATTENDEE;RSVP=TRUE;DELEGATED-FROM', 'ATTENDEE;PARTSTAT=ACCEPTED;RSVP=TRUE;DELEGATED-FROM']);
    const m = only(attendeeMessages({ before: eCopy.newCopy, after: accepted, attendeeAddress: E, now: at('1997-06-11T19:00:00Z') }));
    assert.deepEqual([...m.recipients].sort(), [A, C]);
    assertSameIcal(m.ical, fixture('rfc5546-4.2.6-delegate-accepts.ics'));
  });

  it('A processes E\'s REPLY (the delegate may answer)', () => {
    const r = processMessage({ message: fixture('rfc5546-4.2.6-delegate-accepts.ics'), recipientAddress: A, existingCopy: afterDelegation.newCopy, originator: E, now: at('1997-06-11T19:03:00Z') });
    assert.equal(r.outcome, 'updated');
    assert.equal(r.description, 'e@example.com accepted "Discuss the Merits of the election results" (1997-07-01 19:00Z) (delegated by c@example.com).');
    assert.match(unfold(r.newCopy), /PARTSTAT=ACCEPTED[^\n]*mailto:e@example.com/);
  });

  it('a delegate nobody delegated to is refused', () => {
    const r = processMessage({ message: fixture('rfc5546-4.2.6-delegate-accepts.ics'), recipientAddress: A, existingCopy: cCopy, originator: E, now: at('1997-06-11T19:03:00Z') });
    assert.equal(r.outcome, 'rejected');
    assert.equal(r.requestStatus, '3.8;No authority');
  });

  it('§4.2.7 the delegate declines, with a COMMENT', () => {
    const eCopy = processMessage({ message: only(to(messages, E)).ical, recipientAddress: E, existingCopy: null, now: at('1997-06-11T19:02:00Z') });
    const declined = edit(eCopy.newCopy ?? '', ['ATTENDEE;RSVP=TRUE;DELEGATED-FROM', 'ATTENDEE;PARTSTAT=DECLINED;RSVP=TRUE;DELEGATED-FROM']);
    const m = only(attendeeMessages({ before: eCopy.newCopy, after: declined, attendeeAddress: E, now: at('1997-06-11T19:00:00Z'), options: { comment: 'Sorry, I will be out of town at that time.' } }));
    assertSameIcal(m.ical, fixture('rfc5546-4.2.7-delegate-declines.ics'));
    const r = processMessage({ message: m.ical, recipientAddress: A, existingCopy: afterDelegation.newCopy, now: at('1997-06-11T19:03:00Z') });
    assert.match(r.description, /e@example\.com declined .* Comment: Sorry, I will be out of town at that time\./);
  });
});

describe('RFC 5546 §4.2.8 forwarding an event request to an uninvited CU', () => {
  it('E, not invited, gets the forwarded REQUEST: stored, and told they are not on the list', () => {
    const r = processMessage({ message: request, recipientAddress: 'mailto:f@example.com', existingCopy: null, now: at('1997-06-11T19:05:00Z') });
    assert.equal(r.outcome, 'created');
    assert.match(r.description, /not on the attendee list/);
  });

  const smallMeeting = asCopy(fixture('rfc5546-4.2.4-request.ics'));

  it('a REPLY from the uninvited CU is refused by default (3.8)', () => {
    const r = processMessage({ message: fixture('rfc5546-4.2.8-forwarded-reply.ics'), recipientAddress: A, existingCopy: smallMeeting, now: at('1997-06-12T19:01:00Z') });
    assert.equal(r.outcome, 'rejected');
    assert.equal(r.requestStatus, '3.8;No authority');
    assert.equal(r.newCopy, smallMeeting);
  });

  it('and added when the organizer allows it (RFC 5546 §3.2.3)', () => {
    const r = processMessage({ message: fixture('rfc5546-4.2.8-forwarded-reply.ics'), recipientAddress: A, existingCopy: smallMeeting, now: at('1997-06-12T19:01:00Z'), policy: { acceptRepliesFromUninvited: true } });
    assert.equal(r.outcome, 'updated');
    assert.match(unfold(r.newCopy), /ATTENDEE;PARTSTAT=ACCEPTED[^\n]*:mailto:e@example.com/);
  });
});

describe('RFC 5546 §4.2.9–4.2.11 processing CANCEL and a new organizer', () => {
  it('§4.2.9 CANCEL marks the attendee copy cancelled', () => {
    const r = processMessage({ message: fixture('rfc5546-4.2.9-cancel.ics'), recipientAddress: B, existingCopy: organizerCopy, now: at('1997-06-13T19:01:00Z') });
    assert.equal(r.outcome, 'cancelled');
    assert.equal(r.description, 'a@example.com cancelled "Conference" (1997-07-01 20:00Z). Comment: Mr. A is ill and cannot make it. The meeting is cancelled.');
    assertSameIcal(r.newCopy, edit(organizerCopy, ['STATUS:CONFIRMED', 'STATUS:CANCELLED'], ['SEQUENCE:0', 'SEQUENCE:1']));
  });

  it('a CANCEL not from the organizer is refused', () => {
    const r = processMessage({ message: fixture('rfc5546-4.2.9-cancel.ics'), recipientAddress: C, existingCopy: organizerCopy, originator: B, now: at('1997-06-13T19:01:00Z') });
    assert.equal(r.requestStatus, '3.8;No authority');
  });

  it('§4.2.10 the removed attendee\'s copy is cancelled', () => {
    const r = processMessage({ message: fixture('rfc5546-4.2.10-remove-attendee.ics'), recipientAddress: C, existingCopy: organizerCopy, now: at('1997-06-13T19:31:00Z') });
    assert.equal(r.outcome, 'cancelled');
    assert.match(r.description, /Comment: You're off the hook/);
  });

  it('§4.2.11 the new organizer\'s REQUEST replaces the organizer in the copy', () => {
    const r = processMessage({ message: fixture('rfc5546-4.2.11-new-organizer.ics'), recipientAddress: C, existingCopy: organizerCopy, now: at('1997-06-13T19:01:00Z') });
    assert.equal(r.outcome, 'updated');
    assert.match(r.description, /The organizer is now b@example\.com/);
    assert.match(unfold(r.newCopy), /ORGANIZER:mailto:b@example.com/);
  });

  it('a new organizer without a higher SEQUENCE is refused', () => {
    const msg = edit(fixture('rfc5546-4.2.11-new-organizer.ics'), ['SEQUENCE:1', 'SEQUENCE:0']);
    const r = processMessage({ message: msg, recipientAddress: C, existingCopy: organizerCopy, now: at('1997-06-13T19:01:00Z') });
    assert.equal(r.outcome, 'rejected');
  });
});
