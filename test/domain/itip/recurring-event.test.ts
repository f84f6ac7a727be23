// RFC 5546 §4.4 recurring events: a recurring request spanning time zones, modifying, cancelling
// and adding instances, this-and-future changes, a counter for one instance, the error reply of
// a recipient that cannot do recurrence, a consolidated PUBLISH; and per-recipient views.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attendeeMessages, organizerMessages, processMessage } from '../../../src/domain/itip/index.js';
import { asCopy, assertSameIcal, at, componentsOf, edit, fixture, only, to, unfold, withComponents } from './helpers.js';

const A = 'mailto:a@example.com';
const B = 'mailto:b@example.com';
const C = 'mailto:c@example.com';
const D = 'mailto:d@example.com';
const E = 'mailto:e@example.com';
const request = fixture('rfc5546-4.4.1-recurring-request.ics');
const base = asCopy(request);
const modified = fixture('rfc5546-4.4.2-modify-instance.ics');
const override = componentsOf(modified)[0] ?? '';
const EXDATE = 'EXDATE;TZID=America/New_York:19980401T140000';
const now = at('1997-06-26T19:00:00Z');

function organize(before: string | null, after: string | null, comment?: string) {
  return organizerMessages({ before, after, organizerAddress: A, now, options: comment === undefined ? {} : { comment } });
}

describe('RFC 5546 §4.4 recurring events, organizer side', () => {
  const step2 = organize(base, withComponents(base, [override]));
  const step3 = organize(step2.updatedOrganizerCopy, edit(step2.updatedOrganizerCopy ?? '', [/RRULE:FREQ=MONTHLY[^\r\n]*/, `$&\r\n${EXDATE}`]));

  it('§4.4.1 a recurring event spanning time zones: REQUEST with its VTIMEZONE', () => {
    const m = only(organize(null, base).messages);
    assert.deepEqual([...m.recipients].sort(), [B, C, D]);
    assertSameIcal(m.ical, request);
  });

  it('§4.4.2 modifying one instance sends only that instance, SEQUENCE 1', () => {
    const m = only(step2.messages);
    assert.equal(m.method, 'REQUEST');
    assertSameIcal(m.ical, modified);
    assert.equal(componentsOf(step2.updatedOrganizerCopy ?? '').length, 2);
  });

  it('§4.4.3 cancelling one instance (a new EXDATE) sends CANCEL with RECURRENCE-ID, SEQUENCE 2', () => {
    const m = only(step3.messages);
    assert.equal(m.method, 'CANCEL');
    assert.deepEqual([...m.recipients].sort(), [B, C, D]);
    assertSameIcal(m.ical, fixture('rfc5546-4.4.3-cancel-instance.ics'));
  });

  it('§4.4.3 an override set to STATUS:CANCELLED is cancelled the same way', () => {
    const after = edit(step2.updatedOrganizerCopy ?? '', [/(RECURRENCE-ID[^\r\n]*\r\n[\s\S]*?)STATUS:CONFIRMED/, '$1STATUS:CANCELLED']);
    const m = only(organize(step2.updatedOrganizerCopy, after).messages);
    assert.equal(m.method, 'CANCEL');
    assert.match(m.ical, /RECURRENCE-ID;TZID=America\/New_York:19980301T140000/);
  });

  it('§4.4.4 deleting the recurring event cancels all of it', () => {
    const m = only(organize(step3.updatedOrganizerCopy, null, 'The working group will not meet this year.').messages);
    assertSameIcal(m.ical, fixture('rfc5546-4.4.4-cancel-recurring.ics'));
  });

  it('§4.4.5 changing this and all future instances sends the RANGE=THISANDFUTURE override', () => {
    const future = componentsOf(fixture('rfc5546-4.4.5-this-and-future.ics'))[0] ?? '';
    const m = only(organize(base, withComponents(base, [future])).messages);
    assertSameIcal(m.ical, fixture('rfc5546-4.4.5-this-and-future.ics'));
  });

  it('§4.4.6 a new RDATE sends ADD with the new instance', () => {
    const after = edit(base, [/RRULE:FREQ=MONTHLY[^\r\n]*/, '$&\nRDATE;TZID=America/New_York:19980115T140000']);
    const { messages, updatedOrganizerCopy } = organize(base, after);
    const m = only(messages);
    assert.equal(m.method, 'ADD');
    assertSameIcal(m.ical, fixture('rfc5546-4.4.6-add-instance.ics'));
    assert.match(updatedOrganizerCopy ?? '', /SEQUENCE:1/);
  });

  it('§4.4.10 a consolidated view is published with its overrides and EXDATE, without attendees', () => {
    const { messages } = organizerMessages({ before: null, after: step3.updatedOrganizerCopy, organizerAddress: A, now, options: { method: 'PUBLISH', recipients: ['mailto:list@example.com'] } });
    assertSameIcal(only(messages).ical, fixture('rfc5546-4.4.10-consolidated-publish.ics'));
  });
});

