/**
 * Creating and changing events from what a user types (RFC 5545 §3.6.1 VEVENT, §3.3.10 RECUR,
 * §3.6.6 VALARM, §3.8.4.1 ATTENDEE, §3.8.4.4 RECURRENCE-ID for one instance, §3.8.5.1 EXDATE).
 * Recurrence may be an RRULE or words: daily, weekly, monthly, yearly, "every weekday",
 * "every 2 weeks", "every monday and friday".
 */
import ICAL from 'ical.js';
import { randomUUID } from 'node:crypto';
import { ClientError, mailto } from './profile.js';
import { mainComponent, parseCalendar, parseUserDuration, parseUserTime, setTime, type Component, type Time } from './ical-util.js';

export interface EventFields {
  title?: string;
  start?: string;
  end?: string;
  duration?: string;
  allDay?: boolean;
  timezone?: string;
  location?: string;
  description?: string;
  repeat?: string;
  alarms?: string[];
  attendees?: string[];
  private?: boolean;
}

const DAYS: Record<string, string> = { monday: 'MO', tuesday: 'TU', wednesday: 'WE', thursday: 'TH', friday: 'FR', saturday: 'SA', sunday: 'SU' };
const FREQ: Record<string, string> = { day: 'DAILY', daily: 'DAILY', week: 'WEEKLY', weekly: 'WEEKLY', month: 'MONTHLY', monthly: 'MONTHLY', year: 'YEARLY', yearly: 'YEARLY' };

/** Recurrence words or an RRULE → RRULE value text (RFC 5545 §3.3.10). */
export function recurrenceRule(words: string): string {
  const w = words.trim().toLowerCase().replace(/^rrule:/, '');
  if (/^freq=/.test(w)) return w.toUpperCase();
  const plain = FREQ[w];
  if (plain) return `FREQ=${plain}`;
  if (w === 'every weekday' || w === 'weekdays') return 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR';
  const every = /^every (\d+ )?(day|week|month|year)s?$/.exec(w);
  if (every) return `FREQ=${FREQ[every[2] ?? 'day']}${every[1] ? `;INTERVAL=${Number(every[1])}` : ''}`;
  const days = /^every ((?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:(?:,\s*|\s+and\s+)(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))*)$/.exec(w);
  if (days?.[1]) return `FREQ=WEEKLY;BYDAY=${days[1].split(/,\s*|\s+and\s+/).map((d) => DAYS[d]).join(',')}`;
  throw new ClientError(`cannot read the recurrence '${words}': use daily, weekly, monthly, yearly, 'every weekday', 'every 2 weeks', 'every monday and friday', or an RRULE`, 2);
}

function attendeeProperty(text: string): InstanceType<typeof ICAL.Property> {
  const m = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(text);
  const p = new ICAL.Property('attendee');
  p.setValue(mailto(m ? (m[2] ?? '') : text.trim()));
  if (m?.[1]) p.setParameter('cn', m[1]);
  p.setParameter('role', 'REQ-PARTICIPANT');
  p.setParameter('partstat', 'NEEDS-ACTION');
  p.setParameter('rsvp', 'TRUE');
  return p;
}

function setText(comp: Component, name: string, value: string | undefined): void {
  if (value === undefined) return;
  comp.removeAllProperties(name);
  if (value !== '') comp.addPropertyWithValue(name, value);
}

function addAlarm(comp: Component, before: string): void {
  const alarm = new ICAL.Component('valarm');
  alarm.addPropertyWithValue('action', 'DISPLAY');
  alarm.addPropertyWithValue('description', String(comp.getFirstPropertyValue('summary') ?? 'Reminder'));
  const d = parseUserDuration(before.replace(/^-/, ''));
  d.isNegative = true;
  alarm.addPropertyWithValue('trigger', d);
  comp.addSubcomponent(alarm);
}

/** Start and end/duration from the fields, keeping the event's length when only the start moves. */
function applyTimes(root: Component, comp: Component, f: EventFields, zone: string): void {
  if (f.start === undefined && f.end === undefined && f.duration === undefined) return;
  const oldStart = comp.getFirstPropertyValue('dtstart');
  const oldEnd = comp.getFirstPropertyValue('dtend');
  const start: Time = f.start !== undefined ? parseUserTime(f.start, zone, f.allDay) : (oldStart as Time);
  setTime(root, comp, 'dtstart', start);
  let end: Time | null = null;
  if (f.end !== undefined) end = parseUserTime(f.end, zone, f.allDay ?? start.isDate);
  else if (f.duration !== undefined) {
    end = start.clone();
    end.addDuration(parseUserDuration(f.duration));
  } else if (oldStart instanceof ICAL.Time && oldEnd instanceof ICAL.Time) {
    end = start.clone();
    end.addDuration(oldEnd.subtractDate(oldStart));
  } else if (!comp.getFirstProperty('duration')) {
    end = start.clone();
    end.addDuration(start.isDate ? new ICAL.Duration({ days: 1 }) : new ICAL.Duration({ hours: 1 }));
  }
  if (end) {
    if (end.compare(start) <= 0) throw new ClientError('the event must end after it starts', 2);
    comp.removeAllProperties('duration');
    setTime(root, comp, 'dtend', end);
  }
}

