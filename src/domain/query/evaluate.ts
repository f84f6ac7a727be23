/**
 * Evaluates a CALDAV:filter against one calendar object resource (RFC 4791 §9.7: comp-filter
 * §9.7.1, prop-filter §9.7.2, param-filter §9.7.3, is-not-defined §9.7.4, text-match §9.7.5;
 * time-range §9.9, with floating times in the calendar's time zone per RFC 4791 §7.3).
 */
import ICAL from 'ical.js';
import { recurrenceSets, type RecurrenceSet } from '../recurrence/recurrence-set.js';
import { makeTimeContext, type Component, type Property, type TimeOptions } from '../recurrence/time.js';
import { anyTextMatches, textMatches } from './text-match.js';
import { componentInRange, propertyInRange, type RangeContext } from './time-range.js';
import type { CompFilter, ParamFilter, PropFilter, TimeRange } from './types.js';
import { validateFilter } from './validate.js';

export { InvalidFilterError, UnsupportedCollationError } from './errors.js';
export { validateFilter } from './validate.js';

export type FilterOptions = TimeOptions;

/**
 * True when the calendar object matches the filter. Throws InvalidFilterError or
 * UnsupportedCollationError for a bad filter, ReefknotError('too-many-instances') when the
 * recurrence work passes the bound.
 */
export function matchesCalendarFilter(calendar: Component, filter: CompFilter, options: FilterOptions): boolean {
  validateFilter(filter);
  if (calendar.name !== 'vcalendar') return filter.isNotDefined;
  if (filter.isNotDefined) return false;
  const time = makeTimeContext(options);
  let sets: RecurrenceSet[] | null = null;
  const ctx: RangeContext = { time, sets: () => (sets ??= recurrenceSets(calendar, time)) };
  return componentMatches(calendar, null, filter, ctx);
}

/** RFC 4791 §9.7.1: the component satisfies the time-range, every prop-filter and every comp-filter. */
function componentMatches(c: Component, parent: Component | null, f: CompFilter, ctx: RangeContext): boolean {
  if (f.timeRange && !componentInRange(c, parent, toRange(f.timeRange), ctx)) return false;
  return f.propFilters.every((p) => propFilterMatches(c, p, ctx)) && f.compFilters.every((cf) => childMatches(c, cf, ctx));
}

function childMatches(parent: Component, f: CompFilter, ctx: RangeContext): boolean {
  const children = parent.getAllSubcomponents(f.name.toLowerCase());
  if (f.isNotDefined) return children.length === 0;
  return children.some((c) => componentMatches(c, parent, f, ctx));
}

/** RFC 4791 §9.7.2: some property of that name satisfies every condition (or none exists, for is-not-defined). */
function propFilterMatches(c: Component, f: PropFilter, ctx: RangeContext): boolean {
  const props = c.getAllProperties(f.name.toLowerCase());
  if (f.isNotDefined) return props.length === 0;
  return props.some((p) => propertyMatches(p, f, ctx));
}

function propertyMatches(p: Property, f: PropFilter, ctx: RangeContext): boolean {
  if (f.timeRange && !propertyInRange(p, toRange(f.timeRange), ctx.time)) return false;
  if (f.textMatch && !textMatches(propertyText(p), f.textMatch)) return false;
  return f.paramFilters.every((q) => paramMatches(p, q));
}

/** RFC 4791 §9.7.3. */
function paramMatches(p: Property, f: ParamFilter): boolean {
  const raw: unknown = p.getParameter(f.name.toLowerCase());
  const values = raw === undefined || raw === null ? [] : (Array.isArray(raw) ? raw : [raw]).map((v) => String(v));
  if (f.isNotDefined) return values.length === 0;
  if (values.length === 0) return false;
  return f.textMatch ? anyTextMatches(values, f.textMatch) : true;
}

/** The property value as iCalendar text (unescaped TEXT; other types in their iCalendar form). */
export function propertyText(p: Property): string {
  return (p.getValues() as unknown[]).map(valueText).join(',');
}

function valueText(v: unknown): string {
  if (v instanceof ICAL.Time || v instanceof ICAL.Duration || v instanceof ICAL.Period) return v.toICALString();
  if (v instanceof ICAL.Recur) return v.toString();
  return String(v);
}

function toRange(r: TimeRange): { start: number; end: number } {
  return { start: r.start ?? -Infinity, end: r.end ?? Infinity };
}
