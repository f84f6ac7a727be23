/**
 * Where busy times come from, behind one interface so the source can be switched: today a
 * free-busy-query (RFC 4791 §7.10) on calendars the user can see (their own, and others' shared
 * with them at least for free-busy); when the server advertises `calendar-auto-schedule`, a
 * VFREEBUSY request POSTed to the scheduling outbox (RFC 6638 §5), which reaches anyone.
 */
import ICAL from 'ical.js';
import { DavClient, NS, child, textOf, xml, type XNode } from './caldav';
import { searchPeople, type CalendarInfo } from './calendars';

export interface Busy { start: Date; end: Date; type: string }
/** Busy periods per address; null when the person's availability cannot be seen. */
export type BusyMap = Map<string, Busy[] | null>;

export interface FreeBusySource {
  readonly label: string;
  lookup(addresses: string[], start: Date, end: Date): Promise<BusyMap>;
}

const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

function busyFromIcs(text: string): Busy[] {
  const out: Busy[] = [];
  const vcal = new ICAL.Component(ICAL.parse(text));
  for (const fb of vcal.getAllSubcomponents('vfreebusy')) {
    for (const p of fb.getAllProperties('freebusy')) {
      const type = String(p.getParameter('fbtype') ?? 'BUSY');
      for (const v of p.getValues()) {
        if (v instanceof ICAL.Period) out.push({ start: v.start.toJSDate(), end: v.getEnd().toJSDate(), type });
      }
    }
  }
  return out;
}

/** free-busy-query on the calendars the signed-in user may read for each person. */
export class CalendarQuerySource implements FreeBusySource {
  readonly label = 'calendars shared with you';

  constructor(private readonly dav: DavClient, private readonly calendars: () => CalendarInfo[]) {}

  private async query(href: string, start: Date, end: Date): Promise<Busy[] | null> {
    const body: XNode = [NS.C, 'free-busy-query', [NS.C, 'time-range', { start: stamp(start), end: stamp(end) }]];
    try {
      const res = await this.dav.request('REPORT', href, { body: xml(body), depth: '1' });
      return busyFromIcs(await res.text());
    } catch {
      return null;
    }
  }

  private async calendarsOf(address: string): Promise<string[]> {
    const own = this.dav.session.addresses.some((a) => a.replace(/^mailto:/, '').toLowerCase() === address.toLowerCase());
    if (own) return this.calendars().filter((c) => c.kind === 'own').map((c) => c.href);
    const person = (await searchPeople(this.dav, address).catch(() => [])).find((p) => p.address.toLowerCase() === address.toLowerCase());
    if (!person) return [];
    const shared = this.calendars().filter((c) => c.kind === 'shared' && c.ownerHref === person.principal).map((c) => c.href);
    const name = person.principal.split('/').filter(Boolean).pop() ?? '';
    return shared.length ? shared : [`${this.dav.session.base}/calendars/${name}/calendar/`];
  }

  async lookup(addresses: string[], start: Date, end: Date): Promise<BusyMap> {
    const out: BusyMap = new Map();
    await Promise.all(addresses.map(async (a) => {
      const results = await Promise.all((await this.calendarsOf(a)).map((h) => this.query(h, start, end)));
      const seen = results.filter((r): r is Busy[] => r !== null);
      out.set(a, seen.length ? seen.flat() : null);
    }));
    return out;
  }
}

/** RFC 6638 §5: a VFREEBUSY REQUEST POSTed to the outbox; one answer per recipient. */
export class OutboxSource implements FreeBusySource {
  readonly label = 'the scheduling outbox';

  constructor(private readonly dav: DavClient, private readonly organizer: string) {}

  async lookup(addresses: string[], start: Date, end: Date): Promise<BusyMap> {
    const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Reefknot//Web Calendar//EN', 'METHOD:REQUEST', 'BEGIN:VFREEBUSY',
      `UID:${crypto.randomUUID()}`, `DTSTAMP:${stamp(new Date())}`, `DTSTART:${stamp(start)}`, `DTEND:${stamp(end)}`,
      `ORGANIZER:mailto:${this.organizer}`, ...addresses.map((a) => `ATTENDEE:mailto:${a}`), 'END:VFREEBUSY', 'END:VCALENDAR', ''];
    const out: BusyMap = new Map(addresses.map((a) => [a, null]));
    const res = await this.dav.request('POST', `${this.dav.session.home}outbox/`, { body: lines.join('\r\n'), headers: { 'Content-Type': 'text/calendar; charset=utf-8' } });
    const doc = new DOMParser().parseFromString(await res.text(), 'application/xml');
    for (const r of Array.from(doc.getElementsByTagNameNS(NS.C, 'response'))) {
      const who = textOf(child(child(r, NS.C, 'recipient'), NS.D, 'href')).replace(/^mailto:/i, '').toLowerCase();
      const data = textOf(child(r, NS.C, 'calendar-data'));
      const key = addresses.find((a) => a.toLowerCase() === who);
      if (key && data && textOf(child(r, NS.C, 'request-status')).startsWith('2.0')) out.set(key, busyFromIcs(data));
    }
    return out;
  }
}

/** The outbox when the server schedules (DAV: calendar-auto-schedule), else shared calendars. */
export async function chooseSource(dav: DavClient, calendars: () => CalendarInfo[], organizer: string): Promise<FreeBusySource> {
  const classes: string[] = await dav.davHeader(dav.session.home).catch((): string[] => []);
  return classes.includes('calendar-auto-schedule') ? new OutboxSource(dav, organizer) : new CalendarQuerySource(dav, calendars);
}