describe('per-recipient views (RFC 6638 §3.2.6, RFC 5546 §3.2.2)', () => {
  const withOverride = organize(base, withComponents(base, [override])).updatedOrganizerCopy ?? '';

  it('an attendee added to one instance gets just that instance; the others get the change', () => {
    const after = withComponents(base, [edit(override, ['SUMMARY', 'ATTENDEE;RSVP=TRUE:mailto:e@example.com\nSUMMARY'])]);
    const { messages } = organize(withOverride, after);
    const eMsg = only(to(messages, E));
    assert.equal(componentsOf(eMsg.ical).length, 1);
    assert.match(eMsg.ical, /RECURRENCE-ID/);
    assert.doesNotMatch(eMsg.ical, /RRULE:FREQ=MONTHLY/);
    const bMsg = only(to(messages, B));
    assert.equal(componentsOf(bMsg.ical).length, 1);
  });

  it('an attendee invited to the series but not to one override gets an EXDATE for it', () => {
    const after = withComponents(base, [edit(override, ['ATTENDEE;RSVP=TRUE:mailto:d@example.com\n', ''])]);
    const { messages } = organize(withOverride, after);
    const dMsg = only(to(messages, D));
    assert.equal(dMsg.method, 'CANCEL');
    assert.match(dMsg.ical, /RECURRENCE-ID;TZID=America\/New_York:19980301T140000/);
    const { messages: fresh } = organize(null, after);
    const dView = only(to(fresh, D));
    assert.equal(componentsOf(dView.ical).length, 1);
    assert.match(unfold(dView.ical), /EXDATE;TZID=America\/New_York:19980301T140000/);
  });

  it('an attendee taken off the series but kept on one instance gets a CANCEL, then that instance', () => {
    const after = withComponents(edit(base, ['ATTENDEE;RSVP=TRUE:mailto:d@example.com\n', '']), [override]);
    const dMessages = to(organize(withOverride, after).messages, D);
    assert.deepEqual(dMessages.map((m) => m.method), ['CANCEL', 'REQUEST']);
    const dCopy = processMessage({ message: request, recipientAddress: D, existingCopy: null, now }).newCopy;
    const cancelled = processMessage({ message: dMessages[0]?.ical ?? '', recipientAddress: D, existingCopy: dCopy, now });
    const kept = processMessage({ message: dMessages[1]?.ical ?? '', recipientAddress: D, existingCopy: cancelled.newCopy, now });
    const comps = componentsOf(kept.newCopy ?? '');
    assert.equal(comps.length, 2);
    assert.match(comps[0] ?? '', /STATUS:CANCELLED/);
    assert.match(comps[1] ?? '', /RECURRENCE-ID/);
    assert.doesNotMatch(comps[1] ?? '', /STATUS:CANCELLED/);
  });

  it('SCHEDULE-AGENT=CLIENT attendees get nothing from the server (RFC 6638 §7.1)', () => {
    const after = edit(base, ['ATTENDEE;RSVP=TRUE:mailto:c@example.com', 'ATTENDEE;RSVP=TRUE;SCHEDULE-AGENT=CLIENT:mailto:c@example.com']);
    const m = only(organize(null, after).messages);
    assert.deepEqual([...m.recipients].sort(), [B, D]);
    assert.doesNotMatch(m.ical, /SCHEDULE-AGENT/);
  });

  it('SCHEDULE-FORCE-SEND=REQUEST sends to that attendee even without a change, and is not stored (RFC 6638 §7.2)', () => {
    const after = edit(base, ['ATTENDEE;RSVP=TRUE:mailto:d@example.com', 'ATTENDEE;RSVP=TRUE;SCHEDULE-FORCE-SEND=REQUEST:mailto:d@example.com']);
    const { messages, updatedOrganizerCopy } = organize(base, after);
    const m = only(messages);
    assert.deepEqual(m.recipients, [D]);
    assert.doesNotMatch(m.ical + (updatedOrganizerCopy ?? ''), /SCHEDULE-FORCE-SEND/);
  });

  it('RSVP=FALSE attendees are not asked to reply after a reschedule', () => {
    const before = edit(base, ['ATTENDEE;RSVP=TRUE:mailto:d@example.com', 'ATTENDEE;RSVP=FALSE;ROLE=NON-PARTICIPANT:mailto:d@example.com']);
    const after = edit(before, ['DTSTART;TZID=America/New_York:19980101T140000', 'DTSTART;TZID=America/New_York:19980101T130000']);
    const m = only(organize(before, after).messages);
    assert.match(unfold(m.ical), /ATTENDEE;[^\r\n]*RSVP=FALSE[^\r\n]*:mailto:d@example.com/);
    assert.match(unfold(m.ical), /ATTENDEE;[^\r\n]*RSVP=TRUE[^\r\n]*:mailto:b@example.com/);
  });

  it('§3.2.2.7 with notifyStatusChanges the attendees learn of others\' answers', () => {
    const after = edit(base, ['ATTENDEE;RSVP=TRUE:mailto:b@example.com', 'ATTENDEE;RSVP=TRUE;PARTSTAT=ACCEPTED:mailto:b@example.com']);
    assert.deepEqual(organize(base, after).messages, []);
    const { messages } = organizerMessages({ before: base, after, organizerAddress: A, now, options: { notifyStatusChanges: true } });
    assert.equal(only(messages).method, 'REQUEST');
    assert.match(only(messages).ical, /SEQUENCE:0/);
  });
});

