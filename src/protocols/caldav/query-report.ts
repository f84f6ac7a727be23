/** calendar-query REPORT (RFC 4791 §7.8): the objects of a calendar that match a filter. */
import ICAL from 'ical.js';
import { InvalidFilterError, matchesCalendarFilter } from '../../domain/query/evaluate.js';
import type { Resource } from '../../services/resources.js';
import type { DavContext, DavProtocol } from '../dav/handler.js';
import type { DavResponse } from '../dav/http-types.js';
import { multistatus } from '../dav/multistatus.js';
import { child, NS, textOf, type XmlElement } from '../dav/xml.js';
import { invalidFilter, parseFilter } from './filter-xml.js';
import { calendarDataProperty, propRequestOf } from './reports.js';

async function calendarTimezone(target: Resource, ctx: DavContext, dav: DavProtocol, root: XmlElement): Promise<string | undefined> {
  const inRequest = child(root, NS.CALDAV, 'timezone');
  if (inRequest) return textOf(inRequest);
  const collection = target.type === 'collection' ? target : target.type === 'object' ? { ...target, type: 'collection' as const, path: target.collection.path } : null;
  if (!collection) return undefined;
  const dead = await dav.deps.content.resources.deadProperties(ctx.snapshot, collection);
  const tz = dead.find((d) => d.ns === NS.CALDAV && d.name === 'calendar-timezone');
  return tz ? textOf(JSON.parse(tz.value) as XmlElement) : undefined;
}

export async function runCalendarQuery(root: XmlElement, target: Resource, ctx: DavContext, dav: DavProtocol): Promise<DavResponse> {
  const filter = parseFilter(child(root, NS.CALDAV, 'filter'));
  const request = propRequestOf(root);
  const defaultTimezone = await calendarTimezone(target, ctx, dav, root);
  const candidates: Resource[] = target.type === 'object' ? [target] : await dav.deps.content.resources.children(ctx.snapshot, ctx.principal, target);
  const extra = calendarDataProperty(ctx, dav);
  const responses: XmlElement[] = [];
  for (const r of candidates) {
    if (r.type !== 'object') continue;
    const row = await dav.deps.content.resources.content(ctx.snapshot, r);
    const calendar = new ICAL.Component(ICAL.parse(row.content.toString('utf8')) as unknown[]);
    let matched: boolean;
    try {
      matched = matchesCalendarFilter(calendar, filter, { defaultTimezone, maxInstances: ctx.limits.maxInstances });
    } catch (e) {
      if (e instanceof InvalidFilterError) throw invalidFilter(e.message);
      throw e;
    }
    if (matched) responses.push(await dav.propfind.response(r, request, ctx, extra));
  }
  return multistatus(responses);
}
