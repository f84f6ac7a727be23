/**
 * The draft's vCalendar-style event data mapped to iTIP (RFC 5546) for the receive path
 * (draft-ietf-calsch-cip-00 §1.3, §2.2–2.4; docs/cip.md "Mapping"): SENDEVENT becomes a REQUEST
 * (a CANCEL when the event's STATUS is CANCELLED), RSVP a REPLY, FREEBUSY a time range and users.
 * ATTENDEE;ROLE=OWNER is the ORGANIZER (and an attendee, as in vCalendar); STATUS=CONFIRMED,
 * TENTATIVE, DECLINED become PARTSTAT=ACCEPTED, TENTATIVE, DECLINED. Values are set through
 * ical.js, so nothing in the data can inject iCalendar lines.
 */
import ICAL from 'ical.js';
import { parseUserId, type VProp } from './vcal-lines.js';

type Component = InstanceType<typeof ICAL.Component>;
type Time = InstanceType<typeof ICAL.Time>;

export class CipDataError extends Error {}

export const PARTSTAT_OF_STATUS: Record<string, string> = {
  CONFIRMED: 'ACCEPTED', ACCEPTED: 'ACCEPTED', TENTATIVE: 'TENTATIVE', DECLINED: 'DECLINED', 'NEEDS ACTION': 'NEEDS-ACTION',
  'NEEDS-ACTION': 'NEEDS-ACTION', SENT: 'NEEDS-ACTION', DELEGATED: 'DELEGATED', COMPLETED: 'COMPLETED',
};
const ROLE_OF_EXPECT: Record<string, string> = { FYI: 'NON-PARTICIPANT', REQUEST: 'OPT-PARTICIPANT', REQUIRE: 'REQ-PARTICIPANT', IMMEDIATE: 'REQ-PARTICIPANT' };
const OWNER_ROLES = new Set(['OWNER', 'ORGANIZER']);
const TEXT_PROPS: Record<string, string> = { SUMMARY: 'summary', SUBJECT: 'summary', DESCRIPTION: 'description', LOCATION: 'location', COMMENT: 'comment', URL: 'url' };
const TIME_PROPS: Record<string, string> = { DTSTART: 'dtstart', DTEND: 'dtend', DUE: 'due', 'RECURRENCE-ID': 'recurrence-id' };
const IGNORED = new Set(['BEGIN', 'END', 'VERSION', 'PRODID', 'DTSTAMP', 'CREATED', 'LAST-MODIFIED', 'RESPONSE-SEQUENCE', 'TZ', 'DAYLIGHT']);