describe('RFC 5546 §4.4 recurring events, received', () => {
  const bCopy = processMessage({ message: request, recipientAddress: B, existingCopy: null, now }).newCopy;

  it('§4.4.2 an instance-only REQUEST adds the override to the copy', () => {
    const r = processMessage({ message: modified, recipientAddress: B, existingCopy: bCopy, now });
    assert.equal(r.outcome, 'updated');
    assert.equal(componentsOf(r.newCopy ?? '').length, 2);
    assert.match(r.description, /updated the 1998-03-01 19:00Z instance of "IETF Calendaring Working Group Meeting"/);
  });

  it('§4.4.3 CANCEL of an instance excludes it from the copy', () => {
    const r = processMessage({ message: fixture('rfc5546-4.4.3-cancel-instance.ics'), recipientAddress: B, existingCopy: bCopy, now });
    assert.equal(r.outcome, 'cancelled');
    assert.match(r.description, /cancelled the 1998-04-01 19:00Z instance/);
    assert.match(unfold(r.newCopy), /EXDATE;TZID=America\/New_York:19980401T140000/);
  });

  it('§4.4.4 CANCEL of the whole recurring event', () => {
    const r = processMessage({ message: fixture('rfc5546-4.4.4-cancel-recurring.ics'), recipientAddress: B, existingCopy: bCopy, now });
    assert.equal(r.outcome, 'cancelled');
    assert.match(r.newCopy ?? '', /STATUS:CANCELLED/);
    assert.match(r.newCopy ?? '', /SEQUENCE:3/);
  });

  it('§4.4.5 a THISANDFUTURE override is stored', () => {
    const r = processMessage({ message: fixture('rfc5546-4.4.5-this-and-future.ics'), recipientAddress: B, existingCopy: bCopy, now });
    assert.equal(r.outcome, 'updated');
    assert.match(unfold(r.newCopy), /RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=America\/New_York:19980701T140000/);
  });

  it('§3.2.5 CANCEL with RANGE=THISANDFUTURE ends the series before that instance', () => {
    const cancel = edit(fixture('rfc5546-4.4.3-cancel-instance.ics'), ['RECURRENCE-ID;TZID', 'RECURRENCE-ID;RANGE=THISANDFUTURE;TZID']);
    const withLater = withComponents(bCopy ?? '', componentsOf(modified).map((c) => c.replace(/19980301T1[45]0000/g, (t) => t.replace('0301', '0601'))));
    const r = processMessage({ message: cancel, recipientAddress: B, existingCopy: withLater, now });
    assert.equal(r.outcome, 'cancelled');
    assert.match(r.description, /cancelled the 1998-04-01 19:00Z and all later instances/);
    assert.match(unfold(r.newCopy), /RRULE:FREQ=MONTHLY;[^\r\n]*UNTIL=19980401T185959Z/);
    assert.doesNotMatch(unfold(r.newCopy), /COUNT=10/);
    assert.equal(componentsOf(r.newCopy ?? '').length, 1);
  });

  it('§4.4.6 ADD adds the instance as an RDATE', () => {
    const r = processMessage({ message: fixture('rfc5546-4.4.6-add-instance.ics'), recipientAddress: B, existingCopy: bCopy, now });
    assert.equal(r.outcome, 'updated');
    assert.equal(r.description, 'a@example.com added 1 instance to "IETF Calendaring Working Group Meeting" (1998-01-01 19:00Z).');
    assert.match(unfold(r.newCopy), /RDATE;TZID=America\/New_York:19980115T140000/);
  });

  it('§4.4.7 ADD of a new series of instances adds each of them', () => {
    const r = processMessage({ message: fixture('rfc5546-4.4.7-add-series.ics'), recipientAddress: B, existingCopy: bCopy, now });
    assert.match(r.description, /added 3 instances/);
    assert.equal((unfold(r.newCopy).match(/RDATE;TZID=America\/New_York:1998\d\d15T140000/g) ?? []).length, 3);
  });

  it('§3.2.4 ADD for an object the recipient does not hold asks for a REFRESH', () => {
    const r = processMessage({ message: fixture('rfc5546-4.4.6-add-instance.ics'), recipientAddress: B, existingCopy: null, now });
    assert.equal(r.outcome, 'refresh-needed');
    const m = only(r.followUp);
    assert.equal(m.method, 'REFRESH');
    assert.deepEqual(m.recipients, [A]);
  });

  it('§4.4.9 a recipient that cannot do recurrence schedules the first instance (2.8) and says so in its REPLY', () => {
    const r = processMessage({ message: request, recipientAddress: B, existingCopy: null, now, policy: { recurrence: 'single-only' } });
    assert.equal(r.requestStatus, '2.8;Success, repeating event ignored. Scheduled as a single component');
    assert.doesNotMatch(r.newCopy ?? "", /RRULE:FREQ=MONTHLY/);
    const accepted = edit(r.newCopy ?? '', ['ATTENDEE;RSVP=TRUE:mailto:b@example.com', 'ATTENDEE;RSVP=TRUE;PARTSTAT=ACCEPTED:mailto:b@example.com']);
    const m = only(attendeeMessages({ before: r.newCopy, after: accepted, attendeeAddress: B, now, options: { requestStatus: r.requestStatus } }));
    assertSameIcal(m.ical, fixture('rfc5546-4.4.9-error-reply.ics'));
  });
});

