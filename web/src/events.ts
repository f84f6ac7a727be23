/**
 * Calendar objects as the editor changes them, with ical.js (RFC 5545): reading and writing
 * times in IANA zones, the fields of the editor, alarms (VALARM), attendees, and the three ways
 * to change a recurring event (RFC 5545 §3.8.4.4): this instance (an override with
 * RECURRENCE-ID), this and following (the series ends with UNTIL and a new series with a new UID
 * begins), or all (the master).
 */
import ICAL from 'ical.js';
import { instantFromWall, isZone, wallInZone } from './tz';

export type Repeat = 'none' | 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
export type Scope = 'this' | 'following' | 'all';

export interface Attendee { address: string; name: string; partstat: string }

export interface Draft {
  summary: string;
  location: string;
  description: string;
  allDay: boolean;
  /** Instants; for all-day events, midnight UTC of the first day and of the day after the last. */
  start: Date;
  end: Date;
  repeat: Repeat;
  alarmMinutes: number | null;
  attendees: Attendee[];
}

export interface TimeValue { instant: Date; date: boolean; tzid: string | null }

const PRODID = '-//Reefknot//Web Calendar//EN';

export function parseCalendar(text: string): ICAL.Component {
  const vcal = new ICAL.Component(ICAL.parse(text));
  for (const tz of vcal.getAllSubcomponents('vtimezone')) {
    const t = new ICAL.Timezone(tz);
    if (!ICAL.TimezoneService.has(t.tzid)) ICAL.TimezoneService.register(t);
  }
  return vcal;
}

/** Reads a date or date-time property as an instant (TZIDs by IANA name, floating in `zone`). */
export function readTime(ve: ICAL.Component, name: string, zone: string): TimeValue | null {
  const p = ve.getFirstProperty(name);
  const v = p?.getFirstValue();
  if (!p || !(v instanceof ICAL.Time)) return null;
  if (v.isDate) return { instant: new Date(Date.UTC(v.year, v.month - 1, v.day)), date: true, tzid: null };
  const wall = { year: v.year, month: v.month, day: v.day, hour: v.hour, minute: v.minute, second: v.second };
  const tzid = p.getParameter('tzid');
  const tz = typeof tzid === 'string' ? tzid : null;
  if (v.zone === ICAL.Timezone.utcTimezone || (!tz && v.toICALString().endsWith('Z'))) return { instant: new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second)), date: false, tzid: 'UTC' };
  if (tz && isZone(tz)) return { instant: instantFromWall(wall, tz), date: false, tzid: tz };
  if (tz && ICAL.TimezoneService.has(tz)) return { instant: v.toJSDate(), date: false, tzid: tz };
  return { instant: instantFromWall(wall, zone), date: false, tzid: null };
}

/** Writes a time: a DATE, UTC (Z), or a wall time with TZID. */
export function writeTime(ve: ICAL.Component, name: string, instant: Date, form: { date: boolean; tzid: string | null }, zone: string): void {
  ve.removeAllProperties(name);
  let t: ICAL.Time;
  if (form.date) t = ICAL.Time.fromData({ year: instant.getUTCFullYear(), month: instant.getUTCMonth() + 1, day: instant.getUTCDate(), isDate: true });
  else if (form.tzid === 'UTC') t = ICAL.Time.fromJSDate(instant, true);
  else {
    const w = wallInZone(instant, form.tzid ?? zone);
    t = ICAL.Time.fromData({ year: w.year, month: w.month, day: w.day, hour: w.hour, minute: w.minute, second: w.second, isDate: false });
  }
  const p = new ICAL.Property(name);
  p.setValue(t);
  if (!form.date && form.tzid && form.tzid !== 'UTC') p.setParameter('tzid', form.tzid);
  ve.addProperty(p);
}

export const masterOf = (vcal: ICAL.Component): ICAL.Component | undefined => vcal.getAllSubcomponents('vevent').find((v) => !v.hasProperty('recurrence-id'));

function sameInstance(ve: ICAL.Component, ridIso: string, zone: string): boolean {
  const r = readTime(ve, 'recurrence-id', zone);
  if (!r) return false;
  return r.date ? r.instant.toISOString().slice(0, 10) === ridIso.slice(0, 10) : r.instant.getTime() === Date.parse(ridIso);
}

