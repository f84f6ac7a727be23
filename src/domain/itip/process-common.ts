/**
 * Shared rules for processing a received iTIP message (RFC 5546 §2.1.5 message sequencing,
 * §3.2 who may send which method, §3.6 REQUEST-STATUS, RFC 5545 §3.2.18 SENT-BY).
 */
import { displayAddress, sameAddress } from './address.js';
import {
  MASTER,
  attendeeProps,
  addressOf,
  describeTime,
  organizerOf,
  param,
  sequenceOf,
  textValue,
  timeMs,
  type Component,
  type Property,
} from './calendar-data.js';
import type { LoadedObject } from './loaded-object.js';
import type { ItipMessage, ProcessOutcome, ProcessResult } from './types.js';

export function result(
  outcome: ProcessOutcome,
  requestStatus: string,
  description: string,
  newCopy: string | null,
  followUp: ItipMessage[] = [],
): ProcessResult {
  return { newCopy, outcome, requestStatus, description, followUp };
}

/**
 * RFC 5546 §2.1.5: a message is older than what we hold when its SEQUENCE is lower, or equal with
 * an earlier DTSTAMP.
 */
export function isOlder(message: Component, held: Component): boolean {
  const ms = sequenceOf(message);
  const hs = sequenceOf(held);
  if (ms !== hs) return ms < hs;
  const md = timeMs(message, 'dtstamp');
  const hd = timeMs(held, 'dtstamp');
  return md !== null && hd !== null && md < hd;
}

/** The held component a message component is compared with: the same instance, else the master. */
export function heldFor(held: LoadedObject, comp: Component, key: string): Component | undefined {
  return held.comps.get(key) ?? (comp.hasProperty('recurrence-id') ? held.comps.get(MASTER) : undefined);
}

export function firstComponent(obj: LoadedObject): Component {
  const first = obj.comps.get(MASTER) ?? [...obj.comps.values()][0];
  if (first === undefined) throw new Error('a loaded object always has a component');
  return first;
}

/** RFC 5546 §3.2: organizer methods come from the ORGANIZER or the one it names in SENT-BY. */
export function actsForOrganizer(msg: LoadedObject, originator: string | undefined): boolean {
  const organizerProp = firstComponent(msg).getFirstProperty('organizer');
  if (organizerProp === null) return false;
  if (originator === undefined) return true;
  const organizer = organizerOf(firstComponent(msg));
  return sameAddress(organizer, originator) || sameAddress(param(organizerProp, 'sent-by'), originator);
}

/** Every value of a multi-valued address parameter (DELEGATED-TO, DELEGATED-FROM). */
function addressesIn(prop: Property, name: string): string[] {
  const raw: unknown = prop.getParameter(name);
  return (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
}

/**
 * RFC 5546 §4.2.5: an attendee who delegated to the recipient forwards the REQUEST to them. The
 * message must say so both ways: the sender DELEGATED-TO the recipient, the recipient
 * DELEGATED-FROM the sender.
 */
export function delegatedToRecipient(msg: LoadedObject, originator: string | undefined, recipient: string): boolean {
  if (originator === undefined) return false;
  const lines = attendeeProps(firstComponent(msg));
  const sender = lines.find((p) => sameAddress(addressOf(p), originator));
  const delegate = lines.find((p) => sameAddress(addressOf(p), recipient));
  return sender !== undefined && delegate !== undefined
    && addressesIn(sender, 'delegated-to').some((a) => sameAddress(a, recipient))
    && addressesIn(delegate, 'delegated-from').some((a) => sameAddress(a, originator));
}

/** The ATTENDEE line of the calendar user who sent an attendee method (REPLY, REFRESH, COUNTER). */
export function replierLine(msg: LoadedObject, originator: string | undefined): Property | null {
  const first = firstComponent(msg);
  const lines = attendeeProps(first);
  if (originator === undefined) {
    const others = lines.filter((p) => !sameAddress(addressOf(p), organizerOf(first)));
    return others.length === 1 ? (others[0] ?? null) : null;
  }
  return lines.find((p) => sameAddress(addressOf(p), originator) || sameAddress(param(p, 'sent-by'), originator)) ?? null;
}

export function summaryOf(comp: Component): string {
  const summary = textValue(comp, 'summary');
  return summary === null ? 'the event' : `"${summary}"`;
}

/** "“Conference” (1997-07-01 20:00Z)" or, for an instance, "the 1997-07-15 14:00Z instance of …". */
export function subjectOf(comp: Component, held?: Component): string {
  const named = summaryOf(held !== undefined && !comp.hasProperty('summary') ? held : comp);
  const rid = describeTime(comp, 'recurrence-id');
  if (rid !== null) return `the ${rid} instance of ${named}`;
  const start = describeTime(comp, 'dtstart') ?? (held === undefined ? null : describeTime(held, 'dtstart'));
  return start === null ? named : `${named} (${start})`;
}

const PARTSTAT_WORDS: Record<string, string> = {
  ACCEPTED: 'accepted',
  DECLINED: 'declined',
  TENTATIVE: 'tentatively accepted',
  'NEEDS-ACTION': 'has not answered',
  DELEGATED: 'delegated',
  'IN-PROCESS': 'is working on',
  COMPLETED: 'completed',
};

export function partstatWords(partstat: string): string {
  return PARTSTAT_WORDS[partstat] ?? `answered ${partstat} to`;
}

export function who(address: string | null): string {
  return address === null ? 'someone' : displayAddress(address);
}
