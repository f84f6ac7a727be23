// RFC 5546 §4.1 published events and §4.3 busy time: PUBLISH, changing and cancelling a
// published event, a rich published event, an all-day recurring event; VFREEBUSY REQUEST/REPLY.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  freeBusyReply,
  freeBusyRequest,
  organizerMessages,
  parseFreeBusyReply,
  parseFreeBusyRequest,
  processMessage,
} from '../../../src/domain/itip/index.js';
import { asCopy, assertSameIcal, at, fixture, only } from './helpers.js';

const A = 'mailto:a@example.com';
const SUBSCRIBERS = ['mailto:fan1@example.com', 'mailto:fan2@example.com'];

describe('RFC 5546 §4.1 published events', () => {
  const published = fixture('rfc5546-4.1.1-publish.ics');
  const changed = fixture('rfc5546-4.1.2-publish-changed.ics');

  it('§4.1.1 a minimal published event: PUBLISH to the subscribers', () => {
    const { messages } = organizerMessages({ before: null, after: asCopy(published), organizerAddress: A, now: at('1997-06-11T19:00:00Z'), options: { method: 'PUBLISH', recipients: SUBSCRIBERS } });
    const m = only(messages);
    assert.equal(m.method, 'PUBLISH');
    assert.deepEqual(m.recipients, SUBSCRIBERS);
    assertSameIcal(m.ical, published);
  });

  it('§4.1.2 changing the time of a published event raises SEQUENCE', () => {
    const after = asCopy(changed).replace('SEQUENCE:1\n', '');
    const { messages, updatedOrganizerCopy } = organizerMessages({ before: asCopy(published), after, organizerAddress: A, now: at('1997-06-12T19:00:00Z'), options: { method: 'PUBLISH', recipients: SUBSCRIBERS } });
    assertSameIcal(only(messages).ical, changed);
    assertSameIcal(updatedOrganizerCopy, asCopy(changed));
  });

  it('§4.1.3 deleting a published event sends CANCEL with the next SEQUENCE', () => {
    const { messages } = organizerMessages({ before: asCopy(changed), after: null, organizerAddress: A, now: at('1997-06-13T19:00:00Z'), options: { method: 'PUBLISH', recipients: SUBSCRIBERS, comment: 'DUKES forfeit the game' } });
    const m = only(messages);
    assert.equal(m.method, 'CANCEL');
    assertSameIcal(m.ical, fixture('rfc5546-4.1.3-cancel-published.ics'));
  });

  it('§4.1.4 a rich published event keeps its VTIMEZONE and properties (alarms are not sent)', () => {
    const rich = fixture('rfc5546-4.1.4-rich-publish.ics');
    const { messages } = organizerMessages({ before: null, after: asCopy(rich), organizerAddress: A, now: at('1997-06-12T19:00:00Z'), options: { method: 'PUBLISH', recipients: SUBSCRIBERS } });
    assertSameIcal(only(messages).ical, rich.replace(/BEGIN:VALARM[\s\S]*END:VALARM\n/, ''));
  });

  it('§4.1.5 an anniversary (all-day, yearly) is published as is', () => {
    const party = fixture('rfc5546-4.1.5-anniversary.ics');
    const { messages } = organizerMessages({ before: null, after: asCopy(party), organizerAddress: A, now: at('1997-06-11T19:00:00Z'), options: { method: 'PUBLISH', recipients: SUBSCRIBERS } });
    assertSameIcal(only(messages).ical, party);
  });

  it('a subscriber stores a PUBLISH, takes the update, and marks the cancel; no reply is asked', () => {
    const fan = SUBSCRIBERS[0] ?? '';
    const first = processMessage({ message: published, recipientAddress: fan, existingCopy: null, now: at('1997-06-11T19:01:00Z') });
    assert.equal(first.outcome, 'created');
    assert.equal(first.description, 'a@example.com published "ST. PAUL SAINTS -VS- DULUTH-SUPERIOR DUKES" (1997-07-01 20:00Z).');
    const second = processMessage({ message: changed, recipientAddress: fan, existingCopy: first.newCopy, now: at('1997-06-12T19:01:00Z') });
    assert.equal(second.outcome, 'updated');
    assertSameIcal(second.newCopy, asCopy(changed));
    const third = processMessage({ message: fixture('rfc5546-4.1.3-cancel-published.ics'), recipientAddress: fan, existingCopy: second.newCopy, now: at('1997-06-13T19:01:00Z') });
    assert.equal(third.outcome, 'cancelled');
    assert.match(third.description, /Comment: DUKES forfeit the game/);
    assert.match(third.newCopy ?? '', /STATUS:CANCELLED/);
  });

  it('an older PUBLISH after a newer one is ignored', () => {
    const r = processMessage({ message: published, recipientAddress: A, existingCopy: asCopy(changed), now: at('1997-06-13T19:01:00Z') });
    assert.equal(r.outcome, 'ignored');
  });
});