function applyFields(root: Component, comp: Component, f: EventFields, zone: string, organizer: string | null): void {
  setText(comp, 'summary', f.title);
  setText(comp, 'location', f.location);
  setText(comp, 'description', f.description);
  applyTimes(root, comp, f, zone);
  if (f.repeat !== undefined) {
    comp.removeAllProperties('rrule');
    if (f.repeat !== '' && f.repeat !== 'never') comp.addPropertyWithValue('rrule', ICAL.Recur.fromString(recurrenceRule(f.repeat)));
  }
  if (f.private !== undefined) setText(comp, 'class', f.private ? 'PRIVATE' : '');
  for (const a of f.alarms ?? []) addAlarm(comp, a);
  if (f.attendees?.length && organizer) {
    if (!comp.getFirstProperty('organizer')) comp.addPropertyWithValue('organizer', organizer);
    const have = new Set(comp.getAllProperties('attendee').map((p) => String(p.getFirstValue()).toLowerCase()));
    if (!have.has(organizer)) {
      const me = comp.addPropertyWithValue('attendee', organizer);
      me.setParameter('role', 'CHAIR');
      me.setParameter('partstat', 'ACCEPTED');
    }
    for (const a of f.attendees) if (!have.has(mailto(a.replace(/^.*<|>\s*$/g, '')))) comp.addProperty(attendeeProperty(a));
  }
}

/** A new VCALENDAR with one VEVENT. */
export function newEvent(f: EventFields, zone: string, organizer: string, now: Date): string {
  if (!f.title) throw new ClientError('an event needs a title', 2);
  if (!f.start) throw new ClientError('an event needs a start (--start)', 2);
  const root = new ICAL.Component('vcalendar');
  root.addPropertyWithValue('version', '2.0');
  root.addPropertyWithValue('prodid', '-//Reefknot//cal//EN');
  const ev = new ICAL.Component('vevent');
  root.addSubcomponent(ev);
  ev.addPropertyWithValue('uid', `${randomUUID()}@reefknot`);
  ev.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(now, true));
  ev.addPropertyWithValue('sequence', 0);
  applyFields(root, ev, { ...f, end: f.end, duration: f.end || f.duration ? f.duration : f.allDay ? '1d' : '1h' }, f.timezone ?? zone, organizer);
  return root.toString();
}

/** The override of one instance (RECURRENCE-ID), made from the master when absent. */
function instanceComponent(root: Component, master: Component, instance: Time): Component {
  const existing = root.getAllSubcomponents('vevent').find((c) => {
    const rid = c.getFirstPropertyValue('recurrence-id');
    return rid instanceof ICAL.Time && rid.compare(instance) === 0;
  });
  if (existing) return existing;
  const copy = new ICAL.Component(JSON.parse(JSON.stringify(master.toJSON())) as unknown[]);
  for (const n of ['rrule', 'rdate', 'exdate']) copy.removeAllProperties(n);
  setTime(root, copy, 'recurrence-id', instance);
  const start = master.getFirstPropertyValue('dtstart') as Time;
  const end = master.getFirstPropertyValue('dtend');
  setTime(root, copy, 'dtstart', instance);
  if (end instanceof ICAL.Time) {
    const e = instance.clone();
    e.addDuration(end.subtractDate(start));
    setTime(root, copy, 'dtend', e);
  }
  root.addSubcomponent(copy);
  return copy;
}

/** The instance named by the user, in the master's zone (RFC 5545 §3.8.4.4). */
export function instanceTime(master: Component, input: string, zone: string): Time {
  const start = master.getFirstPropertyValue('dtstart') as Time;
  if (!master.getFirstProperty('rrule') && !master.getFirstProperty('rdate')) throw new ClientError('this event does not repeat; drop --instance', 2);
  const tz = start.zone?.tzid && start.zone.tzid !== 'floating' ? start.zone.tzid : zone;
  const t = /\d[T ]\d/.test(input) ? parseUserTime(input, tz) : parseUserTime(`${input} ${String(start.hour).padStart(2, '0')}:${String(start.minute).padStart(2, '0')}`, tz, start.isDate);
  if (!occurs(master, t)) throw new ClientError(`the event has no instance on ${input} (give the original start date of an instance)`, 2);
  return t;
}

/** Whether the series has an instance starting at `t` (EXDATEs left out), looking at most 10000 ahead. */
function occurs(master: Component, t: Time): boolean {
  const it = new ICAL.RecurExpansion({ component: master, dtstart: master.getFirstPropertyValue('dtstart') as Time });
  const target = t.toUnixTime();
  for (let i = 0; i < 10_000; i++) {
    const next = it.next();
    if (!next) return false;
    const at = next.toUnixTime();
    if (at === target) return true;
    if (at > target) return false;
  }
  return false;
}

export function editEvent(text: string, f: EventFields, zone: string, organizer: string | null, instance?: string): string {
  const root = parseCalendar(text);
  const master = mainComponent(root);
  const comp = instance ? instanceComponent(root, master, instanceTime(master, instance, zone)) : master;
  const tz = f.timezone ?? (comp.getFirstPropertyValue('dtstart') as Time | null)?.zone?.tzid ?? zone;
  applyFields(root, comp, f, tz === 'floating' ? zone : tz, organizer);
  return root.toString();
}

/** Removes one instance: EXDATE on the master, and its override if any (RFC 5545 §3.8.5.1). */
export function deleteInstance(text: string, instance: string, zone: string): string {
  const root = parseCalendar(text);
  const master = mainComponent(root);
  const t = instanceTime(master, instance, zone);
  for (const c of root.getAllSubcomponents('vevent')) {
    const rid = c.getFirstPropertyValue('recurrence-id');
    if (rid instanceof ICAL.Time && rid.compare(t) === 0) root.removeSubcomponent(c);
  }
  const p = master.addPropertyWithValue('exdate', t);
  if (t.zone?.tzid && t.zone.tzid !== 'UTC' && !t.isDate) p.setParameter('tzid', t.zone.tzid);
  return root.toString();
}
