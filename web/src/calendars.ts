/**
 * Calendar operations over the DAV client: the calendars of the user's home (own and shared),
 * events of a range (calendar-query with expand), settings (MKCALENDAR, PROPPATCH, DELETE),
 * sharing (CalendarServer CS:share, invite replies) and finding people (principal search).
 */
import ICAL from 'ical.js';
import { child, DavClient, NS, prop, textOf, xml as xmlOf, type DavResponse, type XNode } from './caldav';

export interface CalendarInfo {
  href: string;
  name: string;
  color: string;
  components: string[];
  writable: boolean;
  /** 'own', or 'shared' when another user's calendar is bound into this home. */
  kind: 'own' | 'shared';
  ownerHref: string;
  sharees: Array<{ address: string; name: string; access: string; status: string }>;
}

export interface EventInstance {
  calendar: string;
  href: string;
  etag: string;
  uid: string;
  /** The instance's RECURRENCE-ID in UTC (ISO), or null for a single event. */
  recurrenceId: string | null;
  summary: string;
  location: string;
  start: string;
  end: string;
  allDay: boolean;
  attendees: number;
}

const PALETTE = ['#0b5cad', '#b3261e', '#1e7d32', '#8a4baf', '#a35200', '#00727a', '#5d6b00'];

/** Apple's colour property is #RRGGBB or #RRGGBBAA; the page wants #RRGGBB. */
export function normaliseColor(value: string, index: number): string {
  const m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(value.trim());
  return m ? `#${m[1]!.toLowerCase()}` : (PALETTE[index % PALETTE.length] ?? '#0b5cad');
}

const CAL_PROPS: Array<[string, string]> = [
  [NS.D, 'resourcetype'], [NS.D, 'displayname'], [NS.A, 'calendar-color'], [NS.C, 'supported-calendar-component-set'],
  [NS.D, 'current-user-privilege-set'], [NS.CS, 'invite'], [NS.D, 'owner'],
];

function privileges(r: DavResponse): Set<string> {
  const set = new Set<string>();
  for (const p of Array.from(prop(r, NS.D, 'current-user-privilege-set')?.getElementsByTagNameNS(NS.D, 'privilege') ?? [])) {
    for (const c of Array.from(p.children)) set.add(c.localName);
  }
  return set;
}

function sharees(r: DavResponse): CalendarInfo['sharees'] {
  const invite = prop(r, NS.CS, 'invite');
  return Array.from(invite?.getElementsByTagNameNS(NS.CS, 'user') ?? []).map((u) => {
    const access = child(u, NS.CS, 'access');
    const status = Array.from(u.children).find((c) => c.localName.startsWith('invite-'))?.localName.replace('invite-', '') ?? '';
    return {
      address: textOf(child(u, NS.D, 'href')).replace(/^mailto:/i, ''), name: textOf(child(u, NS.CS, 'common-name')),
      access: access?.getElementsByTagNameNS(NS.CS, 'read-write').length ? 'read-write' : 'read', status,
    };
  });
}

export async function listCalendars(dav: DavClient): Promise<CalendarInfo[]> {
  const responses = await dav.propfind(dav.session.home, CAL_PROPS, '1');
  const out: CalendarInfo[] = [];
  responses.forEach((r, i) => {
    const type = prop(r, NS.D, 'resourcetype');
    if (!type || type.getElementsByTagNameNS(NS.C, 'calendar').length === 0) return;
    const comps = Array.from(prop(r, NS.C, 'supported-calendar-component-set')?.getElementsByTagNameNS(NS.C, 'comp') ?? []).map((c) => c.getAttribute('name') ?? '');
    const priv = privileges(r);
    out.push({
      href: r.href, name: textOf(prop(r, NS.D, 'displayname')) || decodeURIComponent(r.href.split('/').filter(Boolean).pop() ?? ''),
      color: normaliseColor(textOf(prop(r, NS.A, 'calendar-color')), i), components: comps.length ? comps : ['VEVENT'],
      writable: priv.has('all') || priv.has('write') || priv.has('write-content'),
      kind: type.getElementsByTagNameNS(NS.CS, 'shared').length > 0 ? 'shared' : 'own',
      ownerHref: textOf(child(prop(r, NS.D, 'owner'), NS.D, 'href')), sharees: sharees(r),
    });
  });
  return out;
}

const utcStamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

function timeToIso(t: ICAL.Time): { iso: string; date: boolean } {
  if (t.isDate) return { iso: `${t.year}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`, date: true };
  return { iso: t.toJSDate().toISOString(), date: false };
}

