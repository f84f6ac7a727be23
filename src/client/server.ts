/**
 * The profile's CalDAV server as the client uses it: the calendar collection (configured, or
 * discovered once and remembered), sync, and busy time for a person through the scheduling
 * outbox (RFC 6638 §5: POST of a VFREEBUSY REQUEST, RFC 5546 §3.3.2; answers in a
 * CALDAV:schedule-response, RFC 6638 §10.1).
 */
import { randomUUID } from 'node:crypto';
import { freeBusyRequest, parseFreeBusyReply, type BusyPeriod } from '../domain/itip/index.js';
import { CalDavClient } from './caldav.js';
import type { CalendarClient } from './calendar.js';
import { ClientError, mailto, serverPassword } from './profile.js';
import { Syncer, type Prefer, type SyncReport } from './sync.js';
import { CALDAV, DAV, children, child, find, parseXml, textOf } from './xml.js';

export function davClient(c: CalendarClient): CalDavClient {
  const s = c.profile.server;
  if (!s) throw new ClientError('this profile has no server (cal init --server URL --user NAME --password-stdin)', 2);
  return new CalDavClient(s.url, s.user, serverPassword(c.dir));
}

export async function calendarUrl(c: CalendarClient, dav: CalDavClient): Promise<string> {
  const configured = c.profile.server?.calendarUrl ?? c.store.getMeta('calendar-url');
  if (configured) return configured.startsWith('http') ? new URL(configured).pathname : configured;
  const found = await dav.discoverCalendar();
  c.store.setMeta('calendar-url', found);
  return found;
}

export async function syncWithServer(c: CalendarClient, prefer?: Prefer, progress?: (done: number, total: number) => void): Promise<SyncReport> {
  const dav = davClient(c);
  return new Syncer(c, dav, await calendarUrl(c, dav), prefer, progress).run();
}

export interface PersonBusy {
  who: string;
  status: string;
  busy: BusyPeriod[];
}

export async function freeBusy(c: CalendarClient, person: string, start: Date, end: Date): Promise<PersonBusy[]> {
  const dav = davClient(c);
  const me = c.me[0] ?? '';
  const target = mailto(person);
  const req = freeBusyRequest({ uid: `${randomUUID()}@reefknot`, organizer: me, attendees: [target], start, end, now: c.now() });
  const xml = await dav.outboxPost(req.ical, me, [target]);
  const root = parseXml(xml);
  return children(root, CALDAV, 'response').map((r) => {
    const who = textOf(find(child(r, CALDAV, 'recipient'), DAV, 'href')) || target;
    const status = textOf(child(r, CALDAV, 'request-status'));
    const data = textOf(child(r, CALDAV, 'calendar-data'));
    return { who: who.replace(/^mailto:/i, ''), status, busy: data ? parseFreeBusyReply(data).busy : [] };
  });
}
