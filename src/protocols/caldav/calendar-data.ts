/**
 * CALDAV:calendar-data in REPORT requests (RFC 4791 §9.6): the whole stored text, or a partial
 * view (comp/prop/allprop/allcomp), expanded instances (§9.6.5), or a limited recurrence or
 * free-busy set (§9.6.6–9.6.7). Stored text is parsed only when a view asks for it.
 */
import { ReefknotError } from '../../domain/errors.js';
import { selectCalendarData, type CompSpec } from '../../domain/query/partial.js';
import { expandCalendarData, limitFreebusySet, limitRecurrenceSet } from '../../domain/recurrence/expand.js';
import type { CalendarQueryService, Component } from '../../services/calendar-query.js';
import type { Resource } from '../../services/resources.js';
import { DavError } from '../dav/errors.js';
import type { DavContext } from '../dav/handler.js';
import type { ExtraProperty } from '../dav/propfind.js';
import { child, elements, NS, type XmlElement } from '../dav/xml.js';
import { parseUtc } from './filter-xml.js';

interface DataSpec {
  comp: CompSpec | null;
  transform: { kind: 'expand' | 'limit-recurrence-set' | 'limit-freebusy-set'; start: number; end: number } | null;
}

function parseComp(e: XmlElement): CompSpec {
  const name = e.attrs.name;
  if (!name) throw new ReefknotError('bad-request', 'CALDAV:comp needs a name attribute');
  return {
    name,
    allProps: child(e, NS.CALDAV, 'allprop') !== undefined || elements(e, NS.CALDAV, 'prop').length === 0,
    props: elements(e, NS.CALDAV, 'prop').map((p) => ({ name: p.attrs.name ?? '', novalue: p.attrs.novalue === 'yes' })),
    allComps: child(e, NS.CALDAV, 'allcomp') !== undefined || elements(e, NS.CALDAV, 'comp').length === 0,
    comps: elements(e, NS.CALDAV, 'comp').map(parseComp),
  };
}

function parseRange(e: XmlElement, what: string): { start: number; end: number } {
  if (e.attrs.start === undefined || e.attrs.end === undefined) throw new ReefknotError('bad-request', `CALDAV:${what} needs start and end`);
  const start = parseUtc(e.attrs.start);
  const end = parseUtc(e.attrs.end);
  if (end <= start) throw new ReefknotError('bad-request', `CALDAV:${what} must end after it starts`);
  return { start, end };
}

export function parseDataSpec(e: XmlElement): DataSpec {
  const type = e.attrs['content-type'] ?? 'text/calendar';
  const version = e.attrs.version ?? '2.0';
  if (type !== 'text/calendar' || version !== '2.0') {
    throw new DavError(403, `Calendar data is available as text/calendar 2.0 only, not ${type} ${version}`, { ns: NS.CALDAV, name: 'supported-calendar-data' });
  }
  const comp = child(e, NS.CALDAV, 'comp');
  let transform: DataSpec['transform'] = null;
  for (const kind of ['expand', 'limit-recurrence-set', 'limit-freebusy-set'] as const) {
    const t = child(e, NS.CALDAV, kind);
    if (t) transform = { kind, ...parseRange(t, kind) };
  }
  if (comp && (comp.attrs.name ?? '').toUpperCase() !== 'VCALENDAR') throw new ReefknotError('bad-request', 'The top CALDAV:comp must name VCALENDAR');
  return { comp: comp ? parseComp(comp) : null, transform };
}

/**
 * The CALDAV:calendar-data property for REPORT responses. `parsed` holds objects the report has
 * already parsed (calendar-query), so no object is parsed twice.
 */
export function calendarDataProperty(ctx: DavContext, queries: CalendarQueryService, parsed = new Map<string, Component>(), defaultTimezone?: string): ExtraProperty {
  return async (r: Resource, requested: XmlElement) => {
    if (requested.ns !== NS.CALDAV || requested.name !== 'calendar-data') return undefined;
    if (r.type !== 'object' || (r.collection.kind !== 'calendar' && r.collection.kind !== 'inbox')) return null;
    const spec = parseDataSpec(requested);
    if (!spec.comp && !spec.transform) return [await ctx.resources.visibleText(ctx.snapshot, r)];
    const calendar = parsed.get(r.path) ?? queries.parse(await ctx.resources.visibleText(ctx.snapshot, r));
    const options = { defaultTimezone, maxInstances: ctx.limits.maxInstances };
    let text: string | null = null;
    if (spec.transform?.kind === 'expand') text = expandCalendarData(calendar, spec.transform, options);
    else if (spec.transform?.kind === 'limit-recurrence-set') text = limitRecurrenceSet(calendar, spec.transform, options);
    else if (spec.transform?.kind === 'limit-freebusy-set') text = limitFreebusySet(calendar, spec.transform, options);
    if (spec.comp) return [selectCalendarData(text === null ? calendar : queries.parse(text), spec.comp)];
    return [text ?? ''];
  };
}
