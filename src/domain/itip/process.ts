/**
 * Processing a received iTIP message into the recipient's copy (RFC 5546 §3.2 methods for
 * VEVENT, §3.4 VTODO, §3.5 VJOURNAL, §3.3 VFREEBUSY; §2.1.5 ordering; §3.6 REQUEST-STATUS).
 * Organizer methods (PUBLISH, REQUEST, ADD, CANCEL, DECLINECOUNTER) must come from the ORGANIZER
 * or its SENT-BY; attendee methods (REPLY, REFRESH, COUNTER) from the ATTENDEE they name.
 */
import { ReefknotError } from '../errors.js';
import { findAttendee, organizerOf, type Component } from './calendar-data.js';
import { describeBusy, describeWindow } from './freebusy.js';
import { loadObject, type LoadedObject } from './loaded-object.js';
import { processAdd, processCancel, processDeclineCounter } from './process-cancel.js';
import { actsForOrganizer, delegatedToRecipient, firstComponent, result, who } from './process-common.js';
import { processCounter, processRefresh } from './process-counter.js';
import { processReply } from './process-reply.js';
import { processRequest } from './process-request.js';
import { STATUS } from './request-status.js';
import { ITIP_METHODS, type ItipMethod, type ProcessInput, type ProcessResult } from './types.js';

/** RFC 5546 §3: which methods each component type allows. */
const ALLOWED: Record<string, ItipMethod[]> = {
  vevent: [...ITIP_METHODS],
  vtodo: [...ITIP_METHODS],
  vjournal: ['PUBLISH', 'ADD', 'CANCEL'],
  vfreebusy: ['PUBLISH', 'REQUEST', 'REPLY'],
};

const ORGANIZER_METHODS: ItipMethod[] = ['PUBLISH', 'REQUEST', 'ADD', 'CANCEL', 'DECLINECOUNTER'];

function load(text: string): LoadedObject | string {
  try {
    return loadObject(text);
  } catch (e) {
    return e instanceof ReefknotError ? e.message : String(e);
  }
}

/** Applies one received iTIP message to the recipient's copy and says what happened. */
export function processMessage(input: ProcessInput): ProcessResult {
  const msg = load(input.message);
  if (typeof msg === 'string') return result('rejected', STATUS.invalidPropertyValue, `The message cannot be read: ${msg}`, input.existingCopy);
  if (input.policy?.schedulingEnabled === false) {
    return result('rejected', STATUS.noScheduling, `${who(input.recipientAddress)} does not take scheduling messages.`, input.existingCopy);
  }
  if (msg.method === null) return result('rejected', STATUS.missing, 'The message has no METHOD: it is not an iTIP message.', input.existingCopy);
  const method = ITIP_METHODS.find((m) => m === msg.method);
  if (method === undefined || !(ALLOWED[msg.type] ?? []).includes(method)) {
    return result('rejected', STATUS.notSupported, `METHOD ${msg.method} is not supported for ${msg.type.toUpperCase()} (RFC 5546 §3).`, input.existingCopy);
  }
  const held = input.existingCopy === null ? null : load(input.existingCopy);
  if (typeof held === 'string') return result('rejected', STATUS.invalidPropertyValue, `Your copy cannot be read: ${held}`, input.existingCopy);
  if (held !== null && held.uid !== msg.uid) {
    return result('rejected', STATUS.invalidPropertyValue, 'The message is about another object (its UID differs from your copy).', input.existingCopy);
  }
  const forwardedByDelegator = method === 'REQUEST' && delegatedToRecipient(msg, input.originator, input.recipientAddress);
  if (ORGANIZER_METHODS.includes(method) && !actsForOrganizer(msg, input.originator) && !forwardedByDelegator) {
    return result('rejected', STATUS.noAuthority, `${who(input.originator ?? null)} may not send ${method}: only the organizer (or whom it names in SENT-BY) may.`, input.existingCopy);
  }
  if (msg.type === 'vfreebusy') return processFreeBusy(input, msg, method);
  return dispatch(input, msg, held, method);
}

function dispatch(input: ProcessInput, msg: LoadedObject, held: LoadedObject | null, method: ItipMethod): ProcessResult {
  switch (method) {
    case 'PUBLISH':
    case 'REQUEST':
      return processRequest(input, msg, held, method);
    case 'CANCEL':
      return processCancel(input, msg, held);
    case 'ADD':
      return processAdd(input, msg, held);
    case 'DECLINECOUNTER':
      return processDeclineCounter(input, msg, held);
    case 'REPLY':
      return processReply(input, msg, held);
    case 'REFRESH':
      return processRefresh(input, msg, held);
    case 'COUNTER':
      return processCounter(input, msg, held);
  }
}

/** RFC 5546 §3.3: busy time is asked for and answered; nothing is stored. */
function processFreeBusy(input: ProcessInput, msg: LoadedObject, method: ItipMethod): ProcessResult {
  const comp: Component = firstComponent(msg);
  if (method === 'REPLY') {
    const line = comp.getFirstProperty('attendee');
    const from = line === null ? null : String(line.getFirstValue());
    return result('freebusy-received', STATUS.success, `${who(from)} ${describeBusy(comp)}.`, input.existingCopy);
  }
  if (method === 'REQUEST' && findAttendee(comp, input.recipientAddress) === null) {
    return result('rejected', STATUS.invalidUser, `The busy-time request does not name ${who(input.recipientAddress)}.`, input.existingCopy);
  }
  return result('freebusy-requested', STATUS.success, `${who(organizerOf(comp))} asks for your busy time ${describeWindow(comp)}.`, input.existingCopy);
}
