/**
 * free-busy-query REPORT (RFC 4791 §7.10): the busy time of a calendar over a range, as one
 * VFREEBUSY (200 text/calendar), from the objects the time index names.
 */
import { ReefknotError } from '../../domain/errors.js';
import type { CalendarQueryService } from '../../services/calendar-query.js';
import type { Resource } from '../../services/resources.js';
import type { DavContext } from '../dav/handler.js';
import type { DavResponse } from '../dav/http-types.js';
import { child, NS, type XmlElement } from '../dav/xml.js';
import { parseTimeRange } from './filter-xml.js';
import { floatingTimezone } from './query-report.js';

export async function runFreeBusyQuery(root: XmlElement, target: Resource, ctx: DavContext, queries: CalendarQueryService): Promise<DavResponse> {
  const range = parseTimeRange(child(root, NS.CALDAV, 'time-range'));
  if (!range || range.start === null || range.end === null) {
    throw new ReefknotError('bad-request', 'free-busy-query needs a CALDAV:time-range with start and end (RFC 4791 §7.10)');
  }
  if (target.type !== 'collection') throw new ReefknotError('bad-request', 'free-busy-query applies to a calendar collection');
  const span = { start: range.start, end: range.end };
  const defaultTimezone = await floatingTimezone(target, ctx, root);
  return {
    status: 200,
    headers: { 'content-type': 'text/calendar; charset=utf-8' },
    body: await queries.freeBusy(ctx.snapshot, ctx.principal, target, span, defaultTimezone),
  };
}
