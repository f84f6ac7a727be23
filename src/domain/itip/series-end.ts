/**
 * Ending a recurring series at an instance (RFC 5546 §3.2.5 CANCEL with RECURRENCE-ID;
 * RANGE=THISANDFUTURE, RFC 5545 §3.2.13): the rule gets an UNTIL just before the instance, and
 * RDATEs and overrides from it on are removed.
 */
import ICAL from 'ical.js';
import { MASTER, timeMs, type Component, type Time } from './calendar-data.js';

export function isThisAndFuture(comp: Component): boolean {
  const range: unknown = comp.getFirstProperty('recurrence-id')?.getParameter('range');
  return typeof range === 'string' && range.toUpperCase() === 'THISANDFUTURE';
}

function untilBefore(rid: Time): Time {
  if (rid.isDate) {
    const day = rid.clone();
    day.adjust(-1, 0, 0, 0);
    return day;
  }
  return ICAL.Time.fromJSDate(new Date(rid.toUnixTime() * 1000 - 1000), true);
}

/** Ends the series held in `comps` before the instance `cancel` names. */
export function endSeriesBefore(comps: Map<string, Component>, cancel: Component): void {
  const master = comps.get(MASTER);
  const rid = cancel.getFirstPropertyValue('recurrence-id');
  const cut = timeMs(cancel, 'recurrence-id');
  if (master === undefined || !(rid instanceof ICAL.Time) || cut === null) return;
  const rule = master.getFirstPropertyValue('rrule');
  if (rule instanceof ICAL.Recur) {
    rule.until = untilBefore(rid);
    rule.count = null;
    master.updatePropertyWithValue('rrule', rule);
  }
  for (const prop of [...master.getAllProperties('rdate')]) {
    const kept = (prop.getValues() as unknown[]).filter((v) => !(v instanceof ICAL.Time) || v.toUnixTime() * 1000 < cut);
    if (kept.length === 0) master.removeProperty(prop);
    else prop.setValues(kept);
  }
  for (const [key, comp] of [...comps]) {
    const at = timeMs(comp, 'recurrence-id');
    if (key !== MASTER && at !== null && at >= cut) comps.delete(key);
  }
}
