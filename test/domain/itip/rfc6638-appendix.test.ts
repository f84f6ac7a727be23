// RFC 6638 Appendix B scheduling transactions, as the engine sees them: the organizer's PUT
// becomes a REQUEST (B.1), the attendee's inbox item and copy (B.2), the attendee's accepting PUT
// becomes a REPLY (B.3), the organizer's copy takes the reply (B.4), and busy time (B.5).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  attendeeMessages,
  freeBusyReply,
  organizerMessages,
  parseFreeBusyRequest,
  processMessage,
  schedulingRole,
} from '../../../src/domain/itip/index.js';
import { asCopy, assertSameIcal, at, edit, fixture, only, unfold } from './helpers.js';

const CYRUS = 'mailto:cyrus@example.com';
const WILFREDO = 'mailto:wilfredo@example.com';
const put = fixture('rfc6638-B.1-organizer-put.ics');
const inboxRequest = fixture('rfc6638-B.2-inbox-request.ics');

describe('RFC 6638 Appendix B', () => {
  it('the organizer and attendees are told apart', () => {
    assert.equal(schedulingRole(put, 'mailto:Cyrus@Example.com'), 'organizer');
    assert.equal(schedulingRole(put, WILFREDO), 'attendee');
    assert.equal(schedulingRole(put, 'mailto:nobody@example.com'), 'none');
  });

  it('B.1 the organizer\'s PUT sends one REQUEST to the three other attendees', () => {
    const { messages } = organizerMessages({ before: null, after: put, organizerAddress: CYRUS, now: at('2009-06-02T18:53:00Z') });
    const m = only(messages);
    assert.deepEqual([...m.recipients].sort(), ['mailto:bernard@example.net', 'mailto:mike@example.org', WILFREDO]);
    assertSameIcal(m.ical, inboxRequest);
  });

  const wilfredoCopy = processMessage({ message: inboxRequest, recipientAddress: WILFREDO, existingCopy: null, now: at('2009-06-02T18:53:01Z') });

  it('B.2 the attendee\'s copy is created from the inbox REQUEST', () => {
    assert.equal(wilfredoCopy.outcome, 'created');
    assertSameIcal(wilfredoCopy.newCopy, put);
    assert.equal(wilfredoCopy.description, 'cyrus@example.com invites you to "Lunch" (2009-06-02 16:00Z); a reply is requested.');
  });

  const accepted = edit(unfold(wilfredoCopy.newCopy), [/PARTSTAT=NEEDS-ACTION(;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:wilfredo)/, 'PARTSTAT=ACCEPTED$1']);

  it('B.3 the attendee accepts by PUT: one REPLY to the organizer', () => {
    const m = only(attendeeMessages({ before: wilfredoCopy.newCopy, after: unfold(accepted), attendeeAddress: WILFREDO, now: at('2009-06-03T18:38:23Z') }));
    assert.equal(m.method, 'REPLY');
    assert.deepEqual(m.recipients, [CYRUS]);
    assertSameIcal(m.ical, fixture('rfc6638-B.4-inbox-reply.ics'));
  });

  it('B.4 the organizer\'s copy records the answer', () => {
    const r = processMessage({ message: fixture('rfc6638-B.4-inbox-reply.ics'), recipientAddress: CYRUS, existingCopy: put, originator: WILFREDO, now: at('2009-06-03T18:38:24Z') });
    assert.equal(r.outcome, 'updated');
    assert.equal(r.requestStatus, '2.0;Success');
    assert.match(unfold(r.newCopy), /PARTSTAT=ACCEPTED[^\r\n]*:mailto:wilfredo@example.com/);
  });

  it('B.5 busy time: the request is read and each attendee\'s reply built', () => {
    const request = fixture('rfc6638-B.5-freebusy-request.ics');
    const query = parseFreeBusyRequest(request);
    assert.deepEqual(query.attendees, [WILFREDO, 'mailto:bernard@example.net', 'mailto:mike@example.org']);
    assert.equal(query.start.toISOString(), '2009-06-02T00:00:00.000Z');
    const busy = [
      ['2009-06-03T18:00:00Z', '2009-06-03T19:00:00Z'],
      ['2009-06-02T15:00:00Z', '2009-06-02T16:00:00Z'],
      ['2009-06-03T09:00:00Z', '2009-06-03T10:00:00Z'],
    ].map(([s, e]) => ({ start: at(s ?? ''), end: at(e ?? ''), type: 'BUSY' as const }));
    const m = freeBusyReply({ request, attendeeAddress: 'mailto:bernard@example.net', busy, now: at('2009-06-02T20:07:33Z') });
    assert.deepEqual(m.recipients, [CYRUS]);
    assertSameIcal(m.ical, fixture('rfc6638-B.5-freebusy-reply-bernard.ics'));
  });
});
