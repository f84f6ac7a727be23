// RFC 5546 §4.5 group to-dos (request, reply, request for updated status, IN-PROCESS and
// COMPLETED replies, update, recurring to-do, replacing an instance), §4.6 journal entries
// (PUBLISH, ADD, CANCEL) and §4.7.1 REFRESH.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attendeeMessages, organizerMessages, processMessage, refreshMessage } from '../../../src/domain/itip/index.js';
import { asCopy, assertSameIcal, at, componentsOf, edit, fixture, only, unfold, withComponents } from './helpers.js';

const A = 'mailto:a@example.com';
const B = 'mailto:b@example.com';
const todoRequest = fixture('rfc5546-4.5.1-todo-request.ics');
const todoCopy = asCopy(todoRequest);
const bAccepted = edit(todoCopy, ['ATTENDEE;RSVP=TRUE:mailto:b@example.com', 'ATTENDEE;PARTSTAT=ACCEPTED;RSVP=TRUE:mailto:b@example.com']);

describe('RFC 5546 §4.5 group to-dos', () => {
  it('§4.5.1 a to-do request goes to every assignee', () => {
    const m = only(organizerMessages({ before: null, after: todoCopy, organizerAddress: A, now: at('1997-07-17T20:00:00Z') }).messages);
    assert.deepEqual([...m.recipients].sort(), [B, 'mailto:c@example.com', 'mailto:d@example.com']);
    assertSameIcal(m.ical, todoRequest);
  });

  it('§4.5.2 B accepts the to-do, with a comment', () => {
    const m = only(attendeeMessages({ before: todoCopy, after: bAccepted, attendeeAddress: B, now: at('1997-07-17T20:30:00Z'), options: { comment: "I'll send you my input by email" } }));
    assertSameIcal(m.ical, fixture('rfc5546-4.5.2-todo-reply.ics'));
    const r = processMessage({ message: m.ical, recipientAddress: A, existingCopy: todoCopy, now: at('1997-07-17T20:31:00Z') });
    assert.equal(r.description, 'b@example.com accepted "Create the requirements document" (1997-07-01 17:00Z). Comment: I\'ll send you my input by email');
  });

  it('§4.5.3 a request for updated status is a forced REQUEST; B keeps its answer', () => {
    const forced = edit(bAccepted, ['ATTENDEE;PARTSTAT=ACCEPTED;RSVP=TRUE:mailto:b@example.com', 'ATTENDEE;PARTSTAT=ACCEPTED;RSVP=TRUE;SCHEDULE-FORCE-SEND=REQUEST:mailto:b@example.com']);
    const m = only(organizerMessages({ before: bAccepted, after: forced, organizerAddress: A, now: at('1997-07-17T21:00:00Z') }).messages);
    assert.deepEqual(m.recipients, [B]);
    const r = processMessage({ message: m.ical, recipientAddress: B, existingCopy: bAccepted, now: at('1997-07-17T21:00:10Z') });
    assert.equal(r.outcome, 'updated');
    assert.match(unfold(r.newCopy), /PARTSTAT=ACCEPTED[^\r\n]*:mailto:b@example.com/);
  });

  const inProcess = edit(bAccepted, ['PARTSTAT=ACCEPTED;RSVP=TRUE:mailto:b', 'PARTSTAT=IN-PROCESS;RSVP=TRUE:mailto:b'], ['PRIORITY:1', 'PRIORITY:1\nPERCENT-COMPLETE:75']);

  it('§4.5.4 B reports progress: PARTSTAT=IN-PROCESS, PERCENT-COMPLETE', () => {
    const m = only(attendeeMessages({ before: bAccepted, after: inProcess, attendeeAddress: B, now: at('1997-07-17T23:00:00Z') }));
    assertSameIcal(m.ical, fixture('rfc5546-4.5.4-todo-in-process.ics'));
    const r = processMessage({ message: m.ical, recipientAddress: A, existingCopy: bAccepted, now: at('1997-07-17T23:00:10Z') });
    assert.equal(r.description, 'b@example.com is working on "Create the requirements document" (1997-07-01 17:00Z), 75% complete.');
  });

  it('§4.5.5 B completes the to-do', () => {
    const done = edit(inProcess, ['PARTSTAT=IN-PROCESS', 'PARTSTAT=COMPLETED'], ['PERCENT-COMPLETE:75', 'PERCENT-COMPLETE:100\nCOMPLETED:19970720T170000Z']);
    const m = only(attendeeMessages({ before: inProcess, after: done, attendeeAddress: B, now: at('1997-07-20T17:00:00Z') }));
    assertSameIcal(m.ical, fixture('rfc5546-4.5.5-todo-completed.ics'));
    const r = processMessage({ message: m.ical, recipientAddress: A, existingCopy: bAccepted, now: at('1997-07-20T17:00:10Z') });
    assert.match(r.description, /^b@example\.com completed "Create the requirements document"/);
    assert.match(unfold(r.newCopy), /PARTSTAT=COMPLETED[^\r\n]*:mailto:b@example.com/);
  });

  it('§4.5.6 moving the due date reschedules: SEQUENCE 1, answers reset', () => {
    const after = edit(bAccepted, ['DUE:19970722T170000Z', 'DUE:19970725T170000Z']);
    const { messages } = organizerMessages({ before: bAccepted, after, organizerAddress: A, now: at('1997-07-17T23:00:00Z') });
    assertSameIcal(only(messages).ical, fixture('rfc5546-4.5.6-todo-update.ics'));
  });

  it('§4.5.7 a recurring to-do request', () => {
    const req = fixture('rfc5546-4.5.7-recurring-todo.ics');
    assertSameIcal(only(organizerMessages({ before: null, after: asCopy(req), organizerAddress: A, now: at('1997-07-17T20:00:00Z') }).messages).ical, req);
  });

  it('§4.5.8 replacing one instance of a recurring to-do', () => {
    const req = asCopy(fixture('rfc5546-4.5.7-recurring-todo.ics'));
    const replacement = fixture('rfc5546-4.5.8-replace-todo-instance.ics');
    const { messages } = organizerMessages({ before: req, after: withComponents(req, componentsOf(replacement)), organizerAddress: A, now: at('1997-07-18T20:00:00Z') });
    assertSameIcal(only(messages).ical, replacement);
    const r = processMessage({ message: replacement, recipientAddress: B, existingCopy: req, now: at('1997-07-18T20:00:10Z') });
    assert.equal(r.outcome, 'updated');
    assert.equal(componentsOf(r.newCopy ?? '').length, 2);
  });

  it('a recipient that cannot do recurrence schedules one to-do (2.10)', () => {
    const r = processMessage({ message: fixture('rfc5546-4.5.7-recurring-todo.ics'), recipientAddress: B, existingCopy: null, now: at('1997-07-17T20:00:10Z'), policy: { recurrence: 'single-only' } });
    assert.equal(r.requestStatus, '2.10;Success, repeating VTODO ignored. Scheduled as a single VTODO');
  });
});

