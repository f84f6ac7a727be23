/**
 * Evaluating calendar-query and free-busy over a calendar (RFC 4791 §7.8, §7.10, §9.9): the time
 * index names the candidates (an index range scan, design.md), and only candidates are parsed for
 * the exact filter. Objects are parsed once each, with IANA zones resolved.
 */
import ICAL from 'ical.js';
import { busyPeriods, merge, toVfreebusy } from '../domain/freebusy/compute.js';
import { resolveTimezones } from '../domain/ical/timezones.js';
import { TimezoneCache } from './timezone-cache.js';
import { matchesCalendarFilter, validateFilter } from '../domain/query/evaluate.js';
import type { CompFilter, TimeRange } from '../domain/query/types.js';
import { NO_LIMIT } from '../domain/recurrence/time-index.js';
import type { CollectionRow, ObjectMeta, RangeCandidate } from '../store/types.js';
import type { Principal } from './access.js';
import type { ServiceContext } from './context.js';
import { splitPath, type Access, type Resource, type ResourceService, type Snapshot } from './resources.js';
import { redactInPlace } from '../domain/acl/redact.js';

export type Component = InstanceType<typeof ICAL.Component>;

/** A calendar as one requester reaches it: its path (a share may bind it elsewhere) and access. */
export interface CollectionView {
  path: string;
  collection: CollectionRow;
  access: Access;
}

export interface QueryMatch {
  resource: Resource & { type: 'object' };
  /** The parsed object as the requester sees it; null when the index alone decided the match. */
  calendar: Component | null;
}

/** A filter asking only for VEVENTs that overlap a range: the time index can answer it alone. */
export function isPlainEventRange(filter: CompFilter): boolean {
  const only = filter.compFilters[0];
  return filter.compFilters.length === 1 && filter.propFilters.length === 0 && !filter.isNotDefined && only !== undefined && only.name === 'VEVENT'
    && only.timeRange !== undefined && !only.isNotDefined && only.propFilters.length === 0 && only.compFilters.length === 0;
}

/** The range a filter's first-level component test requires, if any: the index can then narrow. */
export function indexableRange(filter: CompFilter): TimeRange | null {
  for (const c of filter.compFilters) {
    if (!c.isNotDefined && c.timeRange) return c.timeRange;
  }
  return null;
}

/** Objects whose texts are fetched together before they are parsed (bounded memory). */
const PREFETCH_CHUNK = 200;

export class CalendarQueryService {
  private readonly zones = new TimezoneCache();

  constructor(private readonly ctx: ServiceContext, private readonly resources: ResourceService) {}

  /** Parses stored calendar text with IANA zones resolved and zone expansions shared. */
  parse(text: string): Component {
    const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
    resolveTimezones(calendar, this.ctx.timezones);
    this.zones.share(calendar);
    return calendar;
  }

  /** Objects of `collection` that may have instances in the range: index candidates only. */
  async candidates(snapshot: Snapshot, collection: CollectionRow, range: TimeRange | null): Promise<(ObjectMeta | RangeCandidate)[]> {
    if (!range) return this.resources.listObjectMetas(snapshot, collection);
    return this.resources.objectsInRange(snapshot, collection, range.start ?? -NO_LIMIT, range.end ?? NO_LIMIT);
  }

  /**
   * Reads and parses one object as `base` (a calendar, possibly reached through a share) shows
   * it: redacted to busy time for requesters who may not see private details.
   */
  async load(snapshot: Snapshot, base: CollectionView, meta: ObjectMeta): Promise<QueryMatch & { calendar: Component }> {
    const resource = { type: 'object' as const, path: base.path + meta.name, collection: base.collection, object: meta, access: base.access };
    const row = await this.resources.content(snapshot, resource);
    const calendar = this.parse(row.content.toString('utf8'));
    if (base.access.redact && meta.classification !== 'PUBLIC') redactInPlace(calendar);
    return { resource, calendar };
  }

