/**
 * Organizer side of iTIP: from the organizer's copy before and after a change, the messages each
 * recipient gets (RFC 5546 §3.2.1 PUBLISH; §3.2.2 REQUEST: initial, §3.2.2.1 reschedule,
 * §3.2.2.2 update/reconfirm, §3.2.2.4 changing the organizer, §3.2.2.5 sending on behalf of the
 * organizer, §3.2.2.6 forwarding to an uninvited CU, §3.2.2.7 updating attendee status; §3.2.4 ADD;
 * §3.2.5 CANCEL; RFC 6638 §3.2.1 organizer scheduling, §7.1 SCHEDULE-AGENT, §7.2 SCHEDULE-FORCE-SEND).
 */
import { ReefknotError } from '../errors.js';
import { normaliseAddress, sameAddress } from './address.js';
import { classifyInstance, isCancelled, type InstanceChange } from './change-analysis.js';
import {
  MASTER,
  attendeeProps,
  addressOf,
  organizerOf,
  parseCalendar,
  serialise,
  serverSchedules,
  type Component,
} from './calendar-data.js';
import { buildMessage, groupMessages, type MessageContext } from './message-builder.js';
import { applyCopyPlan } from './organizer-copy.js';
import { analyseChange } from './organizer-analysis.js';
import { recipientMessages, type RecipientPlan } from './organizer-recipients.js';
import { cancelComponent } from './organizer-views.js';
import { loadObject, type LoadedObject } from './loaded-object.js';
import type { ItipMessage, OrganizerInput, OrganizerOptions, OrganizerResult } from './types.js';

/** RFC 5546 §3.2: the messages an organizer's change produces, and the organizer copy to store. */
export function organizerMessages(input: OrganizerInput): OrganizerResult {
  const before = input.before === null ? null : loadObject(input.before);
  const after = input.after === null ? null : loadObject(input.after);
  const current = after ?? before;
  if (current === null) return { messages: [], updatedOrganizerCopy: null };
  if (before !== null && after !== null && before.uid !== after.uid) {
    throw new ReefknotError('bad-request', 'The old and new versions of the object have different UIDs');
  }
  const organizer = normaliseAddress(input.organizerAddress);
  const opts = input.options ?? {};
  const ctx: MessageContext = {
    originator: opts.sentBy ?? organizer,
    actingFor: organizer,
    now: input.now,
    source: current.root,
    uid: current.uid,
    ...(opts.comment === undefined ? {} : { comment: opts.comment }),
  };
  if (opts.method === 'PUBLISH') return publish(before, after, ctx, opts.recipients ?? []);
  if (!hasScheduling(current, organizer)) {
    // The organizer dropped ORGANIZER and attendees: every attendee was removed (RFC 6638 §3.2.1.2).
    const dropped = before !== null && after !== null && hasScheduling(before, organizer);
    return { messages: dropped ? cancelEverything(before, ctx, organizer) : [], updatedOrganizerCopy: input.after };
  }
  if (after === null) return { messages: cancelEverything(current, ctx, organizer), updatedOrganizerCopy: null };
  return request(before, after, ctx, opts);
}

/** True when the object is scheduled by `organizer`; an error when someone else organizes it. */
function hasScheduling(obj: LoadedObject, organizer: string): boolean {
  const comps = [...obj.comps.values()];
  const declared = comps.map(organizerOf).find((o) => o !== null) ?? null;
  if (declared === null) {
    if (comps.some((c) => attendeeProps(c).length > 0)) {
      throw new ReefknotError('invalid-calendar-object', 'A scheduled object with attendees must have an ORGANIZER (RFC 5546 §3.2.2)');
    }
    return false;
  }
  if (!sameAddress(declared, organizer)) {
    throw new ReefknotError('forbidden', `${organizer} is not the organizer of this object (${declared} is)`);
  }
  return true;
}

/** Attendees the server schedules for: not the organizer, not SCHEDULE-AGENT=CLIENT/NONE (RFC 6638 §7.1). */
export function schedulableAttendees(comps: Map<string, Component>, organizer: string, originator: string): string[] {
  const ok = new Set<string>();
  const skip = new Set<string>([normaliseAddress(organizer), normaliseAddress(originator)]);
  for (const comp of comps.values()) {
    for (const prop of attendeeProps(comp)) {
      if (serverSchedules(prop)) ok.add(addressOf(prop));
      else skip.add(addressOf(prop));
    }
  }
  return [...ok].filter((a) => !skip.has(a));
}

