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
  const responses: XmlElement[] = [];
  for (const href of hrefs) {
    const status = (code: number): XmlElement => el(NS.DAV, 'response', [el(NS.DAV, 'href', [href]), el(NS.DAV, 'status', [statusLine(code)])]);
    let r: Resource | null;
    try {
      const path = dav.deps.hrefs.fromHref(href);
      r = path.startsWith(target.path) ? await ctx.resources.resolve(ctx.snapshot, ctx.principal, path) : null;
    } catch (e) {
      if (e instanceof ReefknotError && (e.kind === 'forbidden' || e.kind === 'bad-request')) {
        responses.push(status(e.kind === 'forbidden' ? 403 : 404));
        continue;
      }
      throw e;
    }
    responses.push(r ? await dav.propfind.response(r, request, ctx, extra) : status(404));
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
