/**
 * iCalendar helpers the iTIP engine shares (RFC 5545 §3.6 components, §3.8.4.4 RECURRENCE-ID,
 * §3.8.7.2 DTSTAMP, §3.8.7.4 SEQUENCE; RFC 6638 §7 scheduling parameters). Pure: text in, values out.
 */
import ICAL from 'ical.js';
import { ReefknotError } from '../errors.js';
import { normaliseAddress, sameAddress } from './address.js';
import type { ItipMethod } from './types.js';

export type Component = InstanceType<typeof ICAL.Component>;
export type Property = InstanceType<typeof ICAL.Property>;
export type Time = InstanceType<typeof ICAL.Time>;

export const PRODID = '-//Reefknot//iTIP engine//EN';
export const SCHEDULING_TYPES = ['vevent', 'vtodo', 'vjournal', 'vfreebusy'] as const;
export const MASTER = 'master';

/** Parameters of RFC 6638 §7 and our own bookkeeping, never sent in an iTIP message. */
const PRIVATE_PARAMS = ['schedule-agent', 'schedule-status', 'schedule-force-send'];
export const PRIVATE_PREFIX = 'x-reefknot-';

export function parseCalendar(text: string): Component {
  let jcal: unknown;
  try {
    jcal = ICAL.parse(text);
  } catch (e) {
    throw new ReefknotError('invalid-calendar-data', `The iCalendar data cannot be parsed: ${(e as Error).message}`);
  }
  if (!Array.isArray(jcal) || Array.isArray(jcal[0])) {
    throw new ReefknotError('invalid-calendar-data', 'Expected exactly one VCALENDAR object');
  }
  const root = new ICAL.Component(jcal);
  if (root.name !== 'vcalendar') throw new ReefknotError('invalid-calendar-data', 'Expected a VCALENDAR object');
  return root;
}

export function serialise(root: Component): string {
  return root.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}

/** A deep copy that still resolves TZID through the original's VCALENDAR (its VTIMEZONEs). */
export function cloneComponent(comp: Component): Component {
  return new ICAL.Component(JSON.parse(JSON.stringify(comp.toJSON())) as unknown[], comp.parent ?? undefined);
}

/** The VEVENT/VTODO/VJOURNAL/VFREEBUSY components of a calendar, master first. */
export function schedulingComponents(root: Component): Component[] {
  const comps = root.getAllSubcomponents().filter((c) => (SCHEDULING_TYPES as readonly string[]).includes(c.name));
  return comps.sort((a, b) => Number(a.hasProperty('recurrence-id')) - Number(b.hasProperty('recurrence-id')));
}

export function requireComponents(root: Component): Component[] {
  const comps = schedulingComponents(root);
  if (comps.length === 0) throw new ReefknotError('invalid-calendar-object', 'The calendar holds no event, to-do, journal or busy time');
  const first = comps[0];
  if (first === undefined || comps.some((c) => c.name !== first.name || textValue(c, 'uid') !== textValue(first, 'uid'))) {
    throw new ReefknotError('invalid-calendar-object', 'All components of a scheduling object must share one type and UID');
  }
  return comps;
}

export function textValue(comp: Component, name: string): string | null {
  const prop = comp.getFirstProperty(name);
  if (prop === null) return null;
  const value = prop.getFirstValue();
  return value === null ? null : String(value);
}

export function uidOf(comps: Component[]): string {
  const uid = comps[0] === undefined ? null : textValue(comps[0], 'uid');
  if (uid === null) throw new ReefknotError('invalid-calendar-object', 'The component has no UID');
  return uid;
}

export function sequenceOf(comp: Component): number {
  const text = textValue(comp, 'sequence');
  const n = text === null ? 0 : Number.parseInt(text, 10);
  return Number.isFinite(n) ? n : 0;
}

/** Milliseconds UTC of a DATE or DATE-TIME property, resolving TZID through the object's VTIMEZONEs. */
export function timeMs(comp: Component, name: string): number | null {
  const value = comp.getFirstPropertyValue(name);
  if (!(value instanceof ICAL.Time)) return null;
  return value.toUnixTime() * 1000;
}

/** RECURRENCE-ID as a key comparable across copies (UTC instant, or the date); MASTER for the master. */
export function instanceKey(comp: Component): string {
  const value = comp.getFirstPropertyValue('recurrence-id');
  if (!(value instanceof ICAL.Time)) return MASTER;
  if (value.isDate) return value.toString();
  return new Date(value.toUnixTime() * 1000).toISOString();
}

export function byInstance(comps: Component[]): Map<string, Component> {
  return new Map(comps.map((c) => [instanceKey(c), c] as const));
}

export function utcTime(date: Date): Time {
  return ICAL.Time.fromJSDate(date, true);
}

export function setUtc(comp: Component, name: string, date: Date): void {
  comp.updatePropertyWithValue(name, utcTime(date));
}

