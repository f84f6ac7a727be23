/**
 * The organizer's copy after a change (RFC 5546 §2.1.4 SEQUENCE, §2.1.5 DTSTAMP, §3.2.2.1
 * reschedule resets PARTSTAT and asks for RSVP; RFC 6638 §7.2 SCHEDULE-FORCE-SEND is not stored).
 */
import { sameAddress } from './address.js';
import {
  addressOf,
  attendeeProps,
  findAttendee,
  param,
  sequenceOf,
  setUtc,
  type Component,
} from './calendar-data.js';

export interface CopyPlan {
  /** Raise SEQUENCE above every earlier one (RFC 5546 §2.1.4). */
  bump: boolean;
  /** Instance keys whose attendees must answer again. */
  rescheduled: Set<string>;
  organizer: string;
  now: Date;
}

/** Reply bookkeeping kept on ATTENDEE (RFC 5546 §2.1.5: last SEQUENCE and DTSTAMP seen from each). */
export const REPLY_SEQUENCE = 'x-reefknot-reply-sequence';
export const REPLY_DTSTAMP = 'x-reefknot-reply-dtstamp';

function maxSequence(comps: Iterable<Component>): number {
  let max = -1;
  for (const c of comps) max = Math.max(max, sequenceOf(c));
  return max;
}

/**
 * Applies the plan to `updated` in place. Returns the attendees that asked for a forced send
 * (SCHEDULE-FORCE-SEND=REQUEST), after removing that parameter.
 */
export function applyCopyPlan(before: Map<string, Component> | null, updated: Map<string, Component>, plan: CopyPlan): Set<string> {
  const floor = before === null ? -1 : maxSequence(before.values());
  const forced = new Set<string>();
  for (const [key, comp] of updated) {
    const previous = before?.get(key);
    const seq = plan.bump ? Math.max(floor + 1, sequenceOf(comp)) : Math.max(sequenceOf(comp), previous === undefined ? 0 : sequenceOf(previous));
    if (seq > 0 || comp.hasProperty('sequence')) comp.updatePropertyWithValue('sequence', seq);
    setUtc(comp, 'dtstamp', plan.now);
    if (plan.rescheduled.has(key)) resetParticipation(comp, plan.organizer);
    for (const a of takeForcedSends(comp)) forced.add(a);
    if (previous !== undefined) carryReplyState(previous, comp);
  }
  return forced;
}

/** RFC 5546 §3.2.2.1: after a reschedule every attendee but the organizer must answer again. */
function resetParticipation(comp: Component, organizer: string): void {
  for (const prop of attendeeProps(comp)) {
    if (sameAddress(addressOf(prop), organizer)) continue;
    prop.setParameter('partstat', 'NEEDS-ACTION');
    if (param(prop, 'rsvp', true) !== 'FALSE') prop.setParameter('rsvp', 'TRUE');
  }
}

function takeForcedSends(comp: Component): string[] {
  const out: string[] = [];
  for (const prop of attendeeProps(comp)) {
    if (param(prop, 'schedule-force-send', true) === 'REQUEST') out.push(addressOf(prop));
    prop.removeParameter('schedule-force-send');
  }
  return out;
}

function carryReplyState(previous: Component, comp: Component): void {
  for (const prop of attendeeProps(comp)) {
    const old = findAttendee(previous, addressOf(prop));
    if (old === null) continue;
    for (const name of [REPLY_SEQUENCE, REPLY_DTSTAMP]) {
      const value = param(old, name);
      if (value !== null && param(prop, name) === null) prop.setParameter(name, value);
    }
  }
}
