/**
 * CANCEL, ADD and DECLINECOUNTER reaching an attendee (RFC 5546 §3.2.5 CANCEL of the event or of
 * instances, §3.2.4 ADD of instances, with a REFRESH when the recipient holds no copy,
 * §3.2.8 DECLINECOUNTER; §2.1.5 older messages are ignored).
 */
import ICAL from 'ical.js';
import {
  MASTER,
  cloneComponent,
  describeTime,
  instanceKey,
  serialise,
  sequenceOf,
  setText,
  storedCalendar,
  organizerOf,
  textValue,
  type Component,
} from './calendar-data.js';
import { expandStarts } from './instances.js';
import { endSeriesBefore, isThisAndFuture } from './series-end.js';
import type { LoadedObject } from './loaded-object.js';
import { firstComponent, heldFor, isOlder, result, subjectOf, who } from './process-common.js';
import { refreshMessage } from './attendee-refresh.js';
import { STATUS } from './request-status.js';
import type { ProcessInput, ProcessResult } from './types.js';

function copyOf(held: LoadedObject): Map<string, Component> {
  return new Map([...held.comps].map(([k, c]) => [k, cloneComponent(c)] as const));
}

function rebuild(held: LoadedObject, comps: Map<string, Component>): string {
  return serialise(storedCalendar(held.root, [...comps.values()]));
}

function comment(comp: Component): string {
  const text = textValue(comp, 'comment');
  return text === null ? '' : ` Comment: ${text}`;
}

export function processCancel(input: ProcessInput, msg: LoadedObject, held: LoadedObject | null): ProcessResult {
  const first = firstComponent(msg);
  const from = who(organizerOf(first));
  if (held === null) return result('ignored', STATUS.success, `${from} cancelled ${subjectOf(first)}, which is not in your calendar.`, null);
  const comps = copyOf(held);
  const done: string[] = [];
  for (const [key, comp] of msg.comps) {
    const old = heldFor(held, comp, key);
    if (old !== undefined && isOlder(comp, old)) continue;
    if (key === MASTER) {
      for (const c of comps.values()) {
        setText(c, 'status', 'CANCELLED');
        c.updatePropertyWithValue('sequence', Math.max(sequenceOf(c), sequenceOf(comp)));
      }
      done.push(subjectOf(firstComponent(held)));
    } else if (isThisAndFuture(comp)) {
      endSeriesBefore(comps, comp);
      done.push(`the ${describeTime(comp, 'recurrence-id') ?? key} and all later instances of ${subjectOf(firstComponent(held))}`);
    } else {
      excludeInstance(comps, comp, key);
      done.push(`the ${describeTime(comp, 'recurrence-id') ?? key} instance of ${subjectOf(firstComponent(held))}`);
    }
  }
  if (done.length === 0) return result('ignored', STATUS.success, `This cancellation is older than your copy of ${subjectOf(firstComponent(held))}; it was ignored.`, input.existingCopy);
  return result('cancelled', STATUS.success, `${from} cancelled ${done.join(', ')}.${comment(first)}`, rebuild(held, comps));
}

/** One instance cancelled: drop its override and exclude it from the rule (RFC 5545 §3.8.5.1). */
function excludeInstance(comps: Map<string, Component>, cancel: Component, key: string): void {
  comps.delete(key);
  const master = comps.get(MASTER);
  const rid = cancel.getFirstProperty('recurrence-id');
  if (master === undefined || rid === null) return;
  const json = JSON.parse(JSON.stringify(rid.toJSON())) as unknown[];
  const params = json[1] as Record<string, unknown>;
  delete params['range'];
  master.addProperty(new ICAL.Property(['exdate', params, ...json.slice(2)]));
  master.updatePropertyWithValue('sequence', Math.max(sequenceOf(master), sequenceOf(cancel)));
}

/** At most this many instances are taken from a rule carried by an ADD. */
const MAX_ADDED = 1000;

export function processAdd(input: ProcessInput, msg: LoadedObject, held: LoadedObject | null): ProcessResult {
  const first = firstComponent(msg);
  const from = who(organizerOf(first));
  if (held === null) {
    const refresh = refreshMessage({ copy: input.message, attendeeAddress: input.recipientAddress, now: input.now });
    return result('refresh-needed', STATUS.success, `${from} added instances to ${subjectOf(first)}, which is not in your calendar; a refresh was requested.`, null, [refresh]);
  }
  const comps = copyOf(held);
  const master = comps.get(MASTER);
  if (master === undefined) return result('rejected', STATUS.invalidPropertyValue, `Your copy of ${subjectOf(first)} has no master component to add instances to.`, input.existingCopy);
  if (isOlder(first, master)) return result('ignored', STATUS.success, `These added instances are older than your copy of ${subjectOf(master)}; ignored.`, input.existingCopy);
  let clipped = false;
  let count = 0;
  for (const comp of msg.comps.values()) {
    const { starts, clipped: more } = comp.hasProperty('rrule') ? expandStarts(comp, MAX_ADDED) : { starts: [comp.getFirstPropertyValue('dtstart')], clipped: false };
    clipped = clipped || more;
    for (const start of starts) if (addDate(master, start, comp)) count++;
    if (!comp.hasProperty('rrule')) keepDifferences(comps, master, comp);
    master.updatePropertyWithValue('sequence', Math.max(sequenceOf(master), sequenceOf(comp)));
  }
  const status = clipped ? STATUS.clipped : STATUS.success;
  return result('updated', status, `${from} added ${count} instance${count === 1 ? '' : 's'} to ${subjectOf(master)}.`, rebuild(held, comps));
}

function addDate(master: Component, start: unknown, source: Component): boolean {
  if (!(start instanceof ICAL.Time)) return false;
  const prop = new ICAL.Property('rdate');
  if (start.isDate) prop.resetType('date');
  prop.setValue(start);
  const tzid: unknown = source.getFirstProperty('dtstart')?.getParameter('tzid');
  if (typeof tzid === 'string' && !start.isDate) prop.setParameter('tzid', tzid);
  master.addProperty(prop);
  return true;
}

const DESCRIPTIVE = ['summary', 'location', 'description'];

/** An added instance that differs from the master in what it says is kept as its own override. */
function keepDifferences(comps: Map<string, Component>, master: Component, added: Component): void {
  if (DESCRIPTIVE.every((n) => textValue(added, n) === textValue(master, n))) return;
  const start = added.getFirstProperty('dtstart');
  if (start === null) return;
  const override = cloneComponent(added);
  const json = JSON.parse(JSON.stringify(start.toJSON())) as unknown[];
  override.addProperty(new ICAL.Property(['recurrence-id', ...json.slice(1)]));
  override.removeAllProperties('request-status');
  comps.set(instanceKey(override), override);
}

/** RFC 5546 §3.2.8: the organizer declined the attendee's COUNTER; the copy records it. */
export function processDeclineCounter(input: ProcessInput, msg: LoadedObject, held: LoadedObject | null): ProcessResult {
  const first = firstComponent(msg);
  const from = who(organizerOf(first));
  if (held === null) return result('ignored', STATUS.success, `${from} declined a counter proposal for ${subjectOf(first)}, which is not in your calendar.`, null);
  const comps = copyOf(held);
  for (const [key, comp] of msg.comps) {
    const target = comps.get(key) ?? comps.get(MASTER);
    target?.updatePropertyWithValue('x-reefknot-counter-declined', textValue(comp, 'comment') ?? 'declined');
  }
  return result('counter-declined', STATUS.success, `${from} declined your proposed change to ${subjectOf(firstComponent(held))}.${comment(first)}`, rebuild(held, comps));
}
