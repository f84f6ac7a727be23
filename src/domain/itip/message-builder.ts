/**
 * Builds ItipMessage values (RFC 5546 §3.1: one METHOD, one UID per message; §2.1.5 DTSTAMP is
 * the time the message was made) and merges identical messages into one with several recipients.
 */
import { normaliseAddress, sameAddress, uniqueAddresses } from './address.js';
import { findAttendee, messageCalendar, serialise, setText, type Component } from './calendar-data.js';
import type { ItipMessage, ItipMethod } from './types.js';

export interface MessageContext {
  /** The address the message is sent from (the organizer, an attendee, or a SENT-BY). */
  originator: string;
  /** The calendar user acting (ORGANIZER or ATTENDEE value) when the originator acts for them. */
  actingFor: string;
  now: Date;
  /** The calendar the components come from (its VTIMEZONEs are carried along). */
  source: Component;
  uid: string;
  /** A COMMENT for every component of the message. */
  comment?: string;
}

export function buildMessage(ctx: MessageContext, method: ItipMethod, comps: Component[], recipients: string[]): ItipMessage {
  const root = messageCalendar(method, ctx.source, comps, ctx.now);
  if (!sameAddress(ctx.originator, ctx.actingFor)) {
    for (const comp of root.getAllSubcomponents()) markSentBy(comp, ctx.actingFor, ctx.originator);
  }
  if (ctx.comment !== undefined) {
    for (const comp of root.getAllSubcomponents().filter((c) => c.name !== 'vtimezone')) setText(comp, 'comment', ctx.comment);
  }
  return {
    method,
    recipients: uniqueAddresses(recipients),
    originator: normaliseAddress(ctx.originator),
    uid: ctx.uid,
    ical: serialise(root),
  };
}

/** RFC 5545 §3.2.18 SENT-BY on the ORGANIZER or ATTENDEE the originator acts for. */
function markSentBy(comp: Component, actingFor: string, sentBy: string): void {
  const organizer = comp.getFirstProperty('organizer');
  const target = organizer !== null && sameAddress(String(organizer.getFirstValue()), actingFor) ? organizer : findAttendee(comp, actingFor);
  target?.setParameter('sent-by', normaliseAddress(sentBy));
}

/** Merges messages with the same method and text, so each distinct view is sent once. */
export function groupMessages(messages: ItipMessage[]): ItipMessage[] {
  const byText = new Map<string, ItipMessage>();
  for (const m of messages) {
    if (m.recipients.length === 0) continue;
    const key = `${m.method}\n${m.originator}\n${m.ical}`;
    const seen = byText.get(key);
    if (seen === undefined) byText.set(key, { ...m, recipients: [...m.recipients] });
    else seen.recipients = uniqueAddresses([...seen.recipients, ...m.recipients]);
  }
  return [...byText.values()];
}
