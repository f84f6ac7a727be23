/**
 * Free-busy time of a set of calendar objects (RFC 4791 §7.10 free-busy-query; RFC 5545
 * §3.6.4 VFREEBUSY, §3.2.9 FBTYPE, §3.8.2.7 TRANSP, §3.8.1.11 STATUS): busy instances of opaque
 * events, tentative ones apart, cancelled and transparent ones left out, stored VFREEBUSY periods
 * by their FBTYPE; each kind merged and clipped to the range.
 */
import ICAL from 'ical.js';
import { busyKind, instancesIn } from '../recurrence/instances.js';
import type { Range } from '../recurrence/span.js';
import { makeTimeContext, toMs, utcTime, type Component, type TimeContext, type TimeOptions } from '../recurrence/time.js';

export interface Period {
  start: number;
  end: number;
}

export interface BusyTime {
  busy: Period[];
  tentative: Period[];
  unavailable: Period[];
}

type Kind = keyof BusyTime;

export function busyPeriods(calendars: Component[], range: Range, options: TimeOptions): BusyTime {
  const ctx = makeTimeContext(options);
  const found: BusyTime = { busy: [], tentative: [], unavailable: [] };
  for (const calendar of calendars) {
    collectEvents(calendar, range, ctx, found);
    for (const fb of calendar.getAllSubcomponents('vfreebusy')) collectFreebusy(fb, range, ctx, found);
  }
  return { busy: merge(found.busy, range), tentative: merge(found.tentative, range), unavailable: merge(found.unavailable, range) };
}

/** RFC 4791 §7.10: which kind of busy time an event instance is, if any. */
const eventKind = (c: Component): Kind | null => busyKind(c);
const upper = (v: unknown): string => (typeof v === 'string' ? v.toUpperCase() : '');

function collectEvents(calendar: Component, range: Range, ctx: TimeContext, found: BusyTime): void {
  if (!calendar.getFirstSubcomponent('vevent')) return;
  for (const instance of instancesIn(calendar, range, ctx)) {
    if (instance.component.name !== 'vevent') continue;
    const kind = eventKind(instance.component);
    if (kind && instance.end > instance.start) found[kind].push({ start: instance.start, end: instance.end });
  }
}

/** RFC 5545 §3.2.9: FBTYPE defaults to BUSY; FREE periods are not busy time. */
function fbtypeKind(p: InstanceType<typeof ICAL.Property>): Kind | null {
  const fbtype = upper(p.getParameter('fbtype')) || 'BUSY';
  if (fbtype === 'FREE') return null;
  if (fbtype === 'BUSY-TENTATIVE') return 'tentative';
  if (fbtype === 'BUSY-UNAVAILABLE') return 'unavailable';
  return 'busy';
}

function collectFreebusy(fb: Component, range: Range, ctx: TimeContext, found: BusyTime): void {
  for (const p of fb.getAllProperties('freebusy')) {
    const kind = fbtypeKind(p);
    if (!kind) continue;
    for (const v of p.getValues() as unknown[]) {
      if (!(v instanceof ICAL.Period)) continue;
      const period = { start: toMs(v.start, ctx), end: toMs(v.getEnd(), ctx) };
      if (period.start < range.end && period.end > range.start) found[kind].push(period);
    }
  }
}

/** Clips to the range, sorts and coalesces overlapping or touching periods. */
export function merge(periods: Period[], range: Range): Period[] {
  const clipped = periods
    .map((p) => ({ start: Math.max(p.start, range.start), end: Math.min(p.end, range.end) }))
    .filter((p) => p.end > p.start)
    .sort((a, b) => a.start - b.start);
  const out: Period[] = [];
  for (const p of clipped) {
    const last = out[out.length - 1];
    if (last && p.start <= last.end) last.end = Math.max(last.end, p.end);
    else out.push({ ...p });
  }
  return out;
}

export interface VfreebusyOptions {
  /** DTSTAMP (RFC 5545 §3.8.7.2), ms UTC. */
  now: number;
  organizer?: string;
  attendee?: string;
  uid?: string;
}

const FBTYPE: Record<Kind, string | null> = { busy: null, tentative: 'BUSY-TENTATIVE', unavailable: 'BUSY-UNAVAILABLE' };

/** RFC 4791 §7.10: one VFREEBUSY with DTSTART/DTEND of the range and FREEBUSY periods in UTC. */
export function toVfreebusy(result: BusyTime, range: Range, options: VfreebusyOptions): string {
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('prodid', '-//Reefknot//CalDAV Server//EN');
  const fb = new ICAL.Component('vfreebusy');
  fb.addPropertyWithValue('dtstamp', utcTime(options.now));
  fb.addPropertyWithValue('dtstart', utcTime(range.start));
  fb.addPropertyWithValue('dtend', utcTime(range.end));
  if (options.uid) fb.addPropertyWithValue('uid', options.uid);
  if (options.organizer) fb.addPropertyWithValue('organizer', options.organizer);
  if (options.attendee) fb.addPropertyWithValue('attendee', options.attendee);
  const lines = (Object.keys(FBTYPE) as Kind[]).flatMap((kind) => result[kind].map((p) => ({ kind, p })));
  lines.sort((a, b) => a.p.start - b.p.start || a.p.end - b.p.end);
  for (const { kind, p } of lines) fb.addProperty(freebusyProperty(p, FBTYPE[kind]));
  calendar.addSubcomponent(fb);
  return calendar.toString();
}

function freebusyProperty(p: Period, fbtype: string | null): InstanceType<typeof ICAL.Property> {
  const prop = new ICAL.Property('freebusy');
  const duration = ICAL.Duration.fromSeconds(Math.round((p.end - p.start) / 1000));
  prop.setValue(ICAL.Period.fromData({ start: utcTime(p.start), duration }));
  if (fbtype) prop.setParameter('fbtype', fbtype);
  return prop;
}
