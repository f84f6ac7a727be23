/**
 * REFRESH and COUNTER reaching the organizer (RFC 5546 §3.2.6: the latest version is sent again
 * to that attendee; §3.2.7: a proposal the organizer may accept with a new REQUEST or refuse with
 * DECLINECOUNTER, §3.2.8).
 */
import { sameAddress } from './address.js';
import {
  MASTER,
  addressOf,
  addressParams,
  describeTime,
  findAttendee,
  instanceKey,
  organizerOf,
  textValue,
  type Component,
} from './calendar-data.js';
import type { LoadedObject } from './loaded-object.js';
import { buildMessage } from './message-builder.js';
import { viewFor } from './organizer-views.js';
import { firstComponent, isOlder, replierLine, result, subjectOf, who } from './process-common.js';
import { targetFor } from './process-reply.js';
import { STATUS } from './request-status.js';
import type { ProcessInput, ProcessResult } from './types.js';

interface Checked {
  sender: string;
  held: LoadedObject;
}

/** Checks that the sender of REFRESH/COUNTER is on the organizer's list (or a known delegate). */
function checkSender(input: ProcessInput, msg: LoadedObject, held: LoadedObject | null, verb: string): ProcessResult | Checked {
  const line = replierLine(msg, input.originator);
  if (line === null) return result('rejected', STATUS.noAuthority, `The ${verb} does not come from an attendee it names; it was refused.`, input.existingCopy);
  const sender = addressOf(line);
  if (held === null) return result('rejected', STATUS.invalidPropertyValue, `${who(sender)} sent a ${verb} for ${subjectOf(firstComponent(msg))}, which is not in your calendar.`, null);
  if (!sameAddress(organizerOf(firstComponent(held)), input.recipientAddress)) {
    return result('rejected', STATUS.invalidUser, `You are not the organizer of ${subjectOf(firstComponent(held))}; the ${verb} was refused.`, input.existingCopy);
  }
  const invited = [...held.comps.values()].some((c) => findAttendee(c, sender) !== null);
  if (!invited && input.policy?.acceptRepliesFromUninvited !== true) {
    return result('rejected', STATUS.noAuthority, `${who(sender)} is not invited to ${subjectOf(firstComponent(held))}; the ${verb} was refused.`, input.existingCopy);
  }
  return { sender, held };
}

function isChecked(value: ProcessResult | Checked): value is Checked {
  return 'sender' in value;
}

export function processRefresh(input: ProcessInput, msg: LoadedObject, copy: LoadedObject | null): ProcessResult {
  const checked = checkSender(input, msg, copy, 'refresh');
  if (!isChecked(checked)) return checked;
  const { sender, held } = checked;
  const invited = [...held.comps.values()].some((c) => findAttendee(c, sender) !== null);
  const view = viewFor(held.comps, invited ? sender : null);
  const organizer = organizerOf(firstComponent(held)) ?? input.recipientAddress;
  const ctx = { originator: organizer, actingFor: organizer, now: input.now, source: held.root, uid: held.uid };
  const request = buildMessage(ctx, 'REQUEST', view, [sender]);
  return result('refresh-requested', STATUS.success, `${who(sender)} asked for the latest version of ${subjectOf(firstComponent(held))}; it is sent again.`, input.existingCopy, [request]);
}

const PROPOSABLE: Array<[string, string]> = [
  ['dtstart', 'start'],
  ['dtend', 'end'],
  ['due', 'due'],
  ['duration', 'duration'],
  ['location', 'location'],
  ['summary', 'title'],
  ['description', 'description'],
  ['rrule', 'recurrence'],
];

function valueText(comp: Component, name: string): string | null {
  return describeTime(comp, name) ?? textValue(comp, name);
}

/** "start 1997-07-01 16:00Z (now 19:00Z); location Blue (now Green)". */
export function describeProposal(proposal: Component, current: Component): string {
  const parts: string[] = [];
  for (const [name, label] of PROPOSABLE) {
    const proposed = valueText(proposal, name);
    const now = valueText(current, name);
    if (proposed !== null && proposed !== now) parts.push(`${label} ${proposed} (now ${now ?? 'none'})`);
  }
  return parts.length === 0 ? 'no change to time or place' : parts.join('; ');
}

export function processCounter(input: ProcessInput, msg: LoadedObject, copy: LoadedObject | null): ProcessResult {
  const checked = checkSender(input, msg, copy, 'counter proposal');
  if (!isChecked(checked)) return checked;
  const { sender: from, held } = checked;
  const parts: string[] = [];
  const comps = new Map(held.comps);
  for (const [key, comp] of msg.comps) {
    const current = targetFor(comps, comp, key);
    if (current === null) {
      return result('rejected', `${STATUS.invalidPropertyValue};RECURRENCE-ID`, `${who(from)} proposed a change to ${subjectOf(comp)}, which is not an instance of this event.`, input.existingCopy);
    }
    if (isOlder(comp, current) && key === instanceKey(current)) {
      return result('ignored', STATUS.success, `${who(from)} proposed a change to an older version of ${subjectOf(current)}; it was ignored.`, input.existingCopy);
    }
    parts.push(`${key === MASTER ? subjectOf(current) : subjectOf(comp, current)}: ${describeProposal(comp, current)}`);
  }
  const note = textValue(firstComponent(msg), 'comment');
  const senderLine = findAttendee(firstComponent(msg), from);
  const delegated = senderLine === null ? [] : addressParams(senderLine, 'delegated-from');
  const by = delegated.length > 0 ? ` (delegate of ${delegated.map(who).join(', ')})` : '';
  return result('counter-proposed', STATUS.success, `${who(from)}${by} proposes a change to ${parts.join(' / ')}.${note === null ? '' : ` Comment: ${note}`}`, input.existingCopy);
}
