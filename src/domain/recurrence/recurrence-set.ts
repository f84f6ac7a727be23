/**
 * Groups the components of a calendar object into recurrence sets (RFC 5545 §3.8.4.4): one master
 * (no RECURRENCE-ID) and its overridden instances, keyed by UID and component type. An override
 * with RANGE=THISANDFUTURE also changes every later instance (RFC 5545 §3.2.13).
 */
import ICAL from 'ical.js';
import { toMs, type Component, type Duration, type Time, type TimeContext, timeValue } from './time.js';

export interface Override {
  component: Component;
  /** The original start of the overridden instance, ms UTC. */
  recurrenceId: number;
  recurrenceIdTime: Time;
  thisAndFuture: boolean;
  /** DTSTART minus RECURRENCE-ID: how far the instance (and, for THISANDFUTURE, later ones) moved. */
  shift: Duration;
  shiftMs: number;
}

export interface RecurrenceSet {
  uid: string;
  /** Lower-case component name (vevent, vtodo, ...). */
  type: string;
  master: Component | null;
  overrides: Override[];
}

/** Names of the components that form recurrence sets. */
const SKIPPED = new Set(['vtimezone']);

export function recurrenceSets(calendar: Component, ctx: TimeContext): RecurrenceSet[] {
  const sets = new Map<string, RecurrenceSet>();
  for (const c of calendar.getAllSubcomponents()) {
    if (SKIPPED.has(c.name)) continue;
    const uid = String(c.getFirstPropertyValue('uid') ?? '');
    const key = `${c.name}\u0000${uid}`;
    let set = sets.get(key);
    if (!set) {
      set = { uid, type: c.name, master: null, overrides: [] };
      sets.set(key, set);
    }
    const override = overrideOf(c, ctx);
    if (override) set.overrides.push(override);
    else if (!set.master) set.master = c;
    else sets.set(`${key}\u0000${sets.size}`, { uid, type: c.name, master: c, overrides: [] });
  }
  for (const set of sets.values()) set.overrides.sort((a, b) => a.recurrenceId - b.recurrenceId);
  return [...sets.values()];
}

/** The set a component belongs to. */
export function setContaining(sets: RecurrenceSet[], c: Component): RecurrenceSet | undefined {
  return sets.find((s) => s.master === c || s.overrides.some((o) => o.component === c));
}

function overrideOf(c: Component, ctx: TimeContext): Override | null {
  const prop = c.getFirstProperty('recurrence-id');
  const rid = prop?.getFirstValue();
  if (!prop || !(rid instanceof ICAL.Time)) return null;
  const start = timeValue(c, 'dtstart') ?? rid;
  const range: unknown = prop.getParameter('range');
  const recurrenceId = toMs(rid, ctx);
  return {
    component: c,
    recurrenceId,
    recurrenceIdTime: rid,
    thisAndFuture: typeof range === 'string' && range.toUpperCase() === 'THISANDFUTURE',
    shift: sameZone(start, rid) ? start.subtractDate(rid) : start.subtractDateTz(rid),
    shiftMs: toMs(start, ctx) - recurrenceId,
  };
}

function sameZone(a: Time, b: Time): boolean {
  return a.zone?.tzid === b.zone?.tzid && a.isDate === b.isDate;
}
