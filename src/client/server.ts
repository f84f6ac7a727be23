/**
 * The profile's CalDAV server as the client uses it: the calendar collection (configured, or
 * discovered once and remembered), sync, and busy time for a person through the scheduling
 * outbox (RFC 6638 §5: POST of a VFREEBUSY REQUEST, RFC 5546 §3.3.2; answers in a
 * CALDAV:schedule-response, RFC 6638 §10.1).
 */
import { randomUUID } from 'node:crypto';
import { freeBusyRequest, parseFreeBusyReply, processMessage, type BusyPeriod, type ItipMessage } from '../domain/itip/index.js';
import { describeItip } from '../domain/imip/describe.js';
import { CalDavClient } from './caldav.js';
import { mainComponent, parseCalendar } from './ical-util.js';
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

export interface SyncOptions {
  prefer?: Prefer;
  /** Read the server's changes by ctag and ETags even where it offers sync-collection. */
  etags?: boolean;
  progress?: (done: number, total: number) => void;
}

/** Two-way sync of the calendar, then the server's scheduling inbox read into the local inbox. */
export async function syncWithServer(c: CalendarClient, o: SyncOptions = {}): Promise<SyncReport & { inbox: number }> {
  const dav = davClient(c);
  const collection = await calendarUrl(c, dav);
  const report = await new Syncer(c, dav, collection, o.prefer, o.progress, o.etags ?? false).run();
  const before = c.store.list(true).filter((x) => x.dirty).length;
  const inbox = await readServerInbox(c, dav);
  if (c.store.list(true).filter((x) => x.dirty).length === before) return { ...report, inbox };
  const again = await new Syncer(c, dav, collection, o.prefer, undefined, o.etags ?? false).run();
  return { ...again, pulled: report.pulled + again.pulled, pushed: report.pushed + again.pushed, deletedHere: report.deletedHere + again.deletedHere, deletedThere: report.deletedThere + again.deletedThere, resolved: [...report.resolved, ...again.resolved], inbox };
}

const ORGANIZER_METHODS = new Set(['PUBLISH', 'REQUEST', 'ADD', 'CANCEL', 'DECLINECOUNTER']);

/**
 * The messages the server delivered to the user's scheduling inbox (RFC 6638 §4: REQUEST,
 * REPLY, COUNTER, DECLINECOUNTER, …) copied into the local inbox, each once (its href is its
 * Message-ID). The server has already applied them to the calendar (§3.2), so nothing is applied
 * here; the items stay on the server for the user's other clients. Returns how many were new.
 */
export async function readServerInbox(c: CalendarClient, dav: CalDavClient): Promise<number> {
  const { inbox } = await dav.schedulingUrls().catch(() => ({ inbox: null }));
  if (!inbox) return 0;
  let added = 0;
  for (const r of await dav.etags(inbox)) {
    const id = `server-inbox:${r.href}`;
    if (c.store.hasMessage(id)) continue;
    const got = await dav.get(r.href);
    if (!got) continue;
    let root;
    try {
      root = parseCalendar(got.text);
    } catch {
      continue;
    }
    const method = String(root.getFirstPropertyValue('method') ?? '').toUpperCase();
    const comp = mainComponent(root);
    const uid = String(comp.getFirstPropertyValue('uid') ?? '');
    const bare = (v: unknown): string => String(v ?? '').replace(/^mailto:/i, '').toLowerCase();
    const organizer = bare(comp.getFirstPropertyValue('organizer'));
    // The server keeps no originator with the item: for an answer it is the one attendee who is not
    // the organizer; with several, it is unknown (decline-counter then asks for --from).
    const others = comp.getAllProperties('attendee').map((p) => bare(p.getFirstValue())).filter((a) => a !== organizer);
    const sender = ORGANIZER_METHODS.has(method) ? organizer : others.length === 1 ? (others[0] ?? '') : '';
    if (!c.store.addInbox({ received: c.now().toISOString(), method, uid, sender, ical: got.text, state: 'new', description: describeServerItem(c, got.text, uid) }, id)) continue;
    added++;
    if (method === 'REQUEST') storeDelegatedInvitation(c, got.text, uid);
  }
  return added;
}

/**
 * A delegate's invitation (RFC 5546 §3.2.2.3) that the server put in the inbox but not in the
 * calendar: the client stores it from the inbox item, as a client of a server without automatic
 * processing would, and the next sync puts it in the calendar. Only for a delegate (DELEGATED-FROM
 * on the user's line) and only when no copy exists, so nothing the server made is overwritten.
 */
function storeDelegatedInvitation(c: CalendarClient, ical: string, uid: string): void {
  if (c.store.get(uid)) return;
  const comp = mainComponent(parseCalendar(ical));
  const mine = comp.getAllProperties('attendee').find((p) => c.me.includes(String(p.getFirstValue()).toLowerCase()) && p.getParameter('delegated-from'));
  if (!mine) return;
  const r = processMessage({ message: ical, recipientAddress: String(mine.getFirstValue()).toLowerCase(), existingCopy: null, now: c.now() });
  if (r.newCopy) c.store.saveLocal(uid, r.newCopy, c.isLocalOnly(r.newCopy));
}

/** What the message says about the local copy, as the iTIP engine puts it (nothing is applied). */
function describeServerItem(c: CalendarClient, ical: string, uid: string): string {
  const copy = c.store.get(uid);
  try {
    const r = processMessage({ message: ical, recipientAddress: c.me[0] ?? '', existingCopy: copy && !copy.deleted ? copy.ical : null, now: c.now() });
    if (r.outcome !== 'rejected' && r.outcome !== 'ignored') return r.description;
  } catch {
    // fall through to the plain sentence
  }
  return describeItip(ical).ask;
}

/**
 * An explicit iTIP message (COUNTER, DECLINECOUNTER, …) POSTed to the user's outbox for the
 * server to deliver (docs/scheduling.md "The outbox (POST)"); a recipient refused is an error.
 */
export async function postItip(c: CalendarClient, m: ItipMessage): Promise<string> {
  const dav = davClient(c);
  const xml = await dav.outboxPost(m.ical, m.originator, m.recipients);
  const results = children(parseXml(xml), CALDAV, 'response').map((r) => ({
    who: textOf(find(child(r, CALDAV, 'recipient'), DAV, 'href')).replace(/^mailto:/i, ''),
    status: textOf(child(r, CALDAV, 'request-status')),
  }));
  const refused = results.filter((r) => !/^[12]\./.test(r.status));
  if (refused.length) throw new ClientError(`the server did not deliver the ${m.method}: ${refused.map((r) => `${r.who} (${r.status})`).join(', ')}`);
  return `sent ${m.method} to ${results.map((r) => r.who).join(', ')} through the server`;
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
