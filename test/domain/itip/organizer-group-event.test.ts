// RFC 5546 §4.2 group event examples, organizer side: request, update (reschedule), cancel,
// removing an attendee, replacing the organizer, forwarding to an uninvited CU.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { organizerMessages } from '../../../src/domain/itip/index.js';
import { asCopy, assertSameIcal, at, edit, fixture, only, to } from './helpers.js';

const A = 'mailto:a@example.com';
const request = fixture('rfc5546-4.2.1-request.ics');
const organizerCopy = asCopy(request);
const ALL = ['mailto:b@example.com', 'mailto:c@example.com', 'mailto:d@example.com', 'mailto:conf_big@example.com', 'mailto:e@example.com'];

describe('organizer side: RFC 5546 §4.2 group event', () => {
  it('§4.2.1 a new event sends one REQUEST to every attendee but the organizer', () => {
    const { messages, updatedOrganizerCopy } = organizerMessages({ before: null, after: organizerCopy, organizerAddress: A, now: at('1997-06-11T19:00:00Z') });
    const m = only(messages);
    assert.equal(m.method, 'REQUEST');
    assert.deepEqual([...m.recipients].sort(), [...ALL].sort());
    assert.equal(m.originator, A);
    assertSameIcal(m.ical, request);
    assertSameIcal(updatedOrganizerCopy, organizerCopy);
  });

  it('§4.2.3 a reschedule bumps SEQUENCE and resets PARTSTAT/RSVP (B had accepted)', () => {
    const before = edit(organizerCopy, ['RSVP=TRUE;CUTYPE=INDIVIDUAL;CN=B', 'PARTSTAT=ACCEPTED;CUTYPE=INDIVIDUAL;CN=B']);
    const after = edit(before, ['DTSTART:19970701T200000Z', 'DTSTART:19970701T180000Z'], ['DTEND:19970701T210000Z', 'DTEND:19970701T190000Z'], ['SUMMARY:Conference', 'SUMMARY:Phone Conference']);
    const { messages, updatedOrganizerCopy } = organizerMessages({ before, after, organizerAddress: A, now: at('1997-06-13T19:00:00Z') });
    const m = only(messages);
    assert.equal(m.method, 'REQUEST');
    assertSameIcal(m.ical, fixture('rfc5546-4.2.3-update.ics'));
    assertSameIcal(updatedOrganizerCopy, asCopy(fixture('rfc5546-4.2.3-update.ics')));
  });

  it('§3.2.2.2 an update that is not a reschedule keeps SEQUENCE and answers', () => {
    const before = edit(organizerCopy, ['RSVP=TRUE;CUTYPE=INDIVIDUAL;CN=B', 'PARTSTAT=ACCEPTED;CUTYPE=INDIVIDUAL;CN=B']);
    const after = edit(before, ['SUMMARY:Conference', 'SUMMARY:Conference (agenda attached)']);
    const { messages, updatedOrganizerCopy } = organizerMessages({ before, after, organizerAddress: A, now: at('1997-06-13T19:00:00Z') });
    const m = only(messages);
    assert.equal(m.method, 'REQUEST');
    assert.match(m.ical, /SEQUENCE:0/);
    assert.match(m.ical, /PARTSTAT=ACCEPTED;CUTYPE=INDIVIDUAL;CN=B|CN=B;PARTSTAT=ACCEPTED|PARTSTAT=ACCEPTED/);
    assertSameIcal(updatedOrganizerCopy, after);
  });

  it('§4.2.9 deleting the event sends CANCEL with SEQUENCE bumped to everyone', () => {
    const { messages, updatedOrganizerCopy } = organizerMessages({
      before: organizerCopy,
      after: null,
      organizerAddress: A,
      now: at('1997-06-13T19:00:00Z'),
      options: { comment: 'Mr. A is ill and cannot make it. The meeting is cancelled.' },
    });
    const m = only(messages);
    assert.equal(m.method, 'CANCEL');
    assert.deepEqual([...m.recipients].sort(), [...ALL].sort());
    assertSameIcal(m.ical, fixture('rfc5546-4.2.9-cancel.ics'));
    assert.equal(updatedOrganizerCopy, null);
  });

  it('§4.2.9 setting STATUS:CANCELLED also cancels the whole event', () => {
    const after = edit(organizerCopy, ['STATUS:CONFIRMED', 'STATUS:CANCELLED']);
    const { messages } = organizerMessages({ before: organizerCopy, after, organizerAddress: A, now: at('1997-06-13T19:00:00Z') });
    assert.ok(messages.every((m) => m.method === 'CANCEL'));
    assert.deepEqual(messages.flatMap((m) => m.recipients).sort(), [...ALL].sort());
    assert.match(messages[0]?.ical ?? '', /SEQUENCE:1/);
  });

  it('§4.2.10 removing an attendee sends them a CANCEL and the others the new list', () => {
    const after = edit(organizerCopy, [/ATTENDEE;RSVP=TRUE;CUTYPE=INDIVIDUAL;CN=C:mailto:c@example.com\r?\n/, '']);
    const { messages, updatedOrganizerCopy } = organizerMessages({
      before: organizerCopy, after, organizerAddress: A, now: at('1997-06-13T19:30:00Z'),
      options: { comment: "You're off the hook for this meeting" },
    });
    assertSameIcal(only(to(messages, 'mailto:c@example.com')).ical, fixture('rfc5546-4.2.10-remove-attendee.ics'));
    const update = only(to(messages, 'mailto:b@example.com'));
    assert.equal(update.method, 'REQUEST');
    assert.doesNotMatch(update.ical, /c@example\.com/);
    assert.match(updatedOrganizerCopy ?? '', /SEQUENCE:1/);
    assert.doesNotMatch(updatedOrganizerCopy ?? '', /PARTSTAT=NEEDS-ACTION/);
  });

  it('§4.2.11 / §3.2.2.4 a new organizer sends a REQUEST with the new ORGANIZER and a higher SEQUENCE', () => {
    const before = asCopy(edit(request, [/ATTENDEE;RSVP=FALSE;CUTYPE=ROOM[^\n]*\n/, ''], [/ATTENDEE;ROLE=NON-PARTICIPANT[^\n]*\n/, '']));
    const expected = fixture('rfc5546-4.2.11-new-organizer.ics');
    const { messages } = organizerMessages({ before, after: asCopy(edit(expected, ['SEQUENCE:1', 'SEQUENCE:0'])), organizerAddress: 'mailto:b@example.com', now: at('1997-06-13T19:00:00Z') });
    const m = only(messages);
    assert.deepEqual([...m.recipients].sort(), ['mailto:a@example.com', 'mailto:c@example.com', 'mailto:d@example.com']);
    assertSameIcal(m.ical, expected);
  });

  it('§3.2.2.6 the organizer may also send to an uninvited recipient', () => {
    const { messages } = organizerMessages({
      before: null, after: organizerCopy, organizerAddress: A, now: at('1997-06-11T19:00:00Z'),
      options: { recipients: ['mailto:F@Example.com'] },
    });
    assert.equal(messages.length, 1);
    assert.deepEqual([...(messages[0]?.recipients ?? [])].sort(), [...ALL, 'mailto:f@example.com'].sort());
  });

  it('§3.2.2.5 a secretary sends on behalf of the organizer: SENT-BY and originator', () => {
    const { messages } = organizerMessages({
      before: null, after: organizerCopy, organizerAddress: A, now: at('1997-06-11T19:00:00Z'),
      options: { sentBy: 'mailto:Secretary@example.com' },
    });
    const m = only(messages);
    assert.equal(m.originator, 'mailto:secretary@example.com');
    assertSameIcal(m.ical, edit(request, ['ORGANIZER:mailto:a@example.com', 'ORGANIZER;SENT-BY="mailto:secretary@example.com":mailto:a@example.com']));
  });

  it('refuses to schedule for someone who is not the organizer', () => {
    assert.throws(() => organizerMessages({ before: null, after: organizerCopy, organizerAddress: 'mailto:b@example.com', now: at('1997-06-11T19:00:00Z') }), /not the organizer/);
  });

  it('an object without attendees and ORGANIZER needs no messages', () => {
    const plain = asCopy(edit(request, [/ORGANIZER[^\n]*\n/, ''], [/ATTENDEE[^\n]*\n/g, '']));
    assert.deepEqual(organizerMessages({ before: null, after: plain, organizerAddress: A, now: at('1997-06-11T19:00:00Z') }).messages, []);
  });

  it('dropping ORGANIZER and every attendee cancels the meeting for them', () => {
    const plain = asCopy(edit(request, [/ORGANIZER[^\n]*\n/, ''], [/ATTENDEE[^\n]*\n/g, '']));
    const { messages, updatedOrganizerCopy } = organizerMessages({ before: organizerCopy, after: plain, organizerAddress: A, now: at('1997-06-13T19:00:00Z') });
    const m = only(messages);
    assert.equal(m.method, 'CANCEL');
    assert.deepEqual([...m.recipients].sort(), [...ALL].sort());
    assert.equal(updatedOrganizerCopy, plain);
  });

  it('refuses old and new versions with different UIDs', () => {
    assert.throws(() => organizerMessages({ before: organizerCopy, after: edit(organizerCopy, ['UID:calsrv', 'UID:other']), organizerAddress: A, now: at('1997-06-11T19:00:00Z') }), /different UIDs/);
  });

  it('an unchanged save sends nothing', () => {
    assert.deepEqual(organizerMessages({ before: organizerCopy, after: organizerCopy, organizerAddress: A, now: at('1997-06-11T19:00:00Z') }).messages, []);
  });
});