const ridInstant = (ridIso: string): Date => new Date(ridIso.length === 10 ? `${ridIso}T00:00:00Z` : ridIso);

function touch(ve: ICAL.Component, bumpSequence: boolean): void {
  const now = ICAL.Time.fromJSDate(new Date(), true);
  ve.updatePropertyWithValue('dtstamp', now);
  ve.updatePropertyWithValue('last-modified', now);
  if (bumpSequence) ve.updatePropertyWithValue('sequence', Number(ve.getFirstPropertyValue('sequence') ?? 0) + 1);
}

/** The editor's view of a component. */
export function draftOf(ve: ICAL.Component, zone: string, master?: ICAL.Component): Draft {
  const start = readTime(ve, 'dtstart', zone);
  const end = readTime(ve, 'dtend', zone);
  const s = start?.instant ?? new Date();
  const allDay = start?.date ?? false;
  const rrule = (master ?? ve).getFirstPropertyValue('rrule');
  const alarm = ve.getFirstSubcomponent('valarm');
  const trigger = alarm?.getFirstPropertyValue('trigger');
  return {
    summary: String(ve.getFirstPropertyValue('summary') ?? ''), location: String(ve.getFirstPropertyValue('location') ?? ''),
    description: String(ve.getFirstPropertyValue('description') ?? ''), allDay, start: s,
    end: end?.instant ?? new Date(s.getTime() + (allDay ? 86_400_000 : 3_600_000)),
    repeat: rrule instanceof ICAL.Recur ? (rrule.freq as Repeat) : 'none',
    alarmMinutes: trigger instanceof ICAL.Duration ? Math.round(-trigger.toSeconds() / 60) : null,
    attendees: ve.getAllProperties('attendee').map((p) => ({
      address: String(p.getFirstValue()).replace(/^mailto:/i, ''), name: String(p.getParameter('cn') ?? ''), partstat: String(p.getParameter('partstat') ?? 'NEEDS-ACTION'),
    })),
  };
}

function applyAttendees(ve: ICAL.Component, attendees: Attendee[], organizer: { address: string; name: string }): void {
  const old = new Map(ve.getAllProperties('attendee').map((p) => [String(p.getFirstValue()).toLowerCase(), p]));
  ve.removeAllProperties('attendee');
  if (attendees.length === 0) {
    ve.removeAllProperties('organizer');
    return;
  }
  if (!ve.hasProperty('organizer')) {
    const o = new ICAL.Property('organizer');
    o.setValue(`mailto:${organizer.address}`);
    if (organizer.name) o.setParameter('cn', organizer.name);
    ve.addProperty(o);
  }
  for (const a of attendees) {
    const value = `mailto:${a.address}`;
    const kept = old.get(value.toLowerCase());
    if (kept) { ve.addProperty(kept); continue; }
    const p = new ICAL.Property('attendee');
    p.setValue(value);
    if (a.name) p.setParameter('cn', a.name);
    p.setParameter('partstat', a.address.toLowerCase() === organizer.address.toLowerCase() ? 'ACCEPTED' : 'NEEDS-ACTION');
    p.setParameter('role', 'REQ-PARTICIPANT');
    p.setParameter('rsvp', 'TRUE');
    ve.addProperty(p);
  }
}

function applyAlarm(ve: ICAL.Component, minutes: number | null): void {
  for (const a of ve.getAllSubcomponents('valarm')) ve.removeSubcomponent(a);
  if (minutes === null) return;
  const alarm = new ICAL.Component('valarm');
  alarm.addPropertyWithValue('action', 'DISPLAY');
  alarm.addPropertyWithValue('description', String(ve.getFirstPropertyValue('summary') ?? 'Reminder'));
  alarm.addPropertyWithValue('trigger', ICAL.Duration.fromSeconds(-minutes * 60));
  ve.addSubcomponent(alarm);
}

function setText(ve: ICAL.Component, name: string, value: string): void {
  if (value) ve.updatePropertyWithValue(name, value);
  else ve.removeAllProperties(name);
}