function instancesOf(r: DavResponse, calendar: string): EventInstance[] {
  const data = textOf(prop(r, NS.C, 'calendar-data'));
  if (!data) return [];
  const etag = textOf(prop(r, NS.D, 'getetag'));
  const vcal = new ICAL.Component(ICAL.parse(data));
  return vcal.getAllSubcomponents('vevent').map((ve) => {
    const ev = new ICAL.Event(ve);
    const start = timeToIso(ev.startDate);
    const endTime = ev.endDate ?? ev.startDate;
    const rid = ve.getFirstPropertyValue('recurrence-id');
    return {
      calendar, href: r.href, etag, uid: ev.uid, recurrenceId: rid instanceof ICAL.Time ? timeToIso(rid).iso : null,
      summary: ev.summary ?? '', location: ev.location ?? '', start: start.iso, end: timeToIso(endTime).iso, allDay: start.date,
      attendees: ev.attendees.length,
    };
  });
}

/** The events of one calendar between two instants, recurring ones expanded (RFC 4791 §9.6.5). */
export async function eventsBetween(dav: DavClient, calendar: string, start: Date, end: Date): Promise<EventInstance[]> {
  const range = { start: utcStamp(start), end: utcStamp(end) };
  const body: XNode = [NS.C, 'calendar-query',
    [NS.D, 'prop', [NS.D, 'getetag'], [NS.C, 'calendar-data', [NS.C, 'expand', range]]],
    [NS.C, 'filter', [NS.C, 'comp-filter', { name: 'VCALENDAR' }, [NS.C, 'comp-filter', { name: 'VEVENT' }, [NS.C, 'time-range', range]]]]];
  const responses = await dav.report(calendar, body, '1');
  return responses.flatMap((r) => instancesOf(r, calendar));
}

export interface TaskItem {
  calendar: string;
  href: string;
  uid: string;
  summary: string;
  description: string;
  /** When it is due: DUE, else DTSTART plus DURATION, else DTSTART (ISO; a date for all-day). */
  due: string;
  allDay: boolean;
  status: string;
  done: boolean;
}

function tasksOf(r: DavResponse, calendar: string): TaskItem[] {
  const data = textOf(prop(r, NS.C, 'calendar-data'));
  if (!data) return [];
  const vcal = new ICAL.Component(ICAL.parse(data));
  return vcal.getAllSubcomponents('vtodo').flatMap((td) => {
    let due = td.getFirstPropertyValue('due');
    const start = td.getFirstPropertyValue('dtstart');
    const duration = td.getFirstPropertyValue('duration');
    if (!(due instanceof ICAL.Time) && start instanceof ICAL.Time) {
      due = start.clone();
      if (duration instanceof ICAL.Duration) (due as ICAL.Time).addDuration(duration);
    }
    if (!(due instanceof ICAL.Time)) return [];
    const when = timeToIso(due);
    const status = String(td.getFirstPropertyValue('status') ?? 'NEEDS-ACTION').toUpperCase();
    return [{
      calendar, href: r.href, uid: String(td.getFirstPropertyValue('uid') ?? ''), summary: String(td.getFirstPropertyValue('summary') ?? ''),
      description: String(td.getFirstPropertyValue('description') ?? ''), due: when.iso, allDay: when.date, status,
      done: status === 'COMPLETED' || td.hasProperty('completed'),
    }];
  });
}

/** The to-dos of one calendar due (or starting) between two instants, recurring ones expanded (RFC 4791 §9.9). */
export async function tasksBetween(dav: DavClient, calendar: string, start: Date, end: Date): Promise<TaskItem[]> {
  const range = { start: utcStamp(start), end: utcStamp(end) };
  const body: XNode = [NS.C, 'calendar-query',
    [NS.D, 'prop', [NS.D, 'getetag'], [NS.C, 'calendar-data', [NS.C, 'expand', range]]],
    [NS.C, 'filter', [NS.C, 'comp-filter', { name: 'VCALENDAR' }, [NS.C, 'comp-filter', { name: 'VTODO' }, [NS.C, 'time-range', range]]]]];
  const responses = await dav.report(calendar, body, '1');
  const t0 = start.getTime();
  const t1 = end.getTime();
  // A to-do without dates matches any range: only those due in the range are shown.
  return responses.flatMap((r) => tasksOf(r, calendar)).filter((t) => {
    const at = Date.parse(t.allDay ? `${t.due}T00:00:00Z` : t.due);
    return at >= t0 - (t.allDay ? 86_400_000 : 0) && at < t1;
  });
}

