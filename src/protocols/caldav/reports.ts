/**
 * CalDAV REPORTs (RFC 4791 §7.8–7.9): calendar-multiget and calendar-query; the requested
 * CALDAV:calendar-data is served through the shared DAV:response builder.
 */
import { ReefknotError } from '../../domain/errors.js';
import type { Resource } from '../../services/resources.js';
import type { DavContext, DavProtocol, ReportHandler } from '../dav/handler.js';
import type { DavResponse } from '../dav/http-types.js';
import { multistatus } from '../dav/multistatus.js';
import { statusLine, type ExtraProperty, type PropRequest } from '../dav/propfind.js';
import { child, el, elements, NS, textOf, type XmlElement } from '../dav/xml.js';
import { runCalendarQuery } from './query-report.js';

const isCalendarCollection = (r: Resource): boolean => r.type === 'collection' && r.collection.kind === 'calendar';
const inCalendar = (r: Resource): boolean => isCalendarCollection(r) || (r.type === 'object' && r.collection.kind === 'calendar');

export function propRequestOf(root: XmlElement): PropRequest {
  const prop = child(root, NS.DAV, 'prop');
  if (prop) return { kind: 'prop', props: elements(prop) };
  if (child(root, NS.DAV, 'propname')) return { kind: 'propname' };
  return { kind: 'allprop', include: [] };
}

/** CALDAV:calendar-data for calendar objects; the full stored text. */
export function calendarDataProperty(ctx: DavContext, dav: DavProtocol): ExtraProperty {
  return async (r, requested) => {
    if (requested.ns !== NS.CALDAV || requested.name !== 'calendar-data') return undefined;
    if (r.type !== 'object' || r.collection.kind !== 'calendar') return null;
    const row = await dav.deps.content.resources.content(ctx.snapshot, r);
    return [row.content.toString('utf8')];
  };
}

async function multiget(root: XmlElement, target: Resource, ctx: DavContext, dav: DavProtocol): Promise<DavResponse> {
  const request = propRequestOf(root);
  const hrefs = elements(root, NS.DAV, 'href').map((h) => textOf(h).trim());
  if (hrefs.length === 0) throw new ReefknotError('bad-request', 'calendar-multiget needs at least one DAV:href');
  const extra = calendarDataProperty(ctx, dav);
  const responses: XmlElement[] = [];
  for (const href of hrefs) {
    const status = (code: number): XmlElement => el(NS.DAV, 'response', [el(NS.DAV, 'href', [href]), el(NS.DAV, 'status', [statusLine(code)])]);
    let r: Resource | null;
    try {
      const path = dav.deps.hrefs.fromHref(href);
      if (!path.startsWith(target.path)) {
        responses.push(status(404));
        continue;
      }
      r = await dav.deps.content.resources.resolve(ctx.snapshot, ctx.principal, path);
    } catch (e) {
      if (e instanceof ReefknotError && (e.kind === 'forbidden' || e.kind === 'bad-request')) {
        responses.push(status(e.kind === 'forbidden' ? 403 : 404));
        continue;
      }
      throw e;
    }
    if (!r) responses.push(status(404));
    else responses.push(await dav.propfind.response(r, request, ctx, extra));
  }
  return multistatus(responses);
}

export function caldavReports(): ReportHandler[] {
  return [
    { ns: NS.CALDAV, name: 'calendar-multiget', appliesTo: inCalendar, run: multiget },
    { ns: NS.CALDAV, name: 'calendar-query', appliesTo: inCalendar, run: runCalendarQuery },
  ];
}
