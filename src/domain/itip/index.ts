/**
 * The iTIP engine (RFC 5546, with RFC 6638 scheduling parameters): pure functions from calendar
 * data to iTIP messages and back. Every transport (CalDAV implicit scheduling, iMIP, iSchedule,
 * CIP, the CLI) calls these; none of them does I/O or reads a clock.
 */
export { organizerMessages, schedulableAttendees } from './organizer.js';
export { attendeeMessages } from './attendee.js';
export { refreshMessage, type RefreshInput } from './attendee-refresh.js';
export { acceptCounter, declineCounter, type CounterAnswerInput } from './counter-response.js';
export { processMessage } from './process.js';
export {
  freeBusyRequest,
  freeBusyReply,
  parseFreeBusyRequest,
  parseFreeBusyReply,
  type BusyPeriod,
  type BusyType,
  type FreeBusyAnswer,
  type FreeBusyQuery,
  type FreeBusyRequestInput,
} from './freebusy.js';
export { canonicalIcal, semanticallyEqual, type CanonicalOptions } from './compare.js';
export { normaliseAddress, sameAddress } from './address.js';
export { schedulingRole, type SchedulingRole } from './role.js';
export { STATUS } from './request-status.js';
export * from './types.js';
