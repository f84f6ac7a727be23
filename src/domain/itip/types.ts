/**
 * The data the iTIP engine takes and gives (RFC 5546 §1.4 roles, §3 methods, §3.6 status codes).
 * Every value is plain data: iCalendar text in, iCalendar text and descriptions out.
 */

/** RFC 5546 §1.4: the methods of iTIP. */
export type ItipMethod =
  | 'PUBLISH'
  | 'REQUEST'
  | 'REPLY'
  | 'ADD'
  | 'CANCEL'
  | 'REFRESH'
  | 'COUNTER'
  | 'DECLINECOUNTER';

export const ITIP_METHODS: readonly ItipMethod[] = [
  'PUBLISH',
  'REQUEST',
  'REPLY',
  'ADD',
  'CANCEL',
  'REFRESH',
  'COUNTER',
  'DECLINECOUNTER',
];

/** One iTIP message, ready for any transport (local inbox, iMIP, iSchedule, CIP). */
export interface ItipMessage {
  method: ItipMethod;
  /** Who the message goes to: calendar user addresses (mailto:, lower-cased). */
  recipients: string[];
  /** Who sends it: the organizer, an attendee, or someone acting for them (SENT-BY). */
  originator: string;
  /** UID of the calendar object the message is about. */
  uid: string;
  /** The full VCALENDAR text with its METHOD property. */
  ical: string;
}

/** How the organizer's change is sent (RFC 5546 §3.2.1 PUBLISH vs §3.2.2 REQUEST). */
export interface OrganizerOptions {
  /** PUBLISH sends the object to `recipients` with no reply expected; REQUEST (default) schedules it. */
  method?: 'PUBLISH' | 'REQUEST';
  /**
   * Extra recipients who are not attendees: an uninvited calendar user the organizer forwards the
   * event to, someone who only wants to be aware of it, or the subscribers of a PUBLISH.
   */
  recipients?: string[];
  /** The address actually sending when it is not the organizer (a secretary: SENT-BY, RFC 5545 §3.2.18). */
  sentBy?: string;
  /** Send a REQUEST to the other attendees when only attendees' PARTSTATs changed (status update). */
  notifyStatusChanges?: boolean;
  /** A COMMENT put on every message (e.g. why a meeting is cancelled, RFC 5546 §4.2.9). */
  comment?: string;
  /** Bump SEQUENCE even when the change is not significant (e.g. accepting a COUNTER, RFC 5546 §4.2.4). */
  forceSequenceBump?: boolean;
}

export interface OrganizerInput {
  /** The organizer's copy before the change, or null when the object is new. */
  before: string | null;
  /** The organizer's copy after the change, or null when the object was deleted. */
  after: string | null;
  organizerAddress: string;
  now: Date;
  options?: OrganizerOptions;
}

export interface OrganizerResult {
  messages: ItipMessage[];
  /** The organizer's copy to store: SEQUENCE bumped, PARTSTAT reset, DTSTAMP set; null if deleted. */
  updatedOrganizerCopy: string | null;
}

export interface AttendeeInput {
  before: string | null;
  after: string | null;
  attendeeAddress: string;
  now: Date;
  options?: AttendeeOptions;
}

export interface AttendeeOptions {
  /** Treat changes the attendee made to the event itself as a COUNTER proposal (RFC 5546 §3.2.7). */
  counter?: boolean;
  /** A COMMENT to put on the REPLY or COUNTER. */
  comment?: string;
  /** The address actually sending for the attendee (SENT-BY). */
  sentBy?: string;
  /** REQUEST-STATUS put on a REPLY, from processing the REQUEST (RFC 5546 §4.4.9); default 2.0. */
  requestStatus?: string;
  /**
   * Also carry SUMMARY, DTSTART/DTEND/DURATION/DUE and LOCATION (RFC 5546 §3.2.3 allows them in a
   * REPLY), so a person reading the mail sees which event is answered. Off by default: the RFC
   * examples, and local delivery, need only the answer.
   */
  describe?: boolean;
}

/** What processing a received message did to the recipient's copy. */
export type ProcessOutcome =
  | 'created'
  | 'updated'
  | 'cancelled'
  | 'ignored'
  | 'rejected'
  | 'refresh-requested'
  | 'counter-proposed'
  | 'counter-declined'
  | 'refresh-needed'
  | 'freebusy-requested'
  | 'freebusy-received';

export interface ProcessPolicy {
  /** RFC 5546 §3.2.3: may a REPLY from someone who is not an attendee add them? Default false. */
  acceptRepliesFromUninvited?: boolean;
  /** 'single-only' schedules only the first instance of a recurring object (status 2.8/2.10). */
  recurrence?: 'supported' | 'single-only';
  /** false when the recipient does not take scheduling messages at all (status 5.3). Default true. */
  schedulingEnabled?: boolean;
}

export interface ProcessInput {
  /** The received iTIP message (a VCALENDAR with METHOD). */
  message: string;
  /** The calendar user whose copy is being updated. */
  recipientAddress: string;
  /** The recipient's current copy of the object with that UID, or null. */
  existingCopy: string | null;
  /** The verified sender; when absent the sender named by the message itself is trusted. */
  originator?: string;
  now: Date;
  policy?: ProcessPolicy;
}

export interface ProcessResult {
  /** The recipient's copy after processing (unchanged text when nothing changed; null when none). */
  newCopy: string | null;
  outcome: ProcessOutcome;
  /** RFC 5546 §3.6 REQUEST-STATUS value to return to the sender, e.g. "2.0;Success". */
  requestStatus: string;
  /** What happened, in words a person understands. */
  description: string;
  /** Messages to send because of this one (e.g. a REQUEST answering a REFRESH). */
  followUp: ItipMessage[];
}