/** Every object of a collection with its data (calendar-query without a time range). */
export async function objectsOf(dav: DavClient, collection: string, comp = 'VEVENT'): Promise<Array<{ href: string; etag: string; data: string }>> {
  const filter: XNode = comp ? [NS.C, 'comp-filter', { name: 'VCALENDAR' }, [NS.C, 'comp-filter', { name: comp }]] : [NS.C, 'comp-filter', { name: 'VCALENDAR' }];
  const body: XNode = [NS.C, 'calendar-query', [NS.D, 'prop', [NS.D, 'getetag'], [NS.C, 'calendar-data']], [NS.C, 'filter', filter]];
  const responses = await dav.report(collection, body, '1');
  return responses.filter((r) => prop(r, NS.C, 'calendar-data')).map((r) => ({ href: r.href, etag: textOf(prop(r, NS.D, 'getetag')), data: textOf(prop(r, NS.C, 'calendar-data')) }));
}

/** The object holding a UID in a calendar, or null (calendar-query on UID, RFC 4791 §9.7.5). */
export async function findByUid(dav: DavClient, calendar: string, uid: string): Promise<{ href: string; etag: string; data: string } | null> {
  const body: XNode = [NS.C, 'calendar-query', [NS.D, 'prop', [NS.D, 'getetag'], [NS.C, 'calendar-data']],
    [NS.C, 'filter', [NS.C, 'comp-filter', { name: 'VCALENDAR' }, [NS.C, 'comp-filter', { name: 'VEVENT' },
      [NS.C, 'prop-filter', { name: 'UID' }, [NS.C, 'text-match', { collation: 'i;octet', 'match-type': 'equals' }, uid]]]]]];
  const r = (await dav.report(calendar, body, '1')).find((x) => prop(x, NS.C, 'calendar-data'));
  return r ? { href: r.href, etag: textOf(prop(r, NS.D, 'getetag')), data: textOf(prop(r, NS.C, 'calendar-data')) } : null;
}

const slug = (name: string): string => name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'calendar';

export async function createCalendar(dav: DavClient, name: string, color: string): Promise<string> {
  const href = `${dav.session.home}${slug(name)}-${Math.random().toString(36).slice(2, 7)}/`;
  const body: XNode = [NS.C, 'mkcalendar', [NS.D, 'set', [NS.D, 'prop', [NS.D, 'displayname', name], [NS.A, 'calendar-color', color],
    [NS.C, 'supported-calendar-component-set', [NS.C, 'comp', { name: 'VEVENT' }]]]]];
  await dav.request('MKCALENDAR', href, { body: xmlOf(body) });
  return href;
}


export async function updateCalendar(dav: DavClient, href: string, name: string, color: string): Promise<void> {
  const body: XNode = [NS.D, 'propertyupdate', [NS.D, 'set', [NS.D, 'prop', [NS.D, 'displayname', name], [NS.A, 'calendar-color', color]]]];
  const res = await dav.request('PROPPATCH', href, { body: xmlOf(body) });
  const text = await res.text();
  if (/HTTP\/1\.1 (4|5)\d\d/.test(text)) throw new Error('The server refused the change of name or colour.');
}

export async function deleteCalendar(dav: DavClient, href: string): Promise<void> {
  await dav.request('DELETE', href, { headers: { Depth: 'infinity' } });
}

/** CalendarServer sharing: invite (read or read-write) or remove people (by address). */
export async function share(dav: DavClient, href: string, set: Array<{ address: string; readWrite: boolean }>, remove: string[]): Promise<void> {
  const body: XNode = [NS.CS, 'share',
    ...set.map((s): XNode => [NS.CS, 'set', [NS.D, 'href', `mailto:${s.address}`], [NS.CS, s.readWrite ? 'read-write' : 'read']]),
    ...remove.map((a): XNode => [NS.CS, 'remove', [NS.D, 'href', `mailto:${a}`]])];
  await dav.request('POST', href, { body: xmlOf(body) });
}

export interface ShareInvite { href: string; uid: string; hostUrl: string; summary: string; organizer: string; access: string }

/** Sharing invitations waiting in the notification collection. */
export async function shareInvites(dav: DavClient): Promise<ShareInvite[]> {
  const notes = `${dav.session.home}notifications/`;
  const list = await dav.propfind(notes, [[NS.D, 'resourcetype'], [NS.D, 'getetag']], '1').catch(() => []);
  const out: ShareInvite[] = [];
  for (const r of list.filter((x) => x.href.endsWith('.xml'))) {
    const { text } = await dav.get(r.href);
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    const invite = doc.getElementsByTagNameNS(NS.CS, 'invite-notification')[0];
    if (!invite) continue;
    if (invite.getElementsByTagNameNS(NS.CS, 'invite-noresponse').length === 0) continue;
    const host = invite.getElementsByTagNameNS(NS.CS, 'hosturl')[0];
    const organizer = invite.getElementsByTagNameNS(NS.CS, 'organizer')[0];
    out.push({
      href: r.href, uid: textOf(invite.getElementsByTagNameNS(NS.CS, 'uid')[0]), hostUrl: textOf(child(host, NS.D, 'href')),
      summary: textOf(invite.getElementsByTagNameNS(NS.CS, 'summary')[0]),
      organizer: textOf(organizer?.getElementsByTagNameNS(NS.CS, 'common-name')[0]) || textOf(child(organizer, NS.D, 'href')).replace(/^mailto:/, ''),
      access: invite.getElementsByTagNameNS(NS.CS, 'read-write').length ? 'read and write' : 'read only',
    });
  }
  return out;
}

