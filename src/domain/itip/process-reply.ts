/**
 * A REPLY reaching the organizer (RFC 5546 §3.2.3): the replying attendee's PARTSTAT is set on
 * the organizer's copy, per instance; only that attendee, their SENT-BY, or their delegate may
 * answer (§3.2.2.3), someone uninvited only if the organizer allows; the last SEQUENCE and DTSTAMP
 * seen from each attendee are kept and older replies ignored (§2.1.5).
 */
import ICAL from 'ical.js';
import { sameAddress } from './address.js';
import {
  MASTER,
  addressOf,
  addressParams,
  cloneComponent,
  findAttendee,
  organizerOf,
  param,
  partstatOf,
  sequenceOf,
  serialise,
  storedCalendar,
  textValue,
  timeMs,
  utcTime,
  type Component,
  type Property,
} from './calendar-data.js';
import { createOverride, isInstanceOf } from './instances.js';
import type { LoadedObject } from './loaded-object.js';
import { REPLY_DTSTAMP, REPLY_SEQUENCE } from './organizer-copy.js';
import { firstComponent, partstatWords, replierLine, result, subjectOf, who } from './process-common.js';
import { STATUS } from './request-status.js';
import type { ProcessInput, ProcessResult } from './types.js';

type Step = { kind: 'done'; text: string } | { kind: 'ignored'; text: string } | { kind: 'rejected'; status: string; text: string };

/** The organizer's component for an instance, creating the override when the instance is real. */
export function targetFor(comps: Map<string, Component>, msgComp: Component, key: string): Component | null {
  const existing = comps.get(key);
  if (existing !== undefined) return existing;
  const master = comps.get(MASTER);
  const rid = msgComp.getFirstProperty('recurrence-id');
  const ridValue = rid?.getFirstValue();
  if (master === undefined || rid === null || rid === undefined || !(ridValue instanceof ICAL.Time) || !isInstanceOf(master, ridValue)) return null;
  const override = createOverride(master, rid);
  if (override !== null) comps.set(key, override);
  return override;
}

/** RFC 5546 §3.2.2.3: a delegate may answer once someone on the list delegated to them. */
function delegatedTo(target: Component, address: string): boolean {
  return target.getAllProperties('attendee').some((p) => addressParams(p, 'delegated-to').includes(address));
}

export function processReply(input: ProcessInput, msg: LoadedObject, held: LoadedObject | null): ProcessResult {
  const line = replierLine(msg, input.originator);
  if (line === null) return result('rejected', STATUS.noAuthority, 'The reply does not come from an attendee it names; it was refused.', input.existingCopy);
  const replier = addressOf(line);
  if (held === null) return result('rejected', STATUS.invalidPropertyValue, `${who(replier)} replied to ${subjectOf(firstComponent(msg))}, which is not in your calendar.`, null);
  const isOrganizer = sameAddress(organizerOf(firstComponent(held)), input.recipientAddress);
  const comps = new Map([...held.comps].map(([k, c]) => [k, cloneComponent(c)] as const));
  const steps: Step[] = [];
  for (const [key, msgComp] of msg.comps) {
    const msgLine = findAttendee(msgComp, replier);
    const target = targetFor(comps, msgComp, key);
    if (msgLine === null) steps.push({ kind: 'rejected', status: STATUS.missing, text: 'a component of the reply does not name the replying attendee' });
    else if (target === null) steps.push({ kind: 'rejected', status: `${STATUS.invalidPropertyValue};RECURRENCE-ID`, text: `${subjectOf(msgComp)} is not an instance of this event` });
    else steps.push(applyReply(target, msgComp, msgLine, input, isOrganizer));
  }
  return summarise(steps, held, comps, input, who(replier));
}

function summarise(steps: Step[], held: LoadedObject, comps: Map<string, Component>, input: ProcessInput, name: string): ProcessResult {
  const rejected = steps.find((s): s is Extract<Step, { kind: 'rejected' }> => s.kind === 'rejected');
  if (rejected !== undefined) return result('rejected', rejected.status, `The reply from ${name} was refused: ${rejected.text}.`, input.existingCopy);
  const done = steps.filter((s) => s.kind === 'done').map((s) => s.text);
  if (done.length === 0) return result('ignored', STATUS.success, steps.map((s) => s.text).join(' '), input.existingCopy);
  const ordered = [...comps.values()].sort((a, b) => Number(a.hasProperty('recurrence-id')) - Number(b.hasProperty('recurrence-id')));
  return result('updated', STATUS.success, done.join(' '), serialise(storedCalendar(held.root, ordered)));
}