  /** The objects of `target` (a calendar, or one object in it) that match `filter`, as the requester sees them. */
  async query(snapshot: Snapshot, principal: Principal, target: Resource, filter: CompFilter, defaultTimezone?: string): Promise<QueryMatch[]> {
    validateFilter(filter);
    let base: CollectionView;
    let metas: (ObjectMeta | RangeCandidate)[];
    if (target.type === 'object') {
      base = { path: splitPath(target.path).parent, collection: target.collection, access: target.access };
      metas = [target.object];
    } else if (target.type === 'collection') {
      this.resources.check(principal, target, 'read');
      base = target;
      metas = await this.candidates(snapshot, target.collection, indexableRange(filter));
    } else return [];
    const options = { defaultTimezone, maxInstances: this.ctx.limits.maxInstances };
    const matches: QueryMatch[] = [];
    const plain = isPlainEventRange(filter);
    for (const [i, meta] of metas.entries()) {
      if (i % PREFETCH_CHUNK === 0) await this.prefetch(snapshot, base, metas.slice(i, i + PREFETCH_CHUNK).filter((m) => !(plain && 'decided' in m && m.decided && m.componentType === 'VEVENT')));
      if (plain && 'decided' in meta && meta.decided && meta.componentType === 'VEVENT') {
        // Design.md: only objects the index cannot decide are parsed.
        if (meta.hit) matches.push({ resource: { type: 'object', path: base.path + meta.name, collection: base.collection, object: meta, access: base.access }, calendar: null });
        continue;
      }
      const match = await this.load(snapshot, base, meta);
      if (matchesCalendarFilter(match.calendar, filter, options)) matches.push(match);
    }
    return matches;
  }

  /** Objects about to be loaded one by one: their texts in one round trip where that matters. */
  private prefetch(snapshot: Snapshot, base: CollectionView, metas: ObjectMeta[]): Promise<void> {
    return this.resources.prefetch(snapshot, metas.map((m) => ({ type: 'object' as const, path: base.path + m.name, collection: base.collection, object: m, access: base.access })));
  }

  /** One VFREEBUSY for the calendar over [start, end) (RFC 4791 §7.10), from index candidates only. */
  async freeBusy(snapshot: Snapshot, principal: Principal, target: Resource, range: { start: number; end: number }, defaultTimezone?: string): Promise<string> {
    if (target.type !== 'collection') return toVfreebusy(busyPeriods([], range, { maxInstances: 1 }), range, { now: this.ctx.now() });
    this.resources.check(principal, target, 'read-free-busy');
    // Busy time only: the whole object is read, but nothing of it but its periods leaves here.
    const view: CollectionView = { path: target.path, collection: target.collection, access: { ...target.access, redact: false } };
    // Objects the index decides give their busy time straight from their instance spans; only the rest are parsed.
    const indexed = await this.resources.busySpans(snapshot, target.collection, range.start, range.end);
    const calendars: Component[] = [];
    const toParse = (await this.candidates(snapshot, target.collection, range)).filter((meta) => !indexed.decided.has(meta.name));
    for (const [i, meta] of toParse.entries()) {
      if (i % PREFETCH_CHUNK === 0) await this.prefetch(snapshot, view, toParse.slice(i, i + PREFETCH_CHUNK));
      calendars.push((await this.load(snapshot, view, meta)).calendar);
    }
    const parsed = busyPeriods(calendars, range, { defaultTimezone, maxInstances: this.ctx.limits.maxInstances });
    const busy = {
      busy: merge([...parsed.busy, ...indexed.spans.filter((x) => !x.tentative)], range),
      tentative: merge([...parsed.tentative, ...indexed.spans.filter((x) => x.tentative)], range),
      unavailable: parsed.unavailable,
    };
    return toVfreebusy(busy, range, { now: this.ctx.now() });
  }
}
