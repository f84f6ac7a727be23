/**
 * Busy time over iTIP (RFC 5546 §3.3 VFREEBUSY REQUEST and REPLY, §4.3 examples; RFC 5545 §3.8.2.6
 * FREEBUSY, §3.2.9 FBTYPE). Builds and reads the messages; computing busy time from a store is the
 * caller's job.
 */
import ICAL from 'ical.js';
import { ReefknotError } from '../errors.js';
import { normaliseAddress } from './address.js';
import {
  addressOf,
  attendeeProps,
  describeTime,
  organizerOf,
  param,
  setUtc,
  timeMs,
  utcTime,
  type Component,
} from './calendar-data.js';
import { loadObject } from './loaded-object.js';
import { buildMessage } from './message-builder.js';
import type { ItipMessage } from './types.js';

export type BusyType = 'BUSY' | 'BUSY-TENTATIVE' | 'BUSY-UNAVAILABLE' | 'FREE';

export interface BusyPeriod {
  start: Date;
  end: Date;
  type: BusyType;
}

export interface FreeBusyQuery {
  uid: string;
  organizer: string;
  attendees: string[];
  start: Date;
  end: Date;
}

export interface FreeBusyAnswer extends FreeBusyQuery {
  busy: BusyPeriod[];
}

export interface FreeBusyRequestInput extends FreeBusyQuery {
  now: Date;
}

/** RFC 5546 §3.3.2: the organizer asks attendees for their busy time between start and end. */
export function freeBusyRequest(input: FreeBusyRequestInput): ItipMessage {
  const comp = new ICAL.Component('vfreebusy');
  comp.addPropertyWithValue('uid', input.uid);
  comp.addPropertyWithValue('organizer', normaliseAddress(input.organizer));
  for (const a of input.attendees) comp.addPropertyWithValue('attendee', normaliseAddress(a));
  setUtc(comp, 'dtstart', input.start);
  setUtc(comp, 'dtend', input.end);
  const source = new ICAL.Component('vcalendar');
  const ctx = { originator: input.organizer, actingFor: input.organizer, now: input.now, source, uid: input.uid };
  return buildMessage(ctx, 'REQUEST', [comp], input.attendees);
}

function readQuery(text: string, method: string): { comp: Component; query: FreeBusyQuery } {
  const obj = loadObject(text);
  const comp = obj.comps.values().next().value;
  const organizer = comp === undefined ? null : organizerOf(comp);
  const start = comp === undefined ? null : timeMs(comp, 'dtstart');
  const end = comp === undefined ? null : timeMs(comp, 'dtend');
  if (obj.type !== 'vfreebusy' || obj.method !== method || comp === undefined || organizer === null) {
    throw new ReefknotError('invalid-calendar-object', `Expected a VFREEBUSY ${method} with an ORGANIZER`);
  }
  if (start === null || end === null) throw new ReefknotError('invalid-calendar-object', 'A VFREEBUSY message needs DTSTART and DTEND');
  const attendees = attendeeProps(comp).map(addressOf);
  return { comp, query: { uid: obj.uid, organizer, attendees, start: new Date(start), end: new Date(end) } };
}

export function parseFreeBusyRequest(text: string): FreeBusyQuery {
  return readQuery(text, 'REQUEST').query;
}

/** RFC 5546 §3.3.3: one attendee's busy periods, grouped by FBTYPE, sorted by start (§3.3). */
export function freeBusyReply(input: { request: string; attendeeAddress: string; busy: BusyPeriod[]; now: Date }): ItipMessage {
  const query = parseFreeBusyRequest(input.request);
  const comp = new ICAL.Component('vfreebusy');
  comp.addPropertyWithValue('uid', query.uid);
  comp.addPropertyWithValue('organizer', query.organizer);
  comp.addPropertyWithValue('attendee', normaliseAddress(input.attendeeAddress));
  setUtc(comp, 'dtstart', query.start);
  setUtc(comp, 'dtend', query.end);
  const sorted = [...input.busy].sort((a, b) => a.start.getTime() - b.start.getTime() || a.end.getTime() - b.end.getTime());
  for (const type of ['BUSY', 'BUSY-TENTATIVE', 'BUSY-UNAVAILABLE', 'FREE'] as const) {
    const periods = sorted.filter((p) => p.type === type);
    if (periods.length === 0) continue;
    const prop = new ICAL.Property('freebusy');
    prop.setValues(periods.map((p) => ICAL.Period.fromData({ start: utcTime(p.start), duration: ICAL.Duration.fromSeconds((p.end.getTime() - p.start.getTime()) / 1000) })));
    if (type !== 'BUSY') prop.setParameter('fbtype', type);
    comp.addProperty(prop);
  }
  const source = new ICAL.Component('vcalendar');
  const ctx = { originator: input.attendeeAddress, actingFor: input.attendeeAddress, now: input.now, source, uid: query.uid };
  return buildMessage(ctx, 'REPLY', [comp], [query.organizer]);
}

function busyPeriods(comp: Component): BusyPeriod[] {
  const out: BusyPeriod[] = [];
  for (const prop of comp.getAllProperties('freebusy')) {
    const type = (param(prop, 'fbtype', true) ?? 'BUSY') as BusyType;
    for (const value of prop.getValues() as unknown[]) {
      if (value instanceof ICAL.Period) {
        out.push({ start: new Date(value.start.toUnixTime() * 1000), end: new Date(value.getEnd().toUnixTime() * 1000), type });
      }
    }
  }
  return out.sort((a, b) => a.start.getTime() - b.start.getTime());
}

export function parseFreeBusyReply(text: string): FreeBusyAnswer {
  const { comp, query } = readQuery(text, 'REPLY');
  return { ...query, busy: busyPeriods(comp) };
}

function short(d: Date): string {
  return d.toISOString().replace(/:00\.000Z$/, 'Z').replace('T', ' ');
}

/** "is busy 1997-07-01 09:00Z–10:00Z, …" for inbox views. */
export function describeBusy(comp: Component): string {
  const busy = busyPeriods(comp).filter((p) => p.type !== 'FREE');
  const window = `between ${describeTime(comp, 'dtstart') ?? '?'} and ${describeTime(comp, 'dtend') ?? '?'}`;
  if (busy.length === 0) return `is free ${window}`;
  return `is busy ${window} at ${busy.map((p) => `${short(p.start)}–${short(p.end).slice(11)}${p.type === 'BUSY' ? '' : ` (${p.type.toLowerCase()})`}`).join(', ')}`;
}

export function describeWindow(comp: Component): string {
  return `between ${describeTime(comp, 'dtstart') ?? '?'} and ${describeTime(comp, 'dtend') ?? '?'}`;
}
