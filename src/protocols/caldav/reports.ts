/**
 * CalDAV REPORTs (RFC 4791 §7.8–7.10): calendar-multiget, calendar-query and free-busy-query;
 * requested CALDAV:calendar-data is served through the shared DAV:response builder.
 */
import { ReefknotError } from '../../domain/errors.js';
import type { CalendarQueryService } from '../../services/calendar-query.js';
import type { Resource } from '../../services/resources.js';
import type { DavContext, DavProtocol, ReportHandler } from '../dav/handler.js';
import type { DavResponse } from '../dav/http-types.js';
import { multistatus } from '../dav/multistatus.js';
import { statusLine, type PropRequest } from '../dav/propfind.js';
import { child, el, elements, NS, textOf, type XmlElement } from '../dav/xml.js';
import { calendarDataProperty } from './calendar-data.js';
import { runFreeBusyQuery } from './freebusy-report.js';
import { runCalendarQuery } from './query-report.js';

const isCalendarCollection = (r: Resource): boolean => r.type === 'collection' && r.collection.kind === 'calendar';
const SCHEDULING = ['inbox'];
const inCalendar = (r: Resource): boolean =>
  isCalendarCollection(r) || (r.type === 'collection' && SCHEDULING.includes(r.collection.kind)) || (r.type === 'object' && (r.collection.kind === 'calendar' || SCHEDULING.includes(r.collection.kind)));

export function propRequestOf(root: XmlElement): PropRequest {
  const prop = child(root, NS.DAV, 'prop');
  if (prop) return { kind: 'prop', props: elements(prop) };
  if (child(root, NS.DAV, 'propname')) return { kind: 'propname' };
  return { kind: 'allprop', include: [] };
}

async function multiget(root: XmlElement, target: Resource, ctx: DavContext, dav: DavProtocol, queries: CalendarQueryService): Promise<DavResponse> {
  const request = propRequestOf(root);
  const hrefs = elements(root, NS.DAV, 'href').map((h) => textOf(h).trim());
  if (hrefs.length === 0) throw new ReefknotError('bad-request', 'calendar-multiget needs at least one DAV:href');
  const extra = calendarDataProperty(ctx, queries);
  // Resolve every href first, so the calendar data of all found objects is fetched in one go.
  const found: { href: string; resource: Resource | null; refused?: number }[] = [];
  for (const href of hrefs) {
    try {
      const path = dav.deps.hrefs.fromHref(href);
      found.push({ href, resource: path.startsWith(target.path) ? await ctx.resources.resolve(ctx.snapshot, ctx.principal, path) : null });
    } catch (e) {
      if (e instanceof ReefknotError && (e.kind === 'forbidden' || e.kind === 'bad-request')) {
        found.push({ href, resource: null, refused: e.kind === 'forbidden' ? 403 : 404 });
        continue;
      }
      throw e;
    }
  }
  if (request.kind !== 'prop' || request.props.some((p) => p.ns === NS.CALDAV && p.name === 'calendar-data')) {
    await ctx.resources.prefetch(ctx.snapshot, found.flatMap((f) => (f.resource ? [f.resource] : [])));
  }
  const responses: XmlElement[] = [];
  for (const { href, resource, refused } of found) {
    if (resource) responses.push(await dav.propfind.response(resource, request, ctx, extra));
    else responses.push(el(NS.DAV, 'response', [el(NS.DAV, 'href', [href]), el(NS.DAV, 'status', [statusLine(refused ?? 404)])]));
  }
  return multistatus(responses);
}

export function caldavReports(queries: CalendarQueryService): ReportHandler[] {
  return [
    { ns: NS.CALDAV, name: 'calendar-multiget', appliesTo: inCalendar, run: (root, t, ctx, dav) => multiget(root, t, ctx, dav, queries) },
    { ns: NS.CALDAV, name: 'calendar-query', appliesTo: inCalendar, run: (root, t, ctx, dav) => runCalendarQuery(root, t, ctx, dav, queries) },
    { ns: NS.CALDAV, name: 'free-busy-query', appliesTo: inCalendar, run: (root, t, ctx) => runFreeBusyQuery(root, t, ctx, queries) },
  ];
}
