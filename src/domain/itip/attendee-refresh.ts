/**
 * Small attendee messages: REFRESH (RFC 5546 §3.2.6) and the REPLY component (§3.2.3: UID,
 * SEQUENCE, ORGANIZER, the replying ATTENDEE, RECURRENCE-ID, REQUEST-STATUS; for a VTODO also
 * PERCENT-COMPLETE and COMPLETED, §4.5.4–4.5.5).
 */
import ICAL from 'ical.js';
import { normaliseAddress } from './address.js';
import { findAttendee, organizerOf, utcTime, type Component, type Property } from './calendar-data.js';
import { loadObject } from './loaded-object.js';
import { buildMessage } from './message-builder.js';
import { firstComponent } from './process-common.js';
import { STATUS } from './request-status.js';
import { ReefknotError } from '../errors.js';
import type { ItipMessage } from './types.js';

const REPLY_KEEP = ['uid', 'sequence', 'organizer', 'recurrence-id', 'percent-complete', 'completed'];
/** What names the event for a person reading the answer (RFC 5546 §3.2.3 allows each in a REPLY). */
const REPLY_DESCRIBE = ['summary', 'dtstart', 'dtend', 'duration', 'due', 'location'];
const ATTENDEE_PARAMS = ['partstat', 'delegated-to', 'delegated-from'];

/** A REPLY component for `line` (the replying attendee) taken from the attendee's component. */
export function replyComponent(source: Component, line: Property, requestStatus: string = STATUS.success, comment?: string, describe = false): Component {
  const comp = new ICAL.Component(source.name);
  for (const prop of source.getAllProperties()) {
    if (REPLY_KEEP.includes(prop.name) || (describe && REPLY_DESCRIBE.includes(prop.name))) comp.addProperty(new ICAL.Property(JSON.parse(JSON.stringify(prop.toJSON())) as unknown[]));
  }
  const json = JSON.parse(JSON.stringify(line.toJSON())) as unknown[];
  const params = json[1] as Record<string, unknown>;
  for (const name of Object.keys(params)) if (!ATTENDEE_PARAMS.includes(name)) delete params[name];
  comp.addProperty(new ICAL.Property(json));
  comp.addProperty(ICAL.Property.fromString(`REQUEST-STATUS:${requestStatus}`));
  if (comment !== undefined) comp.addPropertyWithValue('comment', comment);
  return comp;
}

export interface RefreshInput {
  /** The attendee's copy (or any message naming the UID and ORGANIZER). */
  copy: string;
  attendeeAddress: string;
  now: Date;
  /** Ask for one instance only (RFC 5546 §3.2.6 RECURRENCE-ID). */
  recurrenceId?: Date;
  comment?: string;
}

/** RFC 5546 §3.2.6: ask the organizer to send the latest version again. */
export function refreshMessage(input: RefreshInput): ItipMessage {
  const obj = loadObject(input.copy);
  const source = firstComponent(obj);
  const organizer = organizerOf(source);
  if (organizer === null) throw new ReefknotError('invalid-calendar-object', 'A REFRESH needs an ORGANIZER to send to');
  const me = normaliseAddress(input.attendeeAddress);
  const comp = new ICAL.Component(source.name);
  comp.addPropertyWithValue('uid', obj.uid);
  const organizerProp = source.getFirstProperty('organizer');
  if (organizerProp !== null) comp.addProperty(new ICAL.Property(JSON.parse(JSON.stringify(organizerProp.toJSON())) as unknown[]));
  const line = findAttendee(source, me);
  comp.addPropertyWithValue('attendee', line === null ? me : String(line.getFirstValue()));
  if (input.recurrenceId !== undefined) comp.addPropertyWithValue('recurrence-id', utcTime(input.recurrenceId));
  if (input.comment !== undefined) comp.addPropertyWithValue('comment', input.comment);
  const ctx = { originator: me, actingFor: me, now: input.now, source: obj.root, uid: obj.uid };
  return buildMessage(ctx, 'REFRESH', [comp], [organizer]);
}