function applyReply(target: Component, msgComp: Component, msgLine: Property, input: ProcessInput, isOrganizer: boolean): Step {
  const replier = addressOf(msgLine);
  let line = findAttendee(target, replier);
  const subject = subjectOf(msgComp, target);
  if (sequenceOf(msgComp) < sequenceOf(target)) {
    return { kind: 'ignored', text: `The reply from ${who(replier)} to ${subject} answers an older version (SEQUENCE ${sequenceOf(msgComp)}); it was ignored.` };
  }
  if (line !== null && olderThanLastSeen(line, msgComp)) {
    return { kind: 'ignored', text: `An older reply from ${who(replier)} to ${subject} arrived after a newer one; it was ignored.` };
  }
  if (line === null) {
    const allowed = delegatedTo(target, replier) || input.policy?.acceptRepliesFromUninvited === true;
    if (!allowed || !isOrganizer) return { kind: 'rejected', status: STATUS.noAuthority, text: `${who(replier)} is not invited to ${subject}` };
    line = target.addPropertyWithValue('attendee', String(msgLine.getFirstValue()));
    line;
  }
  updateLine(target, line, msgLine, msgComp);
  return { kind: 'done', text: describeReply(replier, msgLine, msgComp, subject) };
}

/** "19970612T190000Z" as milliseconds (RFC 5545 §3.3.5 UTC form). */
function basicUtcMs(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return m === null ? Number.NaN : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function olderThanLastSeen(line: Property, msgComp: Component): boolean {
  const seq = param(line, REPLY_SEQUENCE);
  const stamp = param(line, REPLY_DTSTAMP);
  if (seq === null) return false;
  const msgSeq = sequenceOf(msgComp);
  if (msgSeq !== Number(seq)) return msgSeq < Number(seq);
  const msgStamp = timeMs(msgComp, 'dtstamp');
  return stamp !== null && msgStamp !== null && msgStamp < basicUtcMs(stamp);
}

/** Copies the answer and delegation, adds new delegates (RFC 5546 §3.2.2.3), records what was seen. */
function updateLine(target: Component, line: Property, msgLine: Property, msgComp: Component): void {
  line.setParameter('partstat', partstatOf(msgLine));
  for (const name of ['delegated-to', 'delegated-from']) {
    const values = addressParams(msgLine, name);
    if (values.length > 0) line.setParameter(name, values);
  }
  line.removeParameter('schedule-status');
  line.setParameter(REPLY_SEQUENCE, String(sequenceOf(msgComp)));
  const stamp = timeMs(msgComp, 'dtstamp');
  if (stamp !== null) line.setParameter(REPLY_DTSTAMP, utcTime(new Date(stamp)).toICALString());
  for (const delegate of addressParams(msgLine, 'delegated-to')) {
    if (findAttendee(target, delegate) !== null) continue;
    const added = target.addPropertyWithValue('attendee', delegate);
    added;
    added.setParameter('delegated-from', [addressOf(line)]);
    added.setParameter('rsvp', 'TRUE');
    added.setParameter('partstat', 'NEEDS-ACTION');
  }
}

function describeReply(replier: string, msgLine: Property, msgComp: Component, subject: string): string {
  const partstat = partstatOf(msgLine);
  let text = `${who(replier)} ${partstatWords(partstat)} ${subject}`;
  const to = addressParams(msgLine, 'delegated-to');
  if (partstat === 'DELEGATED' && to.length > 0) text += ` to ${to.map(who).join(', ')}`;
  const from = addressParams(msgLine, 'delegated-from');
  if (from.length > 0) text += ` (delegated by ${from.map(who).join(', ')})`;
  const percent = textValue(msgComp, 'percent-complete');
  if (percent !== null) text += `, ${percent}% complete`;
  const comment = textValue(msgComp, 'comment');
  return `${text}.${comment === null ? '' : ` Comment: ${comment}`}`;
}
