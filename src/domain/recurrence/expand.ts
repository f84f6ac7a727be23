/**
 * CALDAV:calendar-data transformations of RFC 4791 §9.6.5 expand (one component per instance,
 * UTC times, no recurrence properties, no VTIMEZONE), §9.6.6 limit-recurrence-set (master plus the
 * overrides that affect the range) and §9.6.7 limit-freebusy-set (FREEBUSY values in the range).
 */
import ICAL from 'ical.js';
import { instancesIn, type Instance } from './instances.js';
import { occurrences } from './occurrences.js';
import { recurrenceSets, type RecurrenceSet } from './recurrence-set.js';
import { spanOf, spanOverlaps, type Range } from './span.js';
import { isFloating, makeTimeContext, timeValue, toMs, utcTime, type Component, type TimeContext, type TimeOptions } from './time.js';

const RECURRENCE_PROPERTIES = ['rrule', 'rdate', 'exdate', 'exrule'];
/** Components copied as they are by expand: they have no instances of their own. */
const PASS_THROUGH = new Set(['vfreebusy', 'vavailability']);

function clone(c: Component): Component {
  return new ICAL.Component(JSON.parse(JSON.stringify(c.toJSON())) as unknown[]);
}

function emptyCalendar(calendar: Component): Component {
  const out = new ICAL.Component('vcalendar');
  for (const p of calendar.getAllProperties()) out.addProperty(new ICAL.Property(JSON.parse(JSON.stringify(p.toJSON())) as unknown[]));
  return out;
}

/** RFC 4791 §9.6.5: every instance overlapping the range as its own component, in UTC. */
export function expandCalendarData(calendar: Component, range: Range, options: TimeOptions): string {
  const ctx = makeTimeContext(options);
  const out = emptyCalendar(calendar);
  const recurring = new Set(recurrenceSets(calendar, ctx).filter(isRecurringSet).flatMap(componentsOf));
  for (const instance of instancesIn(calendar, range, ctx)) {
    if (PASS_THROUGH.has(instance.component.name)) continue;
    out.addSubcomponent(expandedComponent(instance, recurring.has(instance.component), ctx));
  }
  for (const c of calendar.getAllSubcomponents()) if (PASS_THROUGH.has(c.name)) out.addSubcomponent(clone(c));
  return out.toString();
}

function isRecurringSet(set: RecurrenceSet): boolean {
  return set.overrides.length > 0 || (set.master !== null && RECURRENCE_PROPERTIES.some((p) => set.master?.hasProperty(p)));
}

function componentsOf(set: RecurrenceSet): Component[] {
  return [...(set.master ? [set.master] : []), ...set.overrides.map((o) => o.component)];
}

function expandedComponent(instance: Instance, recurring: boolean, ctx: TimeContext): Component {
  const c = clone(instance.component);
  for (const name of RECURRENCE_PROPERTIES) c.removeAllProperties(name);
  const dtstart = timeValue(c, 'dtstart');
  const allDay = dtstart?.isDate === true;
  c.removeAllProperties('recurrence-id');
  toUtc(c, ctx);
  if (dtstart) setTime(c, 'dtstart', instance.start, allDay, ctx);
  const endName = c.name === 'vtodo' ? 'due' : 'dtend';
  if (dtstart && c.hasProperty(endName)) setTime(c, endName, instance.end, allDay, ctx);
  if (recurring) setTime(c, 'recurrence-id', instance.recurrenceId, allDay, ctx, true);
  return c;
}

/** Sets a property to an instant: UTC DATE-TIME, or a DATE for all-day values (they name no zone). */
function setTime(c: Component, name: string, ms: number, allDay: boolean, ctx: TimeContext, add = false): void {
  let value = utcTime(ms);
  if (allDay) {
    const local = ctx.defaultZone ? ms + ctx.defaultZone.utcOffset(utcTime(ms)) * 1000 : ms;
    const d = new Date(local);
    value = ICAL.Time.fromData({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), isDate: true });
  }
  const prop = c.getFirstProperty(name) ?? (add ? c.addPropertyWithValue(name, value) : null);
  if (!prop) return;
  prop.removeParameter('tzid');
  prop.removeParameter('range');
  prop.setValue(value);
}

/** RFC 4791 §9.6.5: times with a TZID become UTC, in the component and its VALARMs. */
function toUtc(c: Component, ctx: TimeContext): void {
  for (const p of c.getAllProperties()) {
    const values = p.getValues() as unknown[];
    if (!values.some((v) => v instanceof ICAL.Time && !v.isDate && !isFloating(v) && v.zone !== ICAL.Timezone.utcTimezone)) continue;
    p.removeParameter('tzid');
    p.setValues(values.map((v) => (v instanceof ICAL.Time && !v.isDate ? utcTime(toMs(v, ctx)) : v)));
  }
  for (const sub of c.getAllSubcomponents()) toUtc(sub, ctx);
}

/**
 * RFC 4791 §9.6.6: the master and every override whose current or original time overlaps the
 * range; a THISANDFUTURE override also when an instance it governs does.
 */
export function limitRecurrenceSet(calendar: Component, range: Range, options: TimeOptions): string {
  const ctx = makeTimeContext(options);
  const drop = new Set<Component>();
  for (const set of recurrenceSets(calendar, ctx)) {
    for (const o of set.overrides) if (!overrideAffects(set, o.component, range, ctx)) drop.add(o.component);
  }
  const out = emptyCalendar(calendar);
  for (const c of calendar.getAllSubcomponents()) if (!drop.has(c)) out.addSubcomponent(clone(c));
  return out.toString();
}

function overrideAffects(set: RecurrenceSet, c: Component, range: Range, ctx: TimeContext): boolean {
  const override = set.overrides.find((o) => o.component === c);
  if (!override) return true;
  if (spanOverlaps(spanOf(c, null, ctx), range)) return true;
  if (set.master && spanOverlaps(spanOf(set.master, override.recurrenceIdTime, ctx), range)) return true;
  if (!override.thisAndFuture || !set.master) return false;
  const master = set.master;
  for (const o of occurrences(set, range, ctx)) {
    if (o.component !== c) continue;
    if (spanOverlaps(o.span, range) || spanOverlaps(spanOf(master, utcTime(o.recurrenceId), ctx), range)) return true;
  }
  return false;
}

/** RFC 4791 §9.6.7: only the FREEBUSY values of VFREEBUSY components that overlap the range. */
export function limitFreebusySet(calendar: Component, range: Range, options: TimeOptions): string {
  const ctx = makeTimeContext(options);
  const out = clone(calendar);
  for (const fb of out.getAllSubcomponents('vfreebusy')) {
    for (const p of fb.getAllProperties('freebusy')) {
      const kept = (p.getValues() as unknown[]).filter((v) => v instanceof ICAL.Period && range.start < toMs(v.getEnd(), ctx) && range.end > toMs(v.start, ctx));
      if (kept.length === 0) fb.removeProperty(p);
      else p.setValues(kept);
    }
  }
  return out.toString();
}
