/**
 * Evaluating calendar-query and free-busy over a calendar (RFC 4791 §7.8, §7.10, §9.9): the time
 * index names the candidates (an index range scan, design.md), and only candidates are parsed for
 * the exact filter. Objects are parsed once each, with IANA zones resolved.
 */
import ICAL from 'ical.js';
import { busyPeriods, toVfreebusy } from '../domain/freebusy/compute.js';
import { resolveTimezones } from '../domain/ical/timezones.js';
import { matchesCalendarFilter, validateFilter } from '../domain/query/evaluate.js';
import type { CompFilter, TimeRange } from '../domain/query/types.js';
import { NO_LIMIT } from '../domain/recurrence/time-index.js';
import type { CollectionRow, ObjectMeta } from '../store/types.js';
import type { Principal } from './access.js';
import type { ServiceContext } from './context.js';
import type { Resource, ResourceService, Snapshot } from './resources.js';

export type Component = InstanceType<typeof ICAL.Component>;

export interface QueryMatch {
  resource: Resource & { type: 'object' };
  calendar: Component;
}

/** The range a filter's first-level component test requires, if any: the index can then narrow. */
export function indexableRange(filter: CompFilter): TimeRange | null {
  for (const c of filter.compFilters) {
    if (!c.isNotDefined && c.timeRange) return c.timeRange;
  }
  return null;
}

export class CalendarQueryService {
  constructor(private readonly ctx: ServiceContext, private readonly resources: ResourceService) {}

  /** Parses stored calendar text with IANA zones resolved. */
  parse(text: string): Component {
    const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
    resolveTimezones(calendar, this.ctx.timezones);
    return calendar;
  }

  /** Objects of `collection` that may have instances in the range: index candidates only. */
  async candidates(snapshot: Snapshot, collection: CollectionRow, range: TimeRange | null): Promise<ObjectMeta[]> {
    if (!range) return this.resources.listObjectMetas(snapshot, collection);
    return this.resources.objectsInRange(snapshot, collection, range.start ?? -NO_LIMIT, range.end ?? NO_LIMIT);
  }

  async load(snapshot: Snapshot, collection: CollectionRow, meta: ObjectMeta): Promise<QueryMatch> {
    const resource = { type: 'object' as const, path: collection.path + meta.name, collection, object: meta };
    const row = await this.resources.content(snapshot, resource);
    return { resource, calendar: this.parse(row.content.toString('utf8')) };
  }

  /** The objects of `target` (a calendar, or one object in it) that match `filter`. */
  async query(snapshot: Snapshot, principal: Principal, target: Resource, filter: CompFilter, defaultTimezone?: string): Promise<QueryMatch[]> {
    validateFilter(filter);
    let collection: CollectionRow;
    let metas: ObjectMeta[];
    if (target.type === 'object') {
      collection = target.collection;
      metas = [target.object];
    } else if (target.type === 'collection') {
      this.resources.check(principal, target, 'read');
      collection = target.collection;
      metas = await this.candidates(snapshot, collection, indexableRange(filter));
    } else return [];
    const options = { defaultTimezone, maxInstances: this.ctx.limits.maxInstances };
    const matches: QueryMatch[] = [];
    for (const meta of metas) {
      const match = await this.load(snapshot, collection, meta);
      if (matchesCalendarFilter(match.calendar, filter, options)) matches.push(match);
    }
    return matches;
  }

  /** One VFREEBUSY for the calendar over [start, end) (RFC 4791 §7.10), from index candidates only. */
  async freeBusy(snapshot: Snapshot, principal: Principal, target: Resource, range: { start: number; end: number }, defaultTimezone?: string): Promise<string> {
    if (target.type !== 'collection') return toVfreebusy(busyPeriods([], range, { maxInstances: 1 }), range, { now: this.ctx.now() });
    this.resources.check(principal, target, 'read');
    const calendars: Component[] = [];
    for (const meta of await this.candidates(snapshot, target.collection, range)) {
      calendars.push((await this.load(snapshot, target.collection, meta)).calendar);
    }
    const busy = busyPeriods(calendars, range, { defaultTimezone, maxInstances: this.ctx.limits.maxInstances });
    return toVfreebusy(busy, range, { now: this.ctx.now() });
  }
}
