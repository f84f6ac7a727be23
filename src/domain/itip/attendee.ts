/**
 * Attendee side of iTIP: from the attendee's copy before and after a change, the messages to send
 * (RFC 5546 §3.2.3 REPLY, per instance; §3.2.2.3 delegation: REPLY with PARTSTAT=DELEGATED to the
 * organizer and a REQUEST to the delegate, whose own REPLY goes to organizer and delegator;
 * §3.2.7 COUNTER; RFC 6638 §3.2.2 attendee scheduling, §7.1 SCHEDULE-AGENT on ORGANIZER).
 */
import { normaliseAddress, sameAddress } from './address.js';
import { classifyInstance, dateValues, addedKeys } from './change-analysis.js';
import {
  MASTER,
  addressParams,
  findAttendee,
  organizerOf,
  partstatOf,
  serverSchedules,
  textValue,
  type Component,
} from './calendar-data.js';
import { createOverride } from './instances.js';
import { loadObject, type LoadedObject } from './loaded-object.js';
import { buildMessage, groupMessages, type MessageContext } from './message-builder.js';
import { recurrenceIdFor } from './organizer-views.js';
import { firstComponent } from './process-common.js';
import { replyComponent } from './attendee-refresh.js';
import { STATUS } from './request-status.js';
import type { AttendeeInput, ItipMessage } from './types.js';

interface AttendeeContext {
  me: string;
  organizer: string;
  ctx: MessageContext;
  requestStatus: string;
  comment?: string;
  describe: boolean;
}

/** RFC 5546 §3.2.3, §3.2.7: what the attendee's change tells the organizer (and any delegate). */
export function attendeeMessages(input: AttendeeInput): ItipMessage[] {
  const before = input.before === null ? null : loadObject(input.before);
  const after = input.after === null ? null : loadObject(input.after);
  const current = after ?? before;
  if (current === null) return [];
  const me = normaliseAddress(input.attendeeAddress);
  const organizerProp = firstComponent(current).getFirstProperty('organizer');
  const organizer = organizerOf(firstComponent(current));
  if (organizer === null || organizerProp === null || sameAddress(organizer, me) || !serverSchedules(organizerProp)) return [];
  const opts = input.options ?? {};
  const ac: AttendeeContext = {
    me,
    organizer,
    ctx: { originator: opts.sentBy ?? me, actingFor: me, now: input.now, source: current.root, uid: current.uid },
    requestStatus: opts.requestStatus ?? STATUS.success,
    describe: opts.describe === true,
    ...(opts.comment === undefined ? {} : { comment: opts.comment }),
  };
  if (after === null) return before === null ? [] : declineAll(before, ac);
  if (opts.counter === true && before !== null) return counter(before, after, ac);
  return groupMessages([...replies(before, after, ac), ...delegations(before, after, ac)]);
}

/** RFC 6638 §3.2.2.3 (attendee deletes the object): decline what was not declined yet. */
function declineAll(before: LoadedObject, ac: AttendeeContext): ItipMessage[] {
  const comps: Component[] = [];
  for (const comp of before.comps.values()) {
    const line = findAttendee(comp, ac.me);
    if (line === null || partstatOf(line) === 'DECLINED') continue;
    const declined = replyComponent(comp, line, ac.requestStatus, ac.comment, ac.describe);
    findAttendee(declined, ac.me)?.setParameter('partstat', 'DECLINED');
    comps.push(declined);
  }
  return comps.length === 0 ? [] : [buildMessage(ac.ctx, 'REPLY', comps, replyRecipients(comps, ac))];
}

/** The organizer, and for a delegate also the delegator (RFC 5546 §3.2.2.3). */
function replyRecipients(comps: Component[], ac: AttendeeContext): string[] {
  const out = [ac.organizer];
  for (const comp of comps) {
    const line = findAttendee(comp, ac.me);
    if (line !== null) out.push(...addressParams(line, 'delegated-from'));
  }
  return out;
}