export async function answerShare(dav: DavClient, invite: ShareInvite, accept: boolean): Promise<void> {
  const body: XNode = [NS.CS, 'invite-reply', [NS.CS, accept ? 'invite-accepted' : 'invite-declined'],
    [NS.CS, 'hosturl', [NS.D, 'href', invite.hostUrl]], [NS.CS, 'in-reply-to', invite.uid]];
  await dav.request('POST', dav.session.home, { body: xmlOf(body) });
}

export interface Person { name: string; address: string; principal: string }

/** Address completion: principal-property-search on name or address (RFC 3744 §9.4). */
export async function searchPeople(dav: DavClient, text: string): Promise<Person[]> {
  const match = (p: XNode): XNode => [NS.D, 'property-search', [NS.D, 'prop', p], [NS.D, 'match', { 'match-type': 'contains' }, text]];
  const body: XNode = [NS.D, 'principal-property-search', { test: 'anyof' }, match([NS.D, 'displayname']), match([NS.C, 'calendar-user-address-set']),
    [NS.D, 'prop', [NS.D, 'displayname'], [NS.C, 'calendar-user-address-set']], [NS.D, 'limit', [NS.D, 'nresults', '8']]];
  const responses = await dav.report(`${dav.session.base}/principals/`, body, '0');
  return responses.flatMap((r) => {
    const set = prop(r, NS.C, 'calendar-user-address-set');
    const address = Array.from(set?.getElementsByTagNameNS(NS.D, 'href') ?? []).map((e) => textOf(e)).find((a) => /^mailto:/i.test(a));
    return address ? [{ name: textOf(prop(r, NS.D, 'displayname')) || address.slice(7), address: address.slice(7), principal: r.href }] : [];
  });
}

/** An ACE granting DAV:read to DAV:all (RFC 3744 §5.5): the calendar is published to anyone. */
function grantsPublicRead(ace: Element): boolean {
  const principal = child(ace, NS.D, 'principal');
  const grant = child(ace, NS.D, 'grant');
  return !!principal && !!child(principal, NS.D, 'all') && !!grant && Array.from(grant.getElementsByTagNameNS(NS.D, 'read')).length > 0;
}

function asNode(el: Element): XNode {
  const node: XNode = [el.namespaceURI ?? NS.D, el.localName];
  for (const c of Array.from(el.childNodes)) {
    if (c.nodeType === 1) node.push(asNode(c as Element));
    else if (c.nodeType === 3 && (c.textContent ?? '').trim()) node.push(c.textContent ?? '');
  }
  return node;
}

/** Whether anyone may read the calendar without signing in; `fixed` when the server set it (protected). */
export async function publication(dav: DavClient, href: string): Promise<{ published: boolean; fixed: boolean }> {
  const [r] = await dav.propfind(href, [[NS.D, 'acl']], '0');
  const aces = Array.from(r?.props.get(`{${NS.D}}acl`)?.getElementsByTagNameNS(NS.D, 'ace') ?? []).filter(grantsPublicRead);
  return { published: aces.length > 0, fixed: aces.some((a) => child(a, NS.D, 'protected') !== undefined) };
}

/** Publishes (or stops publishing) a calendar with the ACL method, keeping the other ACEs set by clients. */
export async function setPublished(dav: DavClient, href: string, on: boolean): Promise<void> {
  const [r] = await dav.propfind(href, [[NS.D, 'acl']], '0');
  const kept = Array.from(r?.props.get(`{${NS.D}}acl`)?.getElementsByTagNameNS(NS.D, 'ace') ?? [])
    .filter((a) => !child(a, NS.D, 'protected') && !child(a, NS.D, 'inherited') && !grantsPublicRead(a)).map(asNode);
  const publish: XNode = [NS.D, 'ace', [NS.D, 'principal', [NS.D, 'all']], [NS.D, 'grant', [NS.D, 'privilege', [NS.D, 'read']]]];
  await dav.request('ACL', href, { body: xmlOf([NS.D, 'acl', ...kept, ...(on ? [publish] : [])]) });
}
