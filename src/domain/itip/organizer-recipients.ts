/**
 * The messages one attendee gets from an organizer's change (RFC 5546 §3.2.2 REQUEST with only the
 * instances they are invited to, §3.2.4 ADD, §3.2.5 CANCEL of instances; RFC 6638 §7.2
 * SCHEDULE-FORCE-SEND=REQUEST sends even when nothing changed for them).
 */
import { allAttendees, instancesOf, type InstanceChange } from './change-analysis.js';
import { MASTER, findAttendee, instanceKey, sequenceOf, type Component } from './calendar-data.js';
import { buildMessage, type MessageContext } from './message-builder.js';
import type { ChangeAnalysis, DateEntry } from './organizer-analysis.js';
import { addComponent, cancelComponent, recurrenceIdFor, viewFor } from './organizer-views.js';
import type { LoadedObject } from './loaded-object.js';
import type { ItipMessage } from './types.js';

export interface RecipientPlan {
  before: LoadedObject | null;
  updated: Map<string, Component>;
  analysis: ChangeAnalysis;
  forced: Set<string>;
  ctx: MessageContext;
}

function triggers(analysis: ChangeAnalysis): Set<InstanceChange> {
  const set = new Set<InstanceChange>(['added', 'reschedule', 'update']);
  if (analysis.notifyStatus) set.add('status');
  return set;
}

export function recipientMessages(plan: RecipientPlan, attendee: string): ItipMessage[] {
  const { analysis, ctx } = plan;
  const view = viewFor(plan.updated, attendee);
  if (analysis.wholeCancelled) {
    const master = plan.updated.get(MASTER);
    return master === undefined ? [] : [buildMessage(ctx, 'CANCEL', [cancelComponent(master, 'all')], [attendee])];
  }
  const prior = plan.before?.comps ?? new Map<string, Component>();
  const wasInvited = allAttendees(prior).has(attendee);
  const out: ItipMessage[] = [];
  const cancels = instanceCancels(plan, attendee);
  if (cancels.length > 0) out.push(buildMessage(ctx, 'CANCEL', cancels, [attendee]));
  if (!wasInvited || plan.forced.has(attendee) || analysis.organizerChanged) {
    if (view.length > 0) out.push(buildMessage(ctx, 'REQUEST', view, [attendee]));
    return out;
  }
  const priorKeys = new Set(instancesOf(prior, attendee));
  const fire = triggers(analysis);
  const masterInView = view[0] !== undefined && instanceKey(view[0]) === MASTER;
  const prevMaster = prior.get(MASTER);
  if (!masterInView && priorKeys.has(MASTER) && prevMaster !== undefined) {
    out.push(seriesCancel(plan, prevMaster, attendee));
    if (view.length > 0) out.push(buildMessage(ctx, 'REQUEST', view, [attendee]));
    return out;
  }
  if (masterInView && (fire.has(analysis.masterChange) || analysis.reinstated || !priorKeys.has(MASTER))) {
    out.push(buildMessage(ctx, 'REQUEST', view, [attendee]));
    return out;
  }
  const changed = view.filter((c) => {
    const key = instanceKey(c);
    if (key === MASTER || analysis.newlyCancelled.includes(key)) return false;
    return fire.has(analysis.changes.get(key) ?? 'none') || !priorKeys.has(key);
  });
  if (changed.length > 0) out.push(buildMessage(ctx, 'REQUEST', changed, [attendee]));
  if (masterInView && analysis.addedDates.length > 0) out.push(buildMessage(ctx, 'ADD', addedInstances(plan, analysis.addedDates), [attendee]));
  return out;
}

/** Taken off the series but kept on some instances: the series is cancelled for them first. */
function seriesCancel(plan: RecipientPlan, prevMaster: Component, attendee: string): ItipMessage {
  const comp = cancelComponent(prevMaster, [attendee]);
  const master = plan.updated.get(MASTER) ?? [...plan.updated.values()][0];
  comp.updatePropertyWithValue('sequence', master === undefined ? sequenceOf(prevMaster) + 1 : sequenceOf(master));
  return buildMessage(plan.ctx, 'CANCEL', [comp], [attendee]);
}

/** CANCEL components for the instances this attendee loses (RFC 5546 §3.2.5, §4.4.3). */
function instanceCancels(plan: RecipientPlan, attendee: string): Component[] {
  const master = plan.updated.get(MASTER);
  const out: Component[] = [];
  if (master !== undefined && findAttendee(master, attendee) !== null) {
    for (const entry of plan.analysis.cancelledDates) {
      const rid = recurrenceIdFor(entry.value, entry.tzid);
      if (rid !== undefined) out.push(cancelComponent(master, 'all', rid));
    }
  }
  for (const key of plan.analysis.newlyCancelled) {
    const comp = plan.updated.get(key);
    if (comp !== undefined && findAttendee(comp, attendee) !== null) out.push(cancelComponent(comp, 'all'));
  }
  for (const key of instancesOf(plan.before?.comps ?? new Map<string, Component>(), attendee)) {
    const comp = plan.updated.get(key);
    if (key !== MASTER && comp !== undefined && findAttendee(comp, attendee) === null) out.push(cancelComponent(comp, [attendee]));
  }
  return out;
}

function addedInstances(plan: RecipientPlan, dates: DateEntry[]): Component[] {
  const master = plan.updated.get(MASTER);
  if (master === undefined) return [];
  const out: Component[] = [];
  for (const d of dates) {
    const comp = addComponent(master, d.value, d.tzid);
    if (comp !== null) {
      comp.updatePropertyWithValue('sequence', sequenceOf(master));
      out.push(comp);
    }
  }
  return out;
}