export function setText(comp: Component, name: string, value: string): void {
  comp.updatePropertyWithValue(name, value);
}

export function organizerOf(comp: Component): string | null {
  const value = textValue(comp, 'organizer');
  return value === null ? null : normaliseAddress(value);
}

export function attendeeProps(comp: Component): Property[] {
  return comp.getAllProperties('attendee');
}

export function addressOf(prop: Property): string {
  return normaliseAddress(String(prop.getFirstValue() ?? ''));
}

export function findAttendee(comp: Component, address: string): Property | null {
  return attendeeProps(comp).find((p) => sameAddress(addressOf(p), address)) ?? null;
}

/** First value of a parameter, upper-cased for enumerated ones when `upper` is set. */
export function param(prop: Property, name: string, upper = false): string | null {
  const raw: unknown = prop.getParameter(name);
  const first: unknown = Array.isArray(raw) ? raw[0] : raw;
  if (typeof first !== 'string') return null;
  return upper ? first.toUpperCase() : first;
}

/** All addresses of a multi-valued address parameter (DELEGATED-TO, DELEGATED-FROM, MEMBER). */
export function addressParams(prop: Property, name: string): string[] {
  const raw: unknown = prop.getParameter(name);
  const list: unknown[] = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  return list.filter((v): v is string => typeof v === 'string').map(normaliseAddress);
}

export function partstatOf(prop: Property | null): string {
  return prop === null ? 'NEEDS-ACTION' : param(prop, 'partstat', true) ?? 'NEEDS-ACTION';
}

/** RFC 6638 §7.1: SCHEDULE-AGENT=CLIENT or NONE means the server does not schedule for that user. */
export function serverSchedules(prop: Property): boolean {
  const agent = param(prop, 'schedule-agent', true);
  return agent === null || agent === 'SERVER';
}

/** Removes RFC 6638 parameters and our own X-REEFKNOT- bookkeeping before a message leaves. */
export function stripPrivate(comp: Component): void {
  for (const prop of [...comp.getAllProperties()]) {
    if (prop.name.startsWith(PRIVATE_PREFIX)) {
      comp.removeProperty(prop);
      continue;
    }
    for (const name of Object.keys(prop.toJSON()[1] as Record<string, unknown>)) {
      if (PRIVATE_PARAMS.includes(name) || name.startsWith(PRIVATE_PREFIX)) prop.removeParameter(name);
    }
  }
  for (const sub of comp.getAllSubcomponents()) stripPrivate(sub);
}

/** The TZIDs referenced by the components (RFC 5545 §3.2.19). */
function usedTzids(comps: Component[]): Set<string> {
  const out = new Set<string>();
  for (const comp of comps) {
    for (const prop of comp.getAllProperties()) {
      const tzid: unknown = prop.getParameter('tzid');
      if (typeof tzid === 'string') out.add(tzid);
    }
  }
  return out;
}

/**
 * A new VCALENDAR with METHOD, carrying the source's VTIMEZONEs (RFC 5545 §3.6.5: one for each
 * TZID used; every one when `comps` is not given).
 */
export function newCalendar(method: ItipMethod | null, source: Component | null, comps?: Component[]): Component {
  const root = new ICAL.Component('vcalendar');
  root.addPropertyWithValue('prodid', PRODID);
  root.addPropertyWithValue('version', '2.0');
  if (method !== null) root.addPropertyWithValue('method', method);
  const used = comps === undefined ? null : usedTzids(comps);
  for (const tz of source?.getAllSubcomponents('vtimezone') ?? []) {
    if (used === null || used.has(String(tz.getFirstPropertyValue('tzid')))) root.addSubcomponent(cloneComponent(tz));
  }
  return root;
}

/** A message calendar holding clones of `comps`, DTSTAMP set to now and private data removed. */
export function messageCalendar(method: ItipMethod, source: Component, comps: Component[], now: Date): Component {
  const root = newCalendar(method, source, comps);
  for (const comp of comps) {
    const copy = cloneComponent(comp);
    stripPrivate(copy);
    copy.removeAllSubcomponents('valarm');
    setUtc(copy, 'dtstamp', now);
    root.addSubcomponent(copy);
  }
  return root;
}

/** A copy for storing: the message's components without METHOD (RFC 4791 §4.1). */
export function storedCalendar(source: Component, comps: Component[]): Component {
  const root = newCalendar(null, source, comps);
  for (const comp of comps) root.addSubcomponent(comp);
  return root;
}

export function describeTime(comp: Component, name: string): string | null {
  const ms = timeMs(comp, name);
  if (ms === null) return null;
  const value = comp.getFirstPropertyValue(name);
  if (value instanceof ICAL.Time && value.isDate) return value.toString();
  return new Date(ms).toISOString().replace(/:00\.000Z$/, 'Z').replace('T', ' ');
}
