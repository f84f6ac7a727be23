/**
 * The organizer's answer to a COUNTER (RFC 5546 §3.2.7: accepting sends a new REQUEST with a
 * higher SEQUENCE, §4.2.4; §3.2.8 DECLINECOUNTER names the attendee, UID, SEQUENCE, COMMENT).
 */
import ICAL from 'ical.js';
import { ReefknotError } from '../errors.js';
import { normaliseAddress } from './address.js';
import {
  addressOf,
  cloneComponent,
  sequenceOf,
  serialise,
  storedCalendar,
  type Component,
} from './calendar-data.js';
import { loadObject } from './loaded-object.js';
import { buildMessage } from './message-builder.js';
import { organizerMessages } from './organizer.js';
import { firstComponent, replierLine } from './process-common.js';
import { targetFor } from './process-reply.js';
import type { ItipMessage, OrganizerOptions, OrganizerResult } from './types.js';

export interface CounterAnswerInput {
  /** Who sent the COUNTER, when it lists several attendees (default: its only non-organizer attendee). */
  counterSender?: string;
  /** The organizer's current copy. */
  organizerCopy: string;
  /** The COUNTER message received. */
  counter: string;
  organizerAddress: string;
  now: Date;
}

/** Properties a COUNTER may propose that accepting copies over (RFC 5546 §3.2.7). */
const PROPOSED = ['dtstart', 'dtend', 'duration', 'due', 'location', 'summary', 'description', 'rrule', 'comment'];
const TIMING = ['dtend', 'duration', 'due'];

function applyProposal(target: Component, proposal: Component): void {
  if (TIMING.some((n) => proposal.hasProperty(n))) for (const n of TIMING) target.removeAllProperties(n);
  for (const name of PROPOSED) {
    const props = proposal.getAllProperties(name);
    if (props.length === 0) continue;
    target.removeAllProperties(name);
    for (const p of props) target.addProperty(new ICAL.Property(JSON.parse(JSON.stringify(p.toJSON())) as unknown[]));
  }
  target.removeAllProperties('comment');
}

/** Accepts a COUNTER: the proposal goes into the organizer's copy and a new REQUEST goes out. */
export function acceptCounter(input: CounterAnswerInput & { options?: OrganizerOptions }): OrganizerResult {
  const copy = loadObject(input.organizerCopy);
  const counter = loadObject(input.counter);
  if (counter.method !== 'COUNTER' || counter.uid !== copy.uid) {
    throw new ReefknotError('bad-request', 'The message is not a COUNTER for this object');
  }
  const comps = new Map([...copy.comps].map(([k, c]) => [k, cloneComponent(c)] as const));
  for (const [key, proposal] of counter.comps) {
    const target = targetFor(comps, proposal, key);
    if (target === null) throw new ReefknotError('bad-request', 'The COUNTER names an instance this object does not have');
    applyProposal(target, proposal);
  }
  const after = serialise(storedCalendar(copy.root, [...comps.values()]));
  return organizerMessages({
    before: input.organizerCopy,
    after,
    organizerAddress: input.organizerAddress,
    now: input.now,
    options: { ...input.options, forceSequenceBump: true },
  });
}

/** RFC 5546 §3.2.8: refuses a COUNTER; the attendee's copy records the refusal. */
export function declineCounter(input: CounterAnswerInput & { comment?: string }): ItipMessage {
  const copy = loadObject(input.organizerCopy);
  const counter = loadObject(input.counter);
  const proposal = firstComponent(counter);
  const line = replierLine(counter, input.counterSender);
  const sender = line === null ? null : addressOf(line);
  if (counter.method !== 'COUNTER' || counter.uid !== copy.uid || sender === null) {
    throw new ReefknotError('bad-request', 'The message is not a COUNTER for this object');
  }
  const current = firstComponent(copy);
  const comp = new ICAL.Component(current.name);
  comp.addPropertyWithValue('uid', copy.uid);
  for (const name of ['organizer']) {
    const prop = current.getFirstProperty(name);
    if (prop !== null) comp.addProperty(new ICAL.Property(JSON.parse(JSON.stringify(prop.toJSON())) as unknown[]));
  }
  const counterLine = proposal.getAllProperties('attendee').find((p) => addressOf(p) === sender);
  if (counterLine !== undefined) comp.addProperty(new ICAL.Property(JSON.parse(JSON.stringify(counterLine.toJSON())) as unknown[]));
  const rid = proposal.getFirstProperty('recurrence-id');
  if (rid !== null) comp.addProperty(new ICAL.Property(JSON.parse(JSON.stringify(rid.toJSON())) as unknown[]));
  comp.addPropertyWithValue('sequence', sequenceOf(current));
  if (input.comment !== undefined) comp.addPropertyWithValue('comment', input.comment);
  const organizer = normaliseAddress(input.organizerAddress);
  const ctx = { originator: organizer, actingFor: organizer, now: input.now, source: copy.root, uid: copy.uid };
  return buildMessage(ctx, 'DECLINECOUNTER', [comp], [sender]);
}