/** What an attendee answers: PARTSTAT, delegation, and a to-do's progress (RFC 5546 §3.4.3). */
function answerOf(comp: Component | undefined, me: string): string {
  const line = comp === undefined ? null : findAttendee(comp, me);
  if (line === null || comp === undefined) return 'none';
  const progress = comp.name === 'vtodo' ? `|${textValue(comp, 'percent-complete') ?? ''}|${textValue(comp, 'completed') ?? ''}` : '';
  return `${partstatOf(line)}|${addressParams(line, 'delegated-to').sort().join(',')}${progress}`;
}

/** One REPLY with every instance whose answer changed (RFC 5546 §3.2.3, §4.4.9 per instance). */
function replies(before: LoadedObject | null, after: LoadedObject, ac: AttendeeContext): ItipMessage[] {
  const comps: Component[] = [];
  for (const [key, comp] of after.comps) {
    const line = findAttendee(comp, ac.me);
    if (line === null) continue;
    const previous = before?.comps.get(key) ?? (key === MASTER ? undefined : before?.comps.get(MASTER));
    if (before !== null && answerOf(previous, ac.me) === answerOf(comp, ac.me)) continue;
    comps.push(replyComponent(comp, line, ac.requestStatus, ac.comment, ac.describe));
  }
  comps.push(...declinedByExdate(before, after, ac));
  return comps.length === 0 ? [] : [buildMessage(ac.ctx, 'REPLY', comps, replyRecipients(comps, ac))];
}

/** An instance the attendee removed from their copy (a new EXDATE) is declined. */
function declinedByExdate(before: LoadedObject | null, after: LoadedObject, ac: AttendeeContext): Component[] {
  const master = before?.comps.get(MASTER);
  if (master === undefined || findAttendee(master, ac.me) === null) return [];
  const exBefore = dateValues(master, 'exdate');
  const exAfter = dateValues(after.comps.get(MASTER), 'exdate');
  const out: Component[] = [];
  for (const key of addedKeys(exBefore, exAfter)) {
    const entry = exAfter.get(key);
    const rid = entry === undefined ? undefined : recurrenceIdFor(entry.value, entry.tzid);
    const instance = rid === undefined ? null : createOverride(master, rid);
    const line = instance === null ? null : findAttendee(instance, ac.me);
    if (instance === null || line === null) continue;
    line.setParameter('partstat', 'DECLINED');
    out.push(replyComponent(instance, line, ac.requestStatus, ac.comment, ac.describe));
  }
  return out;
}

/** RFC 5546 §3.2.2.3: the delegate gets a REQUEST with the event as the delegator holds it. */
function delegations(before: LoadedObject | null, after: LoadedObject, ac: AttendeeContext): ItipMessage[] {
  const out: ItipMessage[] = [];
  for (const [key, comp] of after.comps) {
    const line = findAttendee(comp, ac.me);
    if (line === null || partstatOf(line) !== 'DELEGATED') continue;
    const prior = before?.comps.get(key) ?? before?.comps.get(MASTER);
    const priorLine = prior === undefined ? null : findAttendee(prior, ac.me);
    const already = priorLine === null ? [] : addressParams(priorLine, 'delegated-to');
    const delegates = addressParams(line, 'delegated-to').filter((d) => !already.includes(d));
    if (delegates.length > 0) out.push(buildMessage(ac.ctx, 'REQUEST', [...after.comps.values()], delegates));
  }
  return out;
}

/** RFC 5546 §3.2.7: the attendee proposes the changed instances to the organizer. */
function counter(before: LoadedObject, after: LoadedObject, ac: AttendeeContext): ItipMessage[] {
  const changed = [...after.comps].filter(([key, comp]) => {
    const change = classifyInstance(before.comps.get(key), comp);
    return change === 'reschedule' || change === 'update' || change === 'added';
  });
  if (changed.length === 0) return [];
  const ctx = ac.comment === undefined ? ac.ctx : { ...ac.ctx, comment: ac.comment };
  return [buildMessage(ctx, 'COUNTER', changed.map(([, c]) => c), [ac.organizer])];
}
