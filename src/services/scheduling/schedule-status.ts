/**
 * SCHEDULE-STATUS on the organizer's copy (RFC 6638 §3.2.9, §7.3): one code per recipient
 * attendee — 1.0 pending, 1.1 sent, 1.2 delivered, 3.7 invalid calendar user, 3.8 no privilege,
 * 5.x failed — written on the ATTENDEE properties the message went to.
 */
import ICAL from 'ical.js';

export const SCHEDULE_STATUS = {
  pending: '1.0',
  sent: '1.1',
  delivered: '1.2',
  invalidUser: '3.7',
  noPrivilege: '3.8',
  failed: '5.1',
} as const;

/** From the REQUEST-STATUS a recipient's processing returned (RFC 5546 §3.6) to SCHEDULE-STATUS. */
export function scheduleStatusOf(requestStatus: string): string {
  const code = requestStatus.split(';')[0] ?? '';
  if (code.startsWith('2.')) return SCHEDULE_STATUS.delivered;
  if (code === '3.7' || code === '3.8') return code;
  return SCHEDULE_STATUS.failed;
}

/** Texts for schedule-response request-status (RFC 6638 §3.2.9 codes with their descriptions). */
export function requestStatusText(scheduleStatus: string): string {
  const text: Record<string, string> = {
    '1.0': 'Pending', '1.1': 'Sent', '1.2': 'Delivered', '2.0': 'Success', '3.7': 'Invalid calendar user',
    '3.8': 'No authority', '5.1': 'Could not be delivered', '5.3': 'No scheduling support for user',
  };
  return `${scheduleStatus};${text[scheduleStatus] ?? 'Unknown'}`;
}

/** Sets SCHEDULE-STATUS on every ATTENDEE whose address has a status; returns the new text. */
export function annotateScheduleStatus(text: string, statuses: ReadonlyMap<string, string>): string {
  if (statuses.size === 0) return text;
  const root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  for (const c of root.getAllSubcomponents()) {
    // On an attendee's copy the status of their REPLY goes on the ORGANIZER (RFC 6638 §3.2.9).
    for (const a of [...c.getAllProperties('attendee'), ...c.getAllProperties('organizer')]) {
      const status = statuses.get(String(a.getFirstValue()).toLowerCase());
      if (status) a.setParameter('schedule-status', status);
    }
  }
  return `${root.toString()}\r\n`;
}

const ANSWER_PARAMS = ['partstat', 'rsvp', 'delegated-to', 'delegated-from', 'x-reefknot-reply-sequence', 'x-reefknot-reply-dtstamp'];

/**
 * RFC 6638 §3.2.10: an organizer's client that writes with If-Schedule-Tag-Match read the object
 * before some replies arrived; the attendees' answers stored since then are kept (per component,
 * matched by RECURRENCE-ID) instead of being overwritten by the client's older values.
 */
export function keepAttendeeAnswers(stored: string, written: string): string {
  const answers = new Map<string, InstanceType<typeof ICAL.Property>>();
  const key = (c: InstanceType<typeof ICAL.Component>, address: string): string => `${String(c.getFirstPropertyValue('recurrence-id') ?? '')}|${address}`;
  for (const c of new ICAL.Component(ICAL.parse(stored) as unknown[]).getAllSubcomponents()) {
    for (const a of c.getAllProperties('attendee')) answers.set(key(c, String(a.getFirstValue()).toLowerCase()), a);
  }
  const root = new ICAL.Component(ICAL.parse(written) as unknown[]);
  for (const c of root.getAllSubcomponents()) {
    for (const a of c.getAllProperties('attendee')) {
      const old = answers.get(key(c, String(a.getFirstValue()).toLowerCase()));
      if (!old) continue;
      for (const param of ANSWER_PARAMS) {
        const v = old.getParameter(param);
        if (v === undefined || v === null) a.removeParameter(param);
        else a.setParameter(param, v as string);
      }
    }
  }
  return `${root.toString()}\r\n`;
}