describe('RFC 5546 §4.4 replies and counters for one instance', () => {
  const bAccepts = edit(asCopy(modified), ['ATTENDEE;RSVP=TRUE:mailto:b@example.com', 'ATTENDEE;RSVP=TRUE;PARTSTAT=ACCEPTED:mailto:b@example.com']);
  const bCopy = withComponents(base, componentsOf(asCopy(modified)));

  it('B accepts one instance only: REPLY with that RECURRENCE-ID', () => {
    const after = withComponents(base, componentsOf(bAccepts));
    const m = only(attendeeMessages({ before: bCopy, after, attendeeAddress: B, now }));
    assert.equal(m.method, 'REPLY');
    assert.equal(componentsOf(m.ical).length, 1);
    assert.match(m.ical, /RECURRENCE-ID;TZID=America\/New_York:19980301T140000/);
  });

  it('the organizer records an instance reply in a new override', () => {
    const tentative = edit(override, ['ATTENDEE;RSVP=TRUE:mailto:b', 'ATTENDEE;PARTSTAT=TENTATIVE:mailto:b']);
    const reply = only(attendeeMessages({ before: bCopy, after: withComponents(base, [tentative]), attendeeAddress: B, now }));
    const r = processMessage({ message: reply.ical, recipientAddress: A, existingCopy: base, now });
    assert.equal(r.outcome, 'updated');
    assert.equal(r.description, 'b@example.com tentatively accepted the 1998-03-01 19:00Z instance of "IETF Calendaring Working Group Meeting".');
    const comps = componentsOf(r.newCopy ?? '');
    assert.equal(comps.length, 2);
    assert.match(unfold(comps[1] ?? ''), /PARTSTAT=TENTATIVE[^\r\n]*:mailto:b@example.com/);
    assert.doesNotMatch(unfold(comps[0] ?? ''), /TENTATIVE/);
  });

  it('an attendee that removes one instance from its copy declines it', () => {
    const after = edit(base, [/RRULE:FREQ=MONTHLY[^\r\n]*/, '$&\r\nEXDATE;TZID=America/New_York:19980601T140000']);
    const m = only(attendeeMessages({ before: base, after, attendeeAddress: C, now }));
    assert.match(unfold(m.ical), /RECURRENCE-ID;TZID=America\/New_York:19980601T140000/);
    assert.match(unfold(m.ical), /PARTSTAT=DECLINED:mailto:c@example.com/);
  });

  it('a reply for an instance the event does not have is refused (3.1, bad RECURRENCE-ID)', () => {
    const reply = edit(fixture('rfc5546-4.4.9-error-reply.ics'), ['UID:guid-1@example.com', 'UID:guid-1@example.com\nRECURRENCE-ID:19980215T190000Z'], [/REQUEST-STATUS:[^\n]*/, 'REQUEST-STATUS:2.0;Success']);
    const r = processMessage({ message: reply, recipientAddress: A, existingCopy: base, now });
    assert.equal(r.outcome, 'rejected');
    assert.equal(r.requestStatus, '3.1;Invalid property value;RECURRENCE-ID');
  });

  it('§4.4.8 B counters one instance', () => {
    const proposal = componentsOf(fixture('rfc5546-4.4.8-counter-instance.ics'))[0]?.replace(/COMMENT:[^\n]*\n/, '') ?? '';
    const m = only(attendeeMessages({
      before: base, after: withComponents(base, [proposal]), attendeeAddress: B, now: at('1997-06-12T19:00:00Z'),
      options: { counter: true, comment: 'I cannot make 2pm that day; could we meet at 4pm?' },
    }));
    assertSameIcal(m.ical, fixture('rfc5546-4.4.8-counter-instance.ics'));
    const r = processMessage({ message: m.ical, recipientAddress: A, existingCopy: base, originator: B, now });
    assert.equal(r.outcome, 'counter-proposed');
    assert.match(r.description, /the 1998-05-01 18:00Z instance of .*: start 1998-05-01 20:00Z \(now 1998-05-01 18:00Z\)/);
  });
});
