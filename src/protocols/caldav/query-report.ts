/** calendar-query REPORT (RFC 4791 §7.8): the objects of a calendar that match a filter. */
import { InvalidFilterError } from '../../domain/query/evaluate.js';
import type { CalendarQueryService, Component } from '../../services/calendar-query.js';
import type { Resource } from '../../services/resources.js';
import type { DavContext, DavProtocol } from '../dav/handler.js';
import type { DavResponse } from '../dav/http-types.js';
import { multistatus } from '../dav/multistatus.js';
import { child, NS, textOf, type XmlElement } from '../dav/xml.js';
import { calendarDataProperty } from './calendar-data.js';
import { invalidFilter, parseFilter } from './filter-xml.js';
import { propRequestOf } from './reports.js';

/** The zone for floating times: the request's CALDAV:timezone, else the calendar's calendar-timezone. */
export async function floatingTimezone(target: Resource, ctx: DavContext, root: XmlElement): Promise<string | undefined> {
  const inRequest = child(root, NS.CALDAV, 'timezone');
  if (inRequest) return textOf(inRequest);
  if (target.type !== 'collection' && target.type !== 'object') return undefined;
  const collection: Resource = { type: 'collection', path: target.collection.path, collection: target.collection, access: target.access };
  const dead = await ctx.resources.deadProperties(ctx.snapshot, collection);
  const tz = dead.find((d) => d.ns === NS.CALDAV && d.name === 'calendar-timezone');
  return tz ? textOf(JSON.parse(tz.value) as XmlElement) : undefined;
}

export async function runCalendarQuery(root: XmlElement, target: Resource, ctx: DavContext, dav: DavProtocol, queries: CalendarQueryService): Promise<DavResponse> {
  const filter = parseFilter(child(root, NS.CALDAV, 'filter'));
  const request = propRequestOf(root);
  const defaultTimezone = await floatingTimezone(target, ctx, root);
  let matches;
  try {
    matches = await queries.query(ctx.snapshot, ctx.principal, target, filter, defaultTimezone);
  } catch (e) {
    if (e instanceof InvalidFilterError) throw invalidFilter(e.message);
    throw e;
  }
  const parsed = new Map<string, Component>(matches.flatMap((m): [string, Component][] => (m.calendar ? [[m.resource.path, m.calendar]] : [])));
  // Calendar data is the stored text of every match: fetched in one go rather than one by one.
  if (request.kind !== 'prop' || request.props.some((p) => p.ns === NS.CALDAV && p.name === 'calendar-data')) {
    await ctx.resources.prefetch(ctx.snapshot, matches.map((m) => m.resource));
  }
  const extra = calendarDataProperty(ctx, queries, parsed, defaultTimezone);
  const responses: XmlElement[] = [];
  for (const m of matches) responses.push(await dav.propfind.response(m.resource, request, ctx, extra));
  return multistatus(responses);
}
