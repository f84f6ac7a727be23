/**
 * Scheduling from the client (RFC 5546 iTIP through the shared engine in domain/itip): the
 * organizer's invitations, updates and cancellations (§3.2.2, §3.2.5), the attendee's answers
 * (§3.2.3 REPLY, §3.2.2.3 delegation, §3.2.7 COUNTER), and messages received by mail applied to the
 * local copy (processMessage) and kept in the inbox. With a server, changes stored in the calendar
 * are scheduled by the server at the next sync (RFC 6638 §3.2 implicit scheduling); without one,
 * messages go out as iMIP mail (RFC 6047) through the profile's SMTP relay. Messages that are
 * not stored in a calendar (COUNTER, DECLINECOUNTER) are POSTed to the server's scheduling
 * outbox (RFC 6638 §5) when there is a server.
 */
import { acceptCounter, attendeeMessages, declineCounter, organizerMessages, processMessage, schedulingRole, type ItipMessage } from '../domain/itip/index.js';
import { ReefknotError } from '../domain/errors.js';
import type { CalendarClient } from './calendar.js';
import { editEvent, type EventFields } from './event-build.js';
import { mainComponent, parseCalendar } from './ical-util.js';
import { delegator, readMail, sendItip, senderProblem } from './imip-mail.js';
import type { InboxItem } from './local-store.js';
import { ClientError, mailto } from './profile.js';
import { postItip, syncWithServer } from './server.js';

/** Sends messages by mail, or says why not; the server (when configured) sends them itself. */
async function deliver(c: CalendarClient, messages: ItipMessage[], storedOnServer: boolean): Promise<string> {
  if (messages.length === 0) return '';
  const to = [...new Set(messages.flatMap((m) => m.recipients))].map((r) => r.replace(/^mailto:/, ''));
  if (c.profile.server && storedOnServer) return `the server sends ${messages.map((m) => m.method).join('/')} to ${to.join(', ')} at the next sync`;
  if (!c.profile.smtpRelay) throw new ClientError('no SMTP relay in the profile to send the message with (cal init --smtp URL)');
  const sent = await sendItip(c.profile.smtpRelay, messages, c.me[0] ?? '');
  return `mailed ${messages.map((m) => m.method).join('/')} to ${sent.join(', ')}`;
}

/** Which of the user's addresses the object names (as an attendee or the organizer). */
function myAddress(c: CalendarClient, text: string): string | null {
  const named = new Set<string>();
  for (const comp of parseCalendar(text).getAllSubcomponents()) {
    for (const p of [...comp.getAllProperties('attendee'), ...comp.getAllProperties('organizer')]) named.add(mailto(String(p.getFirstValue())));
  }
  return c.me.find((a) => named.has(a)) ?? null;
}

/** After the user changed an event: the organizer's messages (REQUEST, CANCEL), if any. */
export async function sendInvitations(c: CalendarClient, before: string | null, after: string | null): Promise<string> {
  const text = after ?? before;
  if (!text) return '';
  const me = c.me.find((a) => schedulingRole(text, a) === 'organizer');
  if (!me || !/^ATTENDEE/im.test(text)) return '';
  if (c.profile.server) return 'the server sends the invitations at the next sync';
  const r = organizerMessages({ before, after, organizerAddress: me, now: c.now() });
  if (r.updatedOrganizerCopy) {
    const uid = mainComponent(parseCalendar(r.updatedOrganizerCopy)).getFirstPropertyValue('uid') as string;
    c.store.saveLocal(uid, r.updatedOrganizerCopy, c.isLocalOnly(r.updatedOrganizerCopy));
  }
  return deliver(c, r.messages, false);
}

export type Answer = 'ACCEPTED' | 'DECLINED' | 'TENTATIVE';

function setPartstat(text: string, me: string, partstat: string, delegateTo?: string): string {
  const root = parseCalendar(text);
  for (const comp of root.getAllSubcomponents().filter((x) => x.name !== 'vtimezone')) {
    const mine = comp.getAllProperties('attendee').find((p) => String(p.getFirstValue()).toLowerCase() === me);
    if (!mine) continue;
    mine.setParameter('partstat', partstat);
    mine.removeParameter('rsvp');
    if (delegateTo) {
      mine.setParameter('delegated-to', delegateTo);
      const d = comp.addPropertyWithValue('attendee', delegateTo);
      d.setParameter('delegated-from', me);
      d.setParameter('partstat', 'NEEDS-ACTION');
      d.setParameter('rsvp', 'TRUE');
    }
  }
  return root.toString();
}