describe('RFC 5546 §4.3 busy time', () => {
  const query = { uid: 'calsrv.example.com-873970198738777@example.com', organizer: A, attendees: ['mailto:b@example.com', 'mailto:c@example.com'], start: at('1997-07-01T08:00:00Z'), end: at('1997-07-01T20:00:00Z') };

  it('§4.3.1 the organizer asks B and C for busy time', () => {
    const m = freeBusyRequest({ ...query, now: at('1997-06-13T19:00:00Z') });
    assert.equal(m.method, 'REQUEST');
    assert.deepEqual(m.recipients, query.attendees);
    assertSameIcal(m.ical, fixture('rfc5546-4.3.1-busy-request.ics'));
    assert.deepEqual(parseFreeBusyRequest(m.ical), query);
  });

  it('§4.3.1 processing the request tells B what is asked', () => {
    const r = processMessage({ message: fixture('rfc5546-4.3.1-busy-request.ics'), recipientAddress: 'mailto:b@example.com', existingCopy: null, now: at('1997-06-13T19:00:10Z') });
    assert.equal(r.outcome, 'freebusy-requested');
    assert.equal(r.description, 'a@example.com asks for your busy time between 1997-07-01 08:00Z and 1997-07-01 20:00Z.');
    assert.equal(r.newCopy, null);
  });

  it('§4.3.2 B replies with busy periods', () => {
    const busy = [
      { start: at('1997-07-01T14:00:00Z'), end: at('1997-07-01T14:30:00Z'), type: 'BUSY' as const },
      { start: at('1997-07-01T09:00:00Z'), end: at('1997-07-01T10:00:00Z'), type: 'BUSY' as const },
    ];
    const m = freeBusyReply({ request: fixture('rfc5546-4.3.1-busy-request.ics'), attendeeAddress: 'mailto:b@example.com', busy, now: at('1997-06-13T19:00:30Z') });
    assert.equal(m.method, 'REPLY');
    assert.deepEqual(m.recipients, [A]);
    assertSameIcal(m.ical, fixture('rfc5546-4.3.2-busy-reply.ics'));
    const parsed = parseFreeBusyReply(m.ical);
    assert.deepEqual(parsed.busy.map((p) => p.start.toISOString()), ['1997-07-01T09:00:00.000Z', '1997-07-01T14:00:00.000Z']);
  });

  it('§4.3.2 the organizer reads the reply', () => {
    const r = processMessage({ message: fixture('rfc5546-4.3.2-busy-reply.ics'), recipientAddress: A, existingCopy: null, now: at('1997-06-13T19:01:00Z') });
    assert.equal(r.outcome, 'freebusy-received');
    assert.equal(r.description, 'b@example.com is busy between 1997-07-01 08:00Z and 1997-07-01 20:00Z at 1997-07-01 09:00Z–10:00Z, 1997-07-01 14:00Z–14:30Z.');
  });

  it('a busy-time request that does not name the recipient is refused (3.7)', () => {
    const r = processMessage({ message: fixture('rfc5546-4.3.1-busy-request.ics'), recipientAddress: 'mailto:z@example.com', existingCopy: null, now: at('1997-06-13T19:00:10Z') });
    assert.equal(r.requestStatus, '3.7;Invalid calendar user');
  });
});