/** Writes the editor's fields into a component (the rule only on a master or a single event). */
export function applyDraft(ve: ICAL.Component, d: Draft, zone: string, organizer: { address: string; name: string }, withRule: boolean): void {
  setText(ve, 'summary', d.summary);
  setText(ve, 'location', d.location);
  setText(ve, 'description', d.description);
  const form = { date: d.allDay, tzid: d.allDay ? null : zone === 'UTC' ? 'UTC' : zone };
  writeTime(ve, 'dtstart', d.start, form, zone);
  ve.removeAllProperties('duration');
  writeTime(ve, 'dtend', d.end, form, zone);
  if (withRule) {
    const current = ve.getFirstPropertyValue('rrule');
    if (d.repeat === 'none') ve.removeAllProperties('rrule');
    else if (!(current instanceof ICAL.Recur) || current.freq !== d.repeat) ve.updatePropertyWithValue('rrule', new ICAL.Recur({ freq: d.repeat }));
  }
  applyAlarm(ve, d.alarmMinutes);
  applyAttendees(ve, d.attendees, organizer);
  touch(ve, true);
}

export function newCalendar(d: Draft, zone: string, organizer: { address: string; name: string }): { uid: string; text: string } {
  const vcal = new ICAL.Component('vcalendar');
  vcal.addPropertyWithValue('prodid', PRODID);
  vcal.addPropertyWithValue('version', '2.0');
  const ve = new ICAL.Component('vevent');
  const uid = crypto.randomUUID();
  ve.addPropertyWithValue('uid', uid);
  ve.addPropertyWithValue('created', ICAL.Time.fromJSDate(new Date(), true));
  applyDraft(ve, d, zone, organizer, true);
  ve.updatePropertyWithValue('sequence', 0);
  vcal.addSubcomponent(ve);
  return { uid, text: vcal.toString() };
}

/** The override of one instance, made from the master when there is none yet. */
export function overrideFor(vcal: ICAL.Component, ridIso: string, zone: string): ICAL.Component {
  const found = vcal.getAllSubcomponents('vevent').find((v) => sameInstance(v, ridIso, zone));
  if (found) return found;
  const master = masterOf(vcal);
  if (!master) throw new Error('The series has no master event to override.');
  const ve = new ICAL.Component(JSON.parse(JSON.stringify(master.toJSON())) as unknown[]);
  for (const n of ['rrule', 'rdate', 'exdate']) ve.removeAllProperties(n);
  const s = readTime(master, 'dtstart', zone);
  const e = readTime(master, 'dtend', zone);
  const rid = ridInstant(ridIso);
  const form = { date: s?.date ?? false, tzid: s?.tzid ?? null };
  writeTime(ve, 'recurrence-id', rid, form, zone);
  writeTime(ve, 'dtstart', rid, form, zone);
  if (s && e) writeTime(ve, 'dtend', new Date(rid.getTime() + e.instant.getTime() - s.instant.getTime()), form, zone);
  vcal.addSubcomponent(ve);
  return ve;
}

/** Ends the series before an instance; returns the following part as a new series (new UID). */
export function splitSeries(vcal: ICAL.Component, ridIso: string, zone: string): ICAL.Component {
  const master = masterOf(vcal);
  const rule = master?.getFirstPropertyValue('rrule');
  if (!master || !(rule instanceof ICAL.Recur)) throw new Error('Only a recurring event can be split.');
  const rid = ridInstant(ridIso);
  const start = readTime(master, 'dtstart', zone);
  const tail = new ICAL.Component(JSON.parse(JSON.stringify(vcal.toJSON())) as unknown[]);
  for (const v of tail.getAllSubcomponents('vevent')) {
    const r = readTime(v, 'recurrence-id', zone);
    if (r && r.instant < rid) tail.removeSubcomponent(v);
  }
  for (const v of vcal.getAllSubcomponents('vevent')) {
    const r = readTime(v, 'recurrence-id', zone);
    if (r && r.instant >= rid) vcal.removeSubcomponent(v);
  }
  const head = new ICAL.Recur(rule.toJSON());
  head.count = null;
  head.until = start?.date ? ICAL.Time.fromData({ year: rid.getUTCFullYear(), month: rid.getUTCMonth() + 1, day: rid.getUTCDate() - 1, isDate: true }) : ICAL.Time.fromJSDate(new Date(rid.getTime() - 1000), true);
  master.updatePropertyWithValue('rrule', head);
  touch(master, true);
  const uid = crypto.randomUUID();
  const newMaster = masterOf(tail);
  for (const v of tail.getAllSubcomponents('vevent')) v.updatePropertyWithValue('uid', uid);
  if (newMaster && start) {
    const end = readTime(newMaster, 'dtend', zone);
    const form = { date: start.date, tzid: start.tzid };
    writeTime(newMaster, 'dtstart', rid, form, zone);
    if (end) writeTime(newMaster, 'dtend', new Date(rid.getTime() + end.instant.getTime() - start.instant.getTime()), form, zone);
    const tailRule = new ICAL.Recur(rule.toJSON());
    tailRule.count = null;
    newMaster.updatePropertyWithValue('rrule', tailRule);
    newMaster.updatePropertyWithValue('sequence', 0);
  }
  return tail;
}