/** Accept, decline or maybe (or delegate to someone else): the copy updated, the REPLY sent. */
export async function answer(c: CalendarClient, uid: string, partstat: Answer | 'DELEGATED', opts: { delegateTo?: string; comment?: string } = {}): Promise<string> {
  const o = c.require(uid);
  const me = myAddress(c, o.ical);
  if (!me || schedulingRole(o.ical, me) !== 'attendee') throw new ClientError(`you are not an attendee of ${o.uid}`, 2);
  const delegate = opts.delegateTo ? mailto(opts.delegateTo) : undefined;
  const after = setPartstat(o.ical, me, partstat, delegate);
  const messages = attendeeMessages({ before: o.ical, after, attendeeAddress: me, now: c.now(), options: { describe: true, ...(opts.comment ? { comment: opts.comment } : {}) } });
  c.store.saveLocal(o.uid, after, o.localOnly);
  c.store.setInboxState(o.uid, 'done');
  return deliver(c, messages, true);
}

/** Proposes a new time or place to the organizer (COUNTER); the local copy stays as it is. */
export async function counter(c: CalendarClient, uid: string, f: EventFields, comment?: string): Promise<string> {
  const o = c.require(uid);
  const me = myAddress(c, o.ical);
  if (!me || schedulingRole(o.ical, me) !== 'attendee') throw new ClientError(`you are not an attendee of ${o.uid}`, 2);
  const proposed = editEvent(o.ical, f, c.profile.timezone, null);
  const messages = attendeeMessages({ before: o.ical, after: proposed, attendeeAddress: me, now: c.now(), options: { counter: true, ...(comment ? { comment } : {}) } });
  if (messages.length === 0) throw new ClientError('the proposal changes nothing', 2);
  return c.profile.server ? postAll(c, messages) : deliver(c, messages, false);
}

async function postAll(c: CalendarClient, messages: ItipMessage[]): Promise<string> {
  const out: string[] = [];
  for (const m of messages) out.push(await postItip(c, m));
  return out.join('; ');
}

/** A COUNTER waiting in the inbox: by its inbox number, or the newest waiting one for a UID. */
export function waitingCounter(c: CalendarClient, ref: string): InboxItem {
  const item = /^\d+$/.test(ref)
    ? c.store.inboxItem(Number(ref))
    : c.store.inbox().filter((i) => i.method === 'COUNTER' && (i.uid === ref || i.uid.startsWith(ref))).at(-1) ?? null;
  if (!item) throw new ClientError(`no counter-proposal '${ref}' in the inbox (see cal inbox)`, 3);
  if (item.method !== 'COUNTER') throw new ClientError(`inbox item ${item.id} is a ${item.method}, not a COUNTER`, 2);
  if (item.state !== 'new') throw new ClientError(`inbox item ${item.id} was already dealt with (${item.state})`, 2);
  return item;
}

/** The organizer's copy a COUNTER is about, and the address the user organizes it as. */
function organizerCopy(c: CalendarClient, item: InboxItem): { ical: string; uid: string; me: string } {
  const o = c.require(item.uid);
  const me = c.me.find((a) => schedulingRole(o.ical, a) === 'organizer');
  if (!me) throw new ClientError(`you do not organize ${o.uid}, so its counter-proposals are not yours to answer`, 2);
  return { ical: o.ical, uid: o.uid, me };
}

const engine = <T>(fn: () => T): T => {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ReefknotError) throw new ClientError(e.message, 2);
    throw e;
  }
};

/**
 * The organizer accepts a COUNTER (RFC 5546 §3.2.7, §4.2.4): the proposal goes into the event
 * (SEQUENCE raised) and the attendees get the new REQUEST. With a server, the changed event is
 * synced (after a sync that brings the copy up to date) and the server sends the REQUEST; without
 * one, the REQUEST is mailed.
 */
export async function acceptCounterProposal(c: CalendarClient, ref: string, comment?: string): Promise<string> {
  const item = waitingCounter(c, ref);
  if (c.profile.server) await syncedCleanly(c, item.uid);
  const o = organizerCopy(c, item);
  const r = engine(() => acceptCounter({ organizerCopy: o.ical, counter: item.ical, ...(item.sender ? { counterSender: mailto(item.sender) } : {}), organizerAddress: o.me, now: c.now(), options: comment ? { comment } : {} }));
  if (!r.updatedOrganizerCopy) throw new ClientError('accepting the proposal left no event', 1);
  c.store.saveLocal(o.uid, r.updatedOrganizerCopy, c.isLocalOnly(r.updatedOrganizerCopy));
  c.store.setInboxItemState(item.id, 'done');
  if (!c.profile.server) return deliver(c, r.messages, false);
  await syncedCleanly(c, o.uid);
  const to = [...new Set(r.messages.flatMap((m) => m.recipients))].map((a) => a.replace(/^mailto:/, ''));
  return `synced; the server sends the new REQUEST to ${to.join(', ') || 'the attendees'}`;
}

