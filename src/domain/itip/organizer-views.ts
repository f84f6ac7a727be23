/**
 * What each recipient of an organizer's message sees (RFC 5546 §3.2.2 REQUEST per attendee,
 * §3.2.4 ADD, §3.2.5 CANCEL; RFC 6638 §3.2.6 per-attendee views of a recurring object): an attendee
 * gets only the instances they are invited to, with an EXDATE for the others.
 */
import ICAL from 'ical.js';
import { sameAddress } from './address.js';
import {
  MASTER,
  addressOf,
  cloneComponent,
  findAttendee,
  setText,
  type Component,
  type Property,
  type Time,
} from './calendar-data.js';

/** The components `recipient` is invited to; every component when they are not an attendee at all. */
export function viewFor(comps: Map<string, Component>, recipient: string | null): Component[] {
  if (recipient === null) return [...comps.values()].map(cloneComponent);
  const master = comps.get(MASTER);
  const out: Component[] = [];
  const excluded: Component[] = [];
  for (const [key, comp] of comps) {
    if (key === MASTER) continue;
    if (findAttendee(comp, recipient) !== null) out.push(cloneComponent(comp));
    else excluded.push(comp);
  }
  if (master !== undefined && findAttendee(master, recipient) !== null) {
    const copy = cloneComponent(master);
    for (const comp of excluded) excludeInstance(copy, comp);
    out.unshift(copy);
  }
  return out;
}

/** Adds an EXDATE for the instance an override stands for (RFC 5545 §3.8.5.1). */
function excludeInstance(master: Component, override: Component): void {
  const rid = override.getFirstProperty('recurrence-id');
  if (rid === null) return;
  const json = rid.toJSON() as unknown[];
  const params = { ...(json[1] as Record<string, unknown>) };
  delete params['range'];
  master.addProperty(new ICAL.Property(['exdate', params, json[2], ...json.slice(3)]));
}

const CANCEL_KEEP = ['uid', 'organizer', 'sequence', 'recurrence-id', 'comment'];

/**
 * A CANCEL component (RFC 5546 §3.2.5): UID, ORGANIZER, SEQUENCE, the attendees concerned,
 * RECURRENCE-ID for one instance, STATUS:CANCELLED.
 */
export function cancelComponent(source: Component, attendees: string[] | 'all', recurrenceId?: Property): Component {
  const comp = cloneComponent(source);
  for (const prop of [...comp.getAllProperties()]) {
    const keepAttendee = prop.name === 'attendee' && (attendees === 'all' || attendees.some((a) => sameAddress(addressOf(prop), a)));
    if (!CANCEL_KEEP.includes(prop.name) && !keepAttendee) comp.removeProperty(prop);
  }
  comp.removeAllSubcomponents();
  if (recurrenceId !== undefined) {
    comp.removeAllProperties('recurrence-id');
    comp.addProperty(recurrenceId);
  }
  setText(comp, 'status', 'CANCELLED');
  return comp;
}

/** A RECURRENCE-ID property for an instance named by an EXDATE or RDATE value. */
export function recurrenceIdFor(value: unknown, tzid: string | null): Property | undefined {
  if (!(value instanceof ICAL.Time)) return undefined;
  const prop = new ICAL.Property('recurrence-id');
  if (value.isDate) prop.resetType('date');
  prop.setValue(value);
  if (tzid !== null && !value.isDate) prop.setParameter('tzid', tzid);
  return prop;
}

/** One instance added by a new RDATE, for an ADD message (RFC 5546 §3.2.4). */
export function addComponent(master: Component, value: unknown, tzid: string | null): Component | null {
  if (!(value instanceof ICAL.Time)) return null;
  const comp = cloneComponent(master);
  for (const name of ['rrule', 'rdate', 'exdate', 'recurrence-id']) comp.removeAllProperties(name);
  comp.removeAllSubcomponents('valarm');
  const start = comp.getFirstPropertyValue('dtstart');
  const end = comp.getFirstPropertyValue('dtend') ?? comp.getFirstPropertyValue('due');
  const startProp = comp.getFirstProperty('dtstart');
  if (startProp === null) return null;
  startProp.setValue(value);
  if (tzid !== null) startProp.setParameter('tzid', tzid);
  else startProp.removeParameter('tzid');
  if (start instanceof ICAL.Time && end instanceof ICAL.Time) {
    const newEnd: Time = value.clone();
    newEnd.addDuration(end.subtractDate(start));
    const endProp = comp.getFirstProperty('dtend') ?? comp.getFirstProperty('due');
    endProp?.setValue(newEnd);
    if (tzid !== null) endProp?.setParameter('tzid', tzid);
  }
  return comp;
}