function request(before: LoadedObject | null, after: LoadedObject, ctx: MessageContext, opts: OrganizerOptions): OrganizerResult {
  const updatedRoot = parseCalendar(serialise(after.root));
  const updated = loadObject(serialise(updatedRoot));
  const analysis = analyseChange(before, updated.comps, ctx.actingFor, opts);
  const forced = applyCopyPlan(before?.comps ?? null, updated.comps, {
    bump: analysis.bump,
    rescheduled: analysis.rescheduled,
    organizer: ctx.actingFor,
    now: ctx.now,
  });
  const plan: RecipientPlan = { before, updated: updated.comps, analysis, forced, ctx: { ...ctx, source: updated.root } };
  const messages: ItipMessage[] = [];
  for (const a of schedulableAttendees(updated.comps, ctx.actingFor, ctx.originator)) messages.push(...recipientMessages(plan, a));
  messages.push(...removedAttendeeCancels(plan));
  const extra = (opts.recipients ?? []).filter((r) => !messages.some((m) => m.recipients.includes(normaliseAddress(r))));
  if (extra.length > 0 && !analysis.wholeCancelled) {
    messages.push(buildMessage(plan.ctx, 'REQUEST', [...updated.comps.values()], extra));
  }
  return { messages: groupMessages(messages), updatedOrganizerCopy: serialise(updated.root) };
}

/** RFC 5546 §3.2.5, §4.2.10: an attendee taken off the list gets a CANCEL naming only them. */
function removedAttendeeCancels(plan: RecipientPlan): ItipMessage[] {
  const first = plan.updated.get(MASTER) ?? [...plan.updated.values()][0];
  if (first === undefined || plan.before === null) return [];
  const seq = first.getFirstPropertyValue('sequence') ?? 0;
  return plan.analysis.removedAttendees.map((a) => {
    const source = [...(plan.before?.comps.values() ?? [])][0] ?? first;
    const comp = cancelComponent(source, [a]);
    comp.updatePropertyWithValue('sequence', seq);
    return buildMessage(plan.ctx, 'CANCEL', [comp], [a]);
  });
}

/** The whole object was deleted by its organizer: CANCEL to everyone (RFC 5546 §3.2.5, RFC 6638 §3.2.1.3). */
function cancelEverything(obj: LoadedObject, ctx: MessageContext, organizer: string): ItipMessage[] {
  const comps = [...obj.comps.values()];
  const first = obj.comps.get(MASTER) ?? comps[0];
  if (first === undefined || comps.every(isCancelled)) return [];
  const seq = Math.max(...comps.map((c) => Number(c.getFirstPropertyValue('sequence') ?? 0))) + 1;
  const comp = cancelComponent(first, 'all');
  comp.updatePropertyWithValue('sequence', seq);
  const recipients = schedulableAttendees(obj.comps, organizer, ctx.originator);
  return recipients.length === 0 ? [] : [buildMessage(ctx, 'CANCEL', [comp], recipients)];
}

/** RFC 5546 §3.2.1: PUBLISH carries no attendees; a deleted published object is CANCELled. */
function publish(before: LoadedObject | null, after: LoadedObject | null, ctx: MessageContext, recipients: string[]): OrganizerResult {
  if (after === null) {
    const first = before === null ? undefined : (before.comps.get(MASTER) ?? [...before.comps.values()][0]);
    if (first === undefined || recipients.length === 0) return { messages: [], updatedOrganizerCopy: null };
    const comp = cancelComponent(first, []);
    comp.updatePropertyWithValue('sequence', Number(first.getFirstPropertyValue('sequence') ?? 0) + 1);
    return { messages: [buildMessage(ctx, 'CANCEL', [comp], recipients)], updatedOrganizerCopy: null };
  }
  const updated = loadObject(serialise(after.root));
  const changes = [...updated.comps].map(([k, c]) => classifyInstance(before?.comps.get(k), c));
  const bump = before !== null && changes.some((c: InstanceChange) => c === 'reschedule');
  applyCopyPlan(before?.comps ?? null, updated.comps, { bump, rescheduled: new Set(), organizer: ctx.actingFor, now: ctx.now });
  for (const comp of updated.comps.values()) {
    comp.removeAllProperties('attendee');
    if (!comp.hasProperty('organizer')) comp.addPropertyWithValue('organizer', ctx.actingFor);
  }
  const messages = recipients.length === 0 ? [] : [buildMessage({ ...ctx, source: updated.root }, 'PUBLISH', [...updated.comps.values()], recipients)];
  return { messages, updatedOrganizerCopy: serialise(updated.root) };
}