/** Syncs, and stops when the event is left in conflict (exit 4, as `sync` does). */
async function syncedCleanly(c: CalendarClient, uid: string): Promise<void> {
  const r = await syncWithServer(c);
  if (r.conflicts.some((k) => k.uid === uid)) throw new ClientError(`${uid} changed here and on the server: resolve it with 'reefknot cal sync --prefer local|server|both' first`, 4);
}

/**
 * The organizer declines a COUNTER (RFC 5546 §3.2.8): a DECLINECOUNTER to the attendee who sent
 * it, POSTed to the server's outbox or mailed; the event stays as it is.
 */
export async function declineCounterProposal(c: CalendarClient, ref: string, comment?: string, from?: string): Promise<string> {
  const item = waitingCounter(c, ref);
  const o = organizerCopy(c, item);
  const sender = from ?? item.sender;
  if (!sender) throw new ClientError(`the COUNTER in inbox item ${item.id} names several attendees: say who sent it with --from ADDRESS`, 2);
  const m = engine(() => declineCounter({ organizerCopy: o.ical, counter: item.ical, counterSender: mailto(sender), organizerAddress: o.me, now: c.now(), ...(comment ? { comment } : {}) }));
  const how = c.profile.server ? await postItip(c, m) : await deliver(c, [m], false);
  c.store.setInboxItemState(item.id, 'done');
  return how;
}

export interface Received {
  outcome: string;
  description: string;
}

/** One incoming mail: sender checked, message applied to the copy and kept in the inbox. */
export async function receiveMail(c: CalendarClient, raw: Buffer): Promise<Received> {
  const mail = await readMail(raw);
  if (!mail.ical) return { outcome: 'skipped', description: 'no text/calendar part' };
  const root = parseCalendar(mail.ical);
  const method = String(root.getFirstPropertyValue('method') ?? '').toUpperCase();
  const uid = String(mainComponent(root).getFirstPropertyValue('uid') ?? '');
  const base = { received: c.now().toISOString(), method, uid, sender: mail.from, ical: mail.ical };
  const problem = senderProblem(mail.ical, mail.from);
  if (problem) {
    return c.store.addInbox({ ...base, state: 'refused', description: `not applied: ${problem}` }, mail.messageId)
      ? { outcome: 'refused', description: problem } : { outcome: 'duplicate', description: 'already read' };
  }
  const me = myAddress(c, mail.ical) ?? c.me[0] ?? '';
  const existing = c.store.get(uid);
  // A REQUEST forwarded by the attendee who delegated to us carries the organizer's data; the
  // sender check above let it through (RFC 5546 §3.2.2.3), so it is applied as the organizer's.
  const forwarded = method === 'REQUEST' && delegator(mainComponent(root), mail.from);
  const r = processMessage({ message: mail.ical, recipientAddress: me, existingCopy: existing && !existing.deleted ? existing.ical : null, ...(forwarded ? {} : { originator: `mailto:${mail.from}` }), now: c.now() });
  if (!c.store.addInbox({ ...base, state: 'new', description: r.description }, mail.messageId)) return { outcome: 'duplicate', description: 'already read' };
  if (r.newCopy && r.newCopy !== existing?.ical) c.store.saveLocal(uid, r.newCopy, c.isLocalOnly(r.newCopy));
  if (r.followUp.length) await deliver(c, r.followUp, false);
  return { outcome: r.outcome, description: r.description };
}

/** What an inbox message asks: the method and the sender's answer, for the inbox table. */
export function inboxSummary(ical: string): string {
  const comp = mainComponent(parseCalendar(ical));
  const title = String(comp.getFirstPropertyValue('summary') ?? '(no title)');
  const a = comp.getFirstProperty('attendee');
  const partstat = a?.getParameter('partstat');
  return typeof partstat === 'string' && /REPLY/i.test(ical.match(/^METHOD:.*$/m)?.[0] ?? '') ? `${title}: ${partstat.toLowerCase()}` : title;
}