/** vCalendar 1.0 date-times: `19961126T1530-0500`, `19970101T060000Z`, `19961126` (a date); floating when no zone. */
export function parseVcalTime(value: string): Time {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:T(\d{2}):?(\d{2})(?::?(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(value.trim());
  if (!m) throw new CipDataError(`not a date-time: ${value.slice(0, 40)}`);
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const check = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) throw new CipDataError(`not a date-time: ${value.slice(0, 40)}`);
  if (m[4] === undefined) return ICAL.Time.fromData({ year: y, month: mo, day: d, isDate: true });
  const zone = m[7];
  if (!zone) return ICAL.Time.fromData({ year: y, month: mo, day: d, hour: h, minute: mi, second: s, isDate: false });
  const offset = zone.toUpperCase() === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  return ICAL.Time.fromJSDate(new Date(check.getTime() - offset * 60_000), true);
}

function attendee(p: VProp, status: string | undefined): { prop: InstanceType<typeof ICAL.Property>; owner: boolean; address: string } {
  const who = parseUserId(p.value);
  if (!who) throw new CipDataError(`not a user identifier: ${p.value.slice(0, 60)}`);
  const role = (p.params.get('ROLE') ?? '').toUpperCase();
  const owner = p.name === 'ORGANIZER' || OWNER_ROLES.has(role);
  const prop = new ICAL.Property('attendee');
  prop.setValue(`mailto:${who.address}`);
  const cn = p.params.get('CN') ?? who.name;
  if (cn) prop.setParameter('cn', cn);
  const expect = ROLE_OF_EXPECT[(p.params.get('EXPECT') ?? '').toUpperCase()];
  prop.setParameter('role', owner ? 'CHAIR' : expect ?? 'REQ-PARTICIPANT');
  const partstat = PARTSTAT_OF_STATUS[(p.params.get('STATUS') ?? status ?? (owner ? 'CONFIRMED' : 'NEEDS ACTION')).toUpperCase()];
  if (!partstat) throw new CipDataError(`unknown STATUS for ${who.address}`);
  prop.setParameter('partstat', partstat);
  const rsvp = (p.params.get('RSVP') ?? '').toUpperCase();
  if (rsvp) prop.setParameter('rsvp', rsvp === 'YES' || rsvp === 'TRUE' ? 'TRUE' : 'FALSE');
  return { prop, owner, address: who.address };
}

function setTimes(comp: Component, name: string, value: string): void {
  for (const v of value.split(',')) {
    const prop = new ICAL.Property(name);
    prop.setValue(parseVcalTime(v));
    comp.addProperty(prop);
  }
}

/** The event properties every command shares; false when `p` is not one of them. */
function applyEventProp(comp: Component, p: VProp): boolean {
  const text = TEXT_PROPS[p.name];
  const time = TIME_PROPS[p.name];
  if (text) comp.updatePropertyWithValue(text, p.value);
  else if (time) {
    comp.removeAllProperties(time);
    setTimes(comp, time, p.value);
  } else if (p.name === 'EXDATE' || p.name === 'RDATE') setTimes(comp, p.name.toLowerCase(), p.value);
  else if (p.name === 'UID') comp.updatePropertyWithValue('uid', p.value);
  else if (p.name === 'SEQUENCE' || p.name === 'PRIORITY') {
    if (!/^\d{1,9}$/.test(p.value)) throw new CipDataError(`${p.name} must be a number`);
    comp.updatePropertyWithValue(p.name.toLowerCase(), Number(p.value));
  } else if (p.name === 'CATEGORIES') {
    const prop = new ICAL.Property('categories');
    prop.setValues(p.value.split(/[,;]/).map((s) => s.trim()).filter((s) => s !== ''));
    comp.addProperty(prop);
  } else if (p.name === 'CLASS') {
    const c = p.value.toUpperCase();
    if (['PUBLIC', 'PRIVATE', 'CONFIDENTIAL'].includes(c)) comp.updatePropertyWithValue('class', c);
  } else if (p.name === 'TRANSP') comp.updatePropertyWithValue('transp', /^(0|OPAQUE)$/i.test(p.value) ? 'OPAQUE' : 'TRANSPARENT');
  else if (p.name === 'DURATION') comp.updatePropertyWithValue('duration', ICAL.Duration.fromString(p.value));
  else if (p.name === 'RRULE') {
    if (!/FREQ=/i.test(p.value)) throw new CipDataError('vCalendar 1.0 RRULE syntax is not supported; send an iCalendar RRULE');
    comp.updatePropertyWithValue('rrule', ICAL.Recur.fromString(p.value));
  } else return IGNORED.has(p.name) || p.name.startsWith('X-') || ['ATTENDEE', 'ORGANIZER', 'STATUS'].includes(p.name);
  return true;
}

function calendar(method: string, comp: Component): string {
  const root = new ICAL.Component('vcalendar');
  root.updatePropertyWithValue('prodid', '-//Reefknot//CIP gateway//EN');
  root.updatePropertyWithValue('version', '2.0');
  root.updatePropertyWithValue('method', method);
  root.addSubcomponent(comp);
  return `${root.toString()}\r\n`;
}

function baseComponent(props: VProp[], now: Date): Component {
  const todo = props.some((p) => p.name === 'BEGIN' && p.value.toUpperCase() === 'VTODO');
  const comp = new ICAL.Component(todo ? 'vtodo' : 'vevent');
  for (const p of props) {
    try {
      applyEventProp(comp, p);
    } catch (e) {
      throw e instanceof CipDataError ? e : new CipDataError(`bad ${p.name}`);
    }
  }
  if (!comp.getFirstPropertyValue('uid')) throw new CipDataError('no UID');
  comp.updatePropertyWithValue('dtstamp', ICAL.Time.fromJSDate(now, true));
  return comp;
}

const single = (props: VProp[], name: string): string | null => props.find((p) => p.name === name)?.value ?? null;

export interface SendEventData { ical: string; messageId: string | null; only: string[] }

/** SENDEVENT data → an iTIP REQUEST (or CANCEL). */
export function sendEventToItip(props: VProp[], now: Date): SendEventData {
  const comp = baseComponent(props, now);
  const status = (single(props, 'STATUS') ?? '').toUpperCase();
  const cancel = status === 'CANCELLED' || status === 'CANCELED';
  if (cancel || (comp.name === 'vevent' && (status === 'CONFIRMED' || status === 'TENTATIVE'))) comp.updatePropertyWithValue('status', cancel ? 'CANCELLED' : status);
  let owner: string | null = null;
  for (const p of props.filter((x) => x.name === 'ATTENDEE' || x.name === 'ORGANIZER')) {
    const a = attendee(p, undefined);
    if (a.owner) owner ??= a.address;
    comp.addProperty(a.prop);
  }
  if (!owner) throw new CipDataError('no ATTENDEE;ROLE=OWNER');
  comp.addPropertyWithValue('organizer', `mailto:${owner}`);
  if (comp.getAllProperties('attendee').length < 2) throw new CipDataError('no ATTENDEE besides the owner');
  if (!cancel && comp.name === 'vevent' && !comp.getFirstProperty('dtstart')) throw new CipDataError('no DTSTART');
  const only = props.filter((p) => p.name === 'X-CIP-RECIPIENT').map((p) => parseUserId(p.value)?.address ?? '').filter((a) => a !== '');
  return { ical: calendar(cancel ? 'CANCEL' : 'REQUEST', comp), messageId: single(props, 'X-CIP-MESSAGE-ID'), only };
}

/** RSVP data → an iTIP REPLY from the one attendee who is not the owner. */
export function rsvpToItip(props: VProp[], now: Date): { ical: string; messageId: string | null } {
  const base = baseComponent(props, now);
  const comp = new ICAL.Component(base.name);
  for (const name of ['uid', 'sequence', 'recurrence-id', 'dtstamp', 'comment']) for (const p of base.getAllProperties(name)) comp.addProperty(p);
  const status = single(props, 'STATUS') ?? undefined;
  const lines = props.filter((x) => x.name === 'ATTENDEE' || x.name === 'ORGANIZER');
  const people = lines.map((p) => ({ ...attendee(p, status), explicit: p.params.has('STATUS') || status !== undefined }));
  const responders = people.filter((a) => !a.owner);
  const responder = responders[0];
  if (!responder || responders.length > 1) throw new CipDataError('an RSVP names exactly one responding ATTENDEE');
  if (!responder.explicit) throw new CipDataError('no STATUS');
  const owner = people.find((a) => a.owner);
  if (owner) comp.addPropertyWithValue('organizer', `mailto:${owner.address}`);
  responder.prop.removeParameter('role');
  comp.addProperty(responder.prop);
  return { ical: calendar('REPLY', comp), messageId: single(props, 'X-CIP-MESSAGE-ID') };
}

/** FREEBUSY data: `DTSTART`, `DTEND` (floating times taken as UTC) and one `ATTENDEE` per user asked. */
export function freeBusyQuery(props: VProp[]): { start: number; end: number; users: string[] } {
  const ms = (name: string): number => {
    const v = single(props, name);
    if (!v) throw new CipDataError(`no ${name}`);
    const t = parseVcalTime(v);
    return t.zone === ICAL.Timezone.utcTimezone ? t.toJSDate().getTime() : Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  };
  const users = props.filter((p) => p.name === 'ATTENDEE').map((p) => {
    const who = parseUserId(p.value);
    if (!who) throw new CipDataError(`not a user identifier: ${p.value.slice(0, 60)}`);
    return who.address;
  });
  return { start: ms('DTSTART'), end: ms('DTEND'), users };
}
