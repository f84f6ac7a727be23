/** MKCALENDAR (RFC 4791 §5.3.1) and GET of a calendar collection as one feed document. */
import { joinCalendars } from '../../domain/ical/feed.js';
import type { Resource } from '../../services/resources.js';
import { createCollection } from '../dav/mkcol.js';
import type { DavContext, DavProtocol } from '../dav/handler.js';
import type { DavRequest, DavResponse } from '../dav/http-types.js';
import { textOf, type XmlElement } from '../dav/xml.js';
import { createHash } from 'node:crypto';

export function mkcalendar(req: DavRequest, dav: DavProtocol): Promise<DavResponse> {
  return createCollection(req, dav, 'MKCALENDAR');
}

export const PRODID = '-//Reefknot//Reefknot Calendar Server//EN';

/** The whole calendar as text/calendar (a feed a client can subscribe to), with an ETag of its revision. */
export async function calendarFeed(r: Resource & { type: 'collection' }, ctx: DavContext, dav: DavProtocol): Promise<DavResponse | null> {
  if (r.collection.kind !== 'calendar') return null;
  const etag = `"${createHash('sha256').update(`${r.collection.id}:${r.collection.revision}:${r.access.redact ? 'public' : 'full'}`).digest('base64url').slice(0, 22)}"`;
  const headers = { 'content-type': 'text/calendar; charset=utf-8', etag, 'last-modified': new Date(r.collection.modifiedAt).toUTCString() };
  const inm = ctx.req.headers['if-none-match'];
  if (inm !== undefined && inm.split(',').map((s) => s.trim()).includes(etag)) return { status: 304, headers };
  const texts = await ctx.resources.feedTexts(ctx.snapshot, r);
  const dead = await dav.deps.content.resources.deadProperties(ctx.snapshot, r);
  const nameProp = dead.find((d) => d.ns === 'DAV:' && d.name === 'displayname');
  const name = nameProp ? textOf(JSON.parse(nameProp.value) as XmlElement) : undefined;
  return { status: 200, headers, body: joinCalendars(texts, { prodid: PRODID, name }) };
}
