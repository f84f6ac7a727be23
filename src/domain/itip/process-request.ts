/**
 * A REQUEST, PUBLISH or ADD reaching an attendee or subscriber (RFC 5546 §3.2.1 PUBLISH, §3.2.2
 * REQUEST creates or updates the copy, §3.2.2.4 a new organizer, §3.2.4 ADD; §2.1.5 older messages
 * are ignored; §3.6 status 2.8/2.10 when recurrence is not supported).
 */
import { sameAddress } from './address.js';
import {
  MASTER,
  cloneComponent,
  findAttendee,
  instanceKey,
  organizerOf,
  param,
  partstatOf,
  serialise,
  sequenceOf,
  storedCalendar,
  type Component,
} from './calendar-data.js';
import type { LoadedObject } from './loaded-object.js';
import { firstComponent, heldFor, isOlder, result, subjectOf, who } from './process-common.js';
import { STATUS } from './request-status.js';
import type { ProcessInput, ProcessResult } from './types.js';

/** Strips recurrence for a recipient that schedules single components only (RFC 5546 §3.6 2.8/2.10). */
function singleOnly(msg: LoadedObject): string | null {
  const master = msg.comps.get(MASTER);
  if (master === undefined || !(master.hasProperty('rrule') || master.hasProperty('rdate'))) return null;
  for (const name of ['rrule', 'rdate', 'exdate']) master.removeAllProperties(name);
  for (const [key, comp] of msg.comps) if (key !== MASTER) msg.root.removeSubcomponent(comp);
  msg.comps = new Map([[MASTER, master]]);
  return msg.type === 'vtodo' ? STATUS.repeatingTodoIgnored : STATUS.repeatingIgnored;
}

function cleanComponent(comp: Component): Component {
  const copy = cloneComponent(comp);
  copy.removeAllProperties('request-status');
  return copy;
}

/** Keeps what belongs to the recipient: their alarms, and their answer when nothing was rescheduled. */
function keepLocal(incoming: Component, old: Component | undefined, recipient: string): void {
  if (old === undefined) return;
  for (const alarm of old.getAllSubcomponents('valarm')) incoming.addSubcomponent(cloneComponent(alarm));
  const mine = findAttendee(incoming, recipient);
  const before = findAttendee(old, recipient);
  if (mine !== null && before !== null && sequenceOf(incoming) === sequenceOf(old) && partstatOf(mine) === 'NEEDS-ACTION') {
    mine.setParameter('partstat', partstatOf(before));
  }
}

export function processRequest(input: ProcessInput, msg: LoadedObject, held: LoadedObject | null, method: 'REQUEST' | 'PUBLISH'): ProcessResult {
  const status = input.policy?.recurrence === 'single-only' ? (singleOnly(msg) ?? STATUS.success) : STATUS.success;
  const first = firstComponent(msg);
  const from = who(organizerOf(first));
  if (held === null) {
    const copy = storedCalendar(msg.root, [...msg.comps.values()].map(cleanComponent));
    return result('created', status, `${from} ${method === 'PUBLISH' ? 'published' : 'invites you to'} ${subjectOf(first)}${inviteNote(msg, input.recipientAddress, method)}.`, serialise(copy));
  }
  const organizerChange = !sameAddress(organizerOf(first), organizerOf(firstComponent(held)));
  if (organizerChange && !(sequenceOf(first) > sequenceOf(firstComponent(held)))) {
    return result('rejected', STATUS.noAuthority, `${from} is not the organizer of ${subjectOf(firstComponent(held))}; the message was refused.`, input.existingCopy);
  }
  const fresh = [...msg.comps].filter(([key, comp]) => {
    const old = heldFor(held, comp, key);
    return old === undefined || !isOlder(comp, old);
  });
  if (fresh.length === 0) {
    return result('ignored', STATUS.success, `This version of ${subjectOf(first, firstComponent(held))} (SEQUENCE ${sequenceOf(first)}) is older than the one in your calendar; it was ignored.`, input.existingCopy);
  }
  const merged = mergeInto(held, fresh, input.recipientAddress);
  const change = organizerChange ? ` The organizer is now ${from}.` : '';
  return result('updated', status, `${from} updated ${subjectOf(first, firstComponent(held))}.${change}${replyNote(msg, input.recipientAddress, method)}`, serialise(merged));
}

/** A message holding the master replaces the whole object; instance-only messages replace instances. */
function mergeInto(held: LoadedObject, fresh: Array<[string, Component]>, recipient: string): Component {
  const replacesAll = fresh.some(([key]) => key === MASTER);
  const comps = new Map(replacesAll ? [] : [...held.comps].map(([k, c]) => [k, cloneComponent(c)] as const));
  for (const [key, comp] of fresh) {
    const incoming = cleanComponent(comp);
    keepLocal(incoming, held.comps.get(key), recipient);
    comps.set(key, incoming);
  }
  const ordered = [...comps.values()].sort((a, b) => Number(instanceKey(a) !== MASTER) - Number(instanceKey(b) !== MASTER));
  return storedCalendar(held.root, ordered);
}

function inviteNote(msg: LoadedObject, recipient: string, method: string): string {
  if (method === 'PUBLISH') return '';
  const invited = [...msg.comps.values()].some((c) => findAttendee(c, recipient) !== null);
  if (!invited) return '; you are not on the attendee list (the invitation was forwarded to you)';
  return replyNote(msg, recipient, method) === '' ? '' : '; a reply is requested';
}

function replyNote(msg: LoadedObject, recipient: string, method: string): string {
  if (method === 'PUBLISH') return '';
  const asked = [...msg.comps.values()].some((c) => {
    const me = findAttendee(c, recipient);
    return me !== null && param(me, 'rsvp', true) === 'TRUE' && partstatOf(me) === 'NEEDS-ACTION';
  });
  return asked ? ' A reply is requested.' : '';
}