describe('RFC 5546 §4.6 journal entries', () => {
  const journal = fixture('rfc5546-4.6.1-journal-publish.ics');
  const reader = 'mailto:reader@example.com';

  it('§4.6.1 a journal entry is published', () => {
    const m = only(organizerMessages({ before: null, after: asCopy(journal), organizerAddress: A, now: at('1997-03-17T19:00:00Z'), options: { method: 'PUBLISH', recipients: [reader] } }).messages);
    assertSameIcal(m.ical, journal);
    const r = processMessage({ message: journal, recipientAddress: reader, existingCopy: null, now: at('1997-03-17T19:01:00Z') });
    assert.equal(r.outcome, 'created');
  });

  it('§4.6 ADD adds an entry to the journal', () => {
    const r = processMessage({ message: fixture('rfc5546-4.6.2-journal-add.ics'), recipientAddress: reader, existingCopy: asCopy(journal), now: at('1997-03-24T19:01:00Z') });
    assert.equal(r.outcome, 'updated');
    assert.match(r.newCopy ?? '', /RDATE;VALUE=DATE:19970324/);
    assert.equal(componentsOf(r.newCopy ?? '').length, 2, 'the added entry says something else: kept as an override');
    assert.match(r.newCopy ?? '', /RECURRENCE-ID;VALUE=DATE:19970324/);
  });

  it('§4.6 deleting a published journal entry sends CANCEL', () => {
    const m = only(organizerMessages({ before: asCopy(journal), after: null, organizerAddress: A, now: at('1997-03-25T19:00:00Z'), options: { method: 'PUBLISH', recipients: [reader] } }).messages);
    assertSameIcal(m.ical, fixture('rfc5546-4.6.3-journal-cancel.ics'));
    const r = processMessage({ message: m.ical, recipientAddress: reader, existingCopy: asCopy(journal), now: at('1997-03-25T19:01:00Z') });
    assert.equal(r.outcome, 'cancelled');
  });

  it('a journal cannot be REQUESTed (RFC 5546 §3.5)', () => {
    const r = processMessage({ message: journal.replace('METHOD:PUBLISH', 'METHOD:REQUEST'), recipientAddress: reader, existingCopy: null, now: at('1997-03-17T19:01:00Z') });
    assert.equal(r.outcome, 'rejected');
    assert.equal(r.requestStatus, '5.0;Request not supported');
  });
});

describe('RFC 5546 §4.7.1 / §3.2.6 REFRESH', () => {
  const request = fixture('rfc5546-4.2.1-request.ics');
  const copy = asCopy(request);

  it('B asks for the latest version', () => {
    const m = refreshMessage({ copy, attendeeAddress: B, now: at('1997-06-03T09:40:00Z') });
    assert.equal(m.method, 'REFRESH');
    assert.deepEqual(m.recipients, [A]);
    assertSameIcal(m.ical, fixture('rfc5546-4.7.1-refresh.ics'));
  });

  it('the organizer answers a REFRESH with the latest REQUEST for that attendee', () => {
    const r = processMessage({ message: fixture('rfc5546-4.7.1-refresh.ics'), recipientAddress: A, existingCopy: copy, originator: B, now: at('1997-06-03T09:41:00Z') });
    assert.equal(r.outcome, 'refresh-requested');
    assert.equal(r.newCopy, copy);
    const m = only(r.followUp);
    assert.equal(m.method, 'REQUEST');
    assert.deepEqual(m.recipients, [B]);
    assertSameIcal(m.ical, request);
  });

  it('a REFRESH from someone not invited is refused', () => {
    const msg = edit(fixture('rfc5546-4.7.1-refresh.ics'), ['ATTENDEE:mailto:b@example.com', 'ATTENDEE:mailto:z@example.com']);
    const r = processMessage({ message: msg, recipientAddress: A, existingCopy: copy, now: at('1997-06-03T09:41:00Z') });
    assert.equal(r.outcome, 'rejected');
    assert.equal(r.followUp.length, 0);
  });
});