/** Removes one instance from a series (EXDATE, and its override if any). */
export function excludeInstance(vcal: ICAL.Component, ridIso: string, zone: string): void {
  const master = masterOf(vcal);
  for (const v of vcal.getAllSubcomponents('vevent')) if (sameInstance(v, ridIso, zone)) vcal.removeSubcomponent(v);
  if (!master) return;
  const s = readTime(master, 'dtstart', zone);
  const holder = new ICAL.Component('vevent');
  writeTime(holder, 'exdate', ridInstant(ridIso), { date: s?.date ?? false, tzid: s?.tzid ?? null }, zone);
  const p = holder.getFirstProperty('exdate');
  if (p) master.addProperty(p);
  touch(master, true);
}

/** Moves a component's start and end by a number of milliseconds, keeping their form. */
export function shiftTimes(ve: ICAL.Component, startDelta: number, endDelta: number, zone: string): void {
  const s = readTime(ve, 'dtstart', zone);
  const e = readTime(ve, 'dtend', zone);
  if (!s) return;
  writeTime(ve, 'dtstart', new Date(s.instant.getTime() + startDelta), s, zone);
  if (e) writeTime(ve, 'dtend', new Date(e.instant.getTime() + endDelta), e, zone);
  else if (endDelta !== startDelta) writeTime(ve, 'dtend', new Date(s.instant.getTime() + (s.date ? 86_400_000 : 3_600_000) + endDelta), s, zone);
  touch(ve, true);
}

/** Gives a component new start and end instants, keeping the form of its DTSTART (date, zone); a reschedule (SEQUENCE + 1). */
export function moveTo(ve: ICAL.Component, start: Date, end: Date, zone: string): void {
  const s = readTime(ve, 'dtstart', zone);
  const form = { date: s?.date ?? false, tzid: s?.tzid ?? (zone === 'UTC' ? 'UTC' : zone) };
  writeTime(ve, 'dtstart', start, form, zone);
  ve.removeAllProperties('duration');
  writeTime(ve, 'dtend', end, form, zone);
  touch(ve, true);
}

/** A deep copy of a component (or property tree), detached from its parent. */
export const cloneComponent = (c: ICAL.Component): ICAL.Component => new ICAL.Component(JSON.parse(JSON.stringify(c.toJSON())) as unknown[]);

/** The address of a calendar user without `mailto:`, lower case. */
export const bareAddress = (value: unknown): string => String(value ?? '').replace(/^mailto:/i, '').toLowerCase();

/** The end of a component: DTEND, or DTSTART plus DURATION, or null. */
export function readEnd(ve: ICAL.Component, zone: string): Date | null {
  const e = readTime(ve, 'dtend', zone) ?? readTime(ve, 'due', zone);
  if (e) return e.instant;
  const s = readTime(ve, 'dtstart', zone);
  const d = ve.getFirstPropertyValue('duration');
  return s && d instanceof ICAL.Duration ? new Date(s.instant.getTime() + d.toSeconds() * 1000) : null;
}

/** Sets the user's own PARTSTAT on every component where they attend (an attendee's answer). */
export function setPartstat(vcal: ICAL.Component, addresses: string[], partstat: string): boolean {
  const mine = new Set(addresses.map((a) => `mailto:${a.toLowerCase().replace(/^mailto:/, '')}`));
  let changed = false;
  for (const ve of vcal.getAllSubcomponents('vevent')) {
    for (const p of ve.getAllProperties('attendee')) {
      if (!mine.has(String(p.getFirstValue()).toLowerCase())) continue;
      p.setParameter('partstat', partstat);
      p.removeParameter('rsvp');
      changed = true;
    }
    if (changed) touch(ve, false);
  }
  return changed;
}

export const toText = (vcal: ICAL.Component): string => vcal.toString();
