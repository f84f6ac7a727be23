/**
 * iTIP messages (RFC 5546) leaving over CIP, as the draft's vCalendar-style data
 * (draft-ietf-calsch-cip-00 §1.3, §2.2, §2.3): REQUEST and ADD go as SENDEVENT, CANCEL as SENDEVENT
 * with `STATUS: CANCELLED`, REPLY as RSVP. Times are sent in UTC; the ORGANIZER is the
 * `ATTENDEE;ROLE=OWNER` line; PARTSTAT becomes STATUS. Two extension lines that other servers
 * ignore: X-CIP-MESSAGE-ID (the queue's stable id, so a repeat is not applied twice) and
 * X-CIP-RECIPIENT (which attendee this copy is for, so each is delivered once).
 */
import ICAL from 'ical.js';
import { resolveTimezones, type TimezoneLookup } from '../../domain/ical/timezones.js';
import { writeProp } from './vcal-lines.js';

type Component = InstanceType<typeof ICAL.Component>;
type Property = InstanceType<typeof ICAL.Property>;

const STATUS_OF_PARTSTAT: Record<string, string> = {
  ACCEPTED: 'CONFIRMED', TENTATIVE: 'TENTATIVE', DECLINED: 'DECLINED', 'NEEDS-ACTION': 'NEEDS ACTION', DELEGATED: 'DELEGATED', COMPLETED: 'COMPLETED',
};
const TEXT = ['summary', 'description', 'location', 'comment', 'url'];
const TIMES = ['dtstart', 'dtend', 'due', 'recurrence-id'];

export interface CipCommand { command: 'SENDEVENT' | 'RSVP'; lines: string[] }

const bare = (a: string): string => a.replace(/^mailto:/i, '').toLowerCase();

function timeText(t: InstanceType<typeof ICAL.Time>): string {
  if (t.isDate) return t.toICALString();
  if (t.zone === ICAL.Timezone.localTimezone || t.zone?.tzid === 'floating') return t.toICALString();
  return `${new Date(t.toUnixTime() * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`;
}

function userLine(p: Property, owner: boolean): string[] {
  const address = bare(String(p.getFirstValue()));
  const cn = String(p.getParameter('cn') ?? '').replace(/[<>"\r\n]/g, '').trim();
  const params: [string, string][] = [['ROLE', owner ? 'OWNER' : 'ATTENDEE']];
  const status = STATUS_OF_PARTSTAT[String(p.getParameter('partstat') ?? (owner ? 'ACCEPTED' : 'NEEDS-ACTION')).toUpperCase()];
  if (status) params.push(['STATUS', status]);
  const rsvp = String(p.getParameter('rsvp') ?? '').toUpperCase();
  if (rsvp) params.push(['RSVP', rsvp === 'TRUE' ? 'YES' : 'NO']);
  return writeProp('ATTENDEE', cn && /^[\u0020-\u007e\u00a0-\u00ff]*$/.test(cn) ? `${cn} <${address}>` : address, params);
}

function eventLines(comp: Component): string[] {
  const lines: string[] = [...writeProp('UID', String(comp.getFirstPropertyValue('uid') ?? '')), `SEQUENCE: ${Number(comp.getFirstPropertyValue('sequence') ?? 0)}`];
  for (const name of TIMES) {
    const v = comp.getFirstPropertyValue(name);
    if (v instanceof ICAL.Time) lines.push(`${name.toUpperCase()}: ${timeText(v)}`);
  }
  const duration = comp.getFirstPropertyValue('duration');
  if (duration) lines.push(`DURATION: ${String(duration)}`);
  for (const name of TEXT) for (const p of comp.getAllProperties(name)) lines.push(...writeProp(name.toUpperCase(), String(p.getFirstValue() ?? '')));
  const categories = comp.getAllProperties('categories').flatMap((p) => p.getValues().map(String));
  if (categories.length) lines.push(...writeProp('CATEGORIES', categories.join(',')));
  for (const name of ['class', 'priority', 'transp']) {
    const v = comp.getFirstPropertyValue(name);
    if (v !== null && v !== undefined) lines.push(`${name.toUpperCase()}: ${String(v)}`);
  }
  for (const p of comp.getAllProperties('rrule')) lines.push(`RRULE: ${String(p.getFirstValue())}`);
  for (const name of ['exdate', 'rdate']) {
    for (const p of comp.getAllProperties(name)) {
      const times = p.getValues().filter((v): v is InstanceType<typeof ICAL.Time> => v instanceof ICAL.Time).map(timeText);
      if (times.length) lines.push(`${name.toUpperCase()}: ${times.join(',')}`);
    }
  }
  return lines;
}

function peopleLines(comp: Component, onlyAttendee: string | null): string[] {
  const organizer = bare(String(comp.getFirstPropertyValue('organizer') ?? ''));
  const attendees = comp.getAllProperties('attendee');
  const ownerProp = attendees.find((a) => bare(String(a.getFirstValue())) === organizer) ?? comp.getFirstProperty('organizer');
  const lines = ownerProp ? userLine(ownerProp, true) : [];
  for (const a of attendees) {
    const address = bare(String(a.getFirstValue()));
    if (address !== organizer && (onlyAttendee === null || address === onlyAttendee)) lines.push(...userLine(a, false));
  }
  return lines;
}

/** The CIP command carrying `ical` to `recipient`, or null when CIP has no command for its METHOD. */
export function itipToCip(ical: string, opts: { messageId: string; recipient: string; timezones: TimezoneLookup }): CipCommand | null {
  const root = new ICAL.Component(ICAL.parse(ical) as unknown[]);
  resolveTimezones(root, opts.timezones);
  const method = String(root.getFirstPropertyValue('method') ?? '').toUpperCase();
  const comps = root.getAllSubcomponents().filter((c) => c.name !== 'vtimezone');
  const comp = comps.find((c) => !c.getFirstProperty('recurrence-id')) ?? comps[0];
  if (!comp) return null;
  const tail = [`X-CIP-MESSAGE-ID: ${opts.messageId}`];
  if (method === 'REPLY') {
    const replier = bare(String(comp.getFirstPropertyValue('attendee') ?? ''));
    return { command: 'RSVP', lines: [...eventLines(comp), ...peopleLines(comp, replier), ...tail] };
  }
  if (method !== 'REQUEST' && method !== 'ADD' && method !== 'CANCEL') return null;
  const begin = comp.name === 'vtodo' ? ['BEGIN: VTODO'] : [];
  const status = method === 'CANCEL' ? ['STATUS: CANCELLED'] : [];
  return { command: 'SENDEVENT', lines: [...begin, ...eventLines(comp), ...status, ...peopleLines(comp, null), `X-CIP-RECIPIENT: ${bare(opts.recipient)}`, ...tail] };
}
