/**
 * CIP commands reaching the listener (draft-ietf-calsch-cip-00 §2.2–2.4), once the protocol layer
 * has turned the draft's vCalendar lines into iTIP (RFC 5546): SENDEVENT is a REQUEST (or CANCEL)
 * delivered to this server's attendees, RSVP a REPLY applied to the organizer's copy, FREEBUSY a
 * busy-time lookup (RFC 6638 §3.2.2 rules). Policy (docs/cip.md): only a logged-in peer may send;
 * it may only send events organized in its own domain and answer for its own addresses; rooms and
 * resources are not bookable over CIP; a peer is rate-limited; a message id is applied once.
 */
import ICAL from 'ical.js';
import type { BusyTime } from '../../domain/freebusy/compute.js';
import type { ItipMessage } from '../../domain/itip/index.js';
import type { StoreTx, UserRow } from '../../store/types.js';
import type { ServiceContext } from '../context.js';
import { busyTimeOf } from './busy-time.js';
import { localUser, schedulingFacts, userCopy } from './calendar-users.js';
import type { CipPeers } from './cip-peers.js';
import type { Delivery } from './deliver.js';
import { allowedSenders } from './receive.js';

export type CipNote = { kind: 'TENTATIVE' | 'NOTFOUND' | 'PERMDENIED' | 'CONFIRMED'; who: string } | { kind: 'REDIRECT'; who: string; to: string };
/** all: done for everyone asked; some / none: partly / not at all; denied: access control. */
export type CipOutcome = 'all' | 'some' | 'none' | 'denied' | 'invalid' | 'duplicate' | 'limited';
export interface CipAnswer { outcome: CipOutcome; notes: CipNote[]; text: string }
export interface CipBusy { who: string; busy: BusyTime }

export interface CipLimits {
  maxRecipients: number;
  perPeerPerHour: number;
  maxFreeBusyUsers: number;
  maxFreeBusyMs: number;
}

export const DEFAULT_CIP_LIMITS: CipLimits = { maxRecipients: 100, perPeerPerHour: 2000, maxFreeBusyUsers: 20, maxFreeBusyMs: 366 * 86_400_000 };

const SENDEVENT_METHODS = new Set(['REQUEST', 'CANCEL', 'ADD']);
const bare = (a: string): string => a.replace(/^mailto:/i, '').toLowerCase();
const mailto = (a: string): string => `mailto:${bare(a)}`;
const domainOf = (a: string): string => bare(a).split('@')[1] ?? '';
const answer = (outcome: CipOutcome, text: string, notes: CipNote[] = []): CipAnswer => ({ outcome, notes, text });
const tally = (asked: number, done: number): CipOutcome => (done === asked ? 'all' : done > 0 ? 'some' : 'none');

type Component = InstanceType<typeof ICAL.Component>;
function mainComponent(ical: string): { root: Component; comp: Component } | null {
  try {
    const root = new ICAL.Component(ICAL.parse(ical) as unknown[]);
    const comp = root.getAllSubcomponents().find((c) => c.name !== 'vtimezone');
    return comp ? { root, comp } : null;
  } catch {
    return null;
  }
}

export class CipGateway {
  private readonly seen = new Map<string, number[]>();

  constructor(private readonly ctx: ServiceContext, private readonly delivery: Delivery, readonly peers: CipPeers, private readonly limits: CipLimits = DEFAULT_CIP_LIMITS) {}

  login(identity: string, password: string): Promise<string | null> {
    return this.peers.login(identity, password);
  }

  private overLimit(peer: string): boolean {
    const now = this.ctx.now();
    const recent = (this.seen.get(peer) ?? []).filter((t) => t > now - 3_600_000);
    recent.push(now);
    this.seen.set(peer, recent);
    return recent.length > this.limits.perPeerPerHour;
  }

  /** SENDEVENT: `only`, when given, narrows the recipients (the X-CIP-RECIPIENT extension). */
  async sendEvent(peer: string | null, ical: string, opts: { messageId?: string | null; only?: string[] } = {}): Promise<CipAnswer> {
    const facts = schedulingFacts(ical);
    if (!peer) return answer('denied', 'Authenticate first', facts?.organizer ? [{ kind: 'PERMDENIED', who: bare(facts.organizer) }] : []);
    let who: ReturnType<typeof allowedSenders>;
    try {
      who = allowedSenders(ical);
    } catch (e) {
      return answer('invalid', `Bad event: ${(e as Error).message}`);
    }
    const organizer = bare(who.originator);
    if (!SENDEVENT_METHODS.has(who.method) || !facts) return answer('invalid', 'Bad event');
    if (domainOf(organizer) !== peer) return answer('denied', 'Only events organized in your own domain', [{ kind: 'PERMDENIED', who: organizer }]);
    const only = opts.only?.map(bare);
    const recipients = [...new Set(facts.attendees.map(bare))].filter((a) => a !== organizer && domainOf(a) !== peer && (!only || only.includes(a)));
    if (recipients.length === 0) return answer('invalid', 'No attendee for this server');
    if (recipients.length > this.limits.maxRecipients) return answer('invalid', `More than ${this.limits.maxRecipients} attendees`);
    if (this.overLimit(peer)) return answer('limited', 'Too many commands; try again later');
    const message: ItipMessage = { method: who.method, recipients: recipients.map(mailto), originator: mailto(organizer), uid: who.uid, ical };
    return this.ctx.store.write(async (tx) => {
      // This server's own users schedule through it: a peer speaking for one is refused (as iMIP refuses such mail).
      if (await localUser(tx, mailto(organizer))) return answer('denied', 'The organizer is a user of this server', [{ kind: 'PERMDENIED', who: organizer }]);
      if (opts.messageId && !(await tx.markMessageSeen(`cip:${peer}:${opts.messageId}`, this.ctx.now()))) return answer('duplicate', 'Already received');
      const notes: CipNote[] = [];
      for (const r of recipients) notes.push(await this.deliverOne(tx, message, r));
      const outcome = tally(recipients.length, notes.filter((n) => n.kind === 'TENTATIVE').length);
      return answer(outcome, outcome === 'all' ? 'SENDEVENT COMPLETED' : outcome === 'some' ? 'Not all attendees received the event' : 'No attendee received the event', notes);
    });
  }

  private async deliverOne(tx: StoreTx, message: ItipMessage, address: string): Promise<CipNote> {
    const redirect = await tx.getCipRedirect(address);
    if (redirect) return { kind: 'REDIRECT', who: address, to: redirect.target };
    const user = await localUser(tx, mailto(address));
    if (!user || user.disabled) return { kind: 'NOTFOUND', who: address };
    if (user.type === 'room' || user.type === 'resource') return { kind: 'PERMDENIED', who: address };
    const status = await this.delivery.deliverLocal(tx, message, mailto(address), user);
    return { kind: status === '1.2' ? 'TENTATIVE' : status === '3.8' ? 'PERMDENIED' : 'NOTFOUND', who: address };
  }

  /** RSVP: a REPLY from an attendee in the peer's domain, applied to the organizer's copy here. */
  async rsvp(peer: string | null, ical: string, opts: { messageId?: string | null } = {}): Promise<CipAnswer> {
    let who: ReturnType<typeof allowedSenders>;
    try {
      who = allowedSenders(ical);
    } catch (e) {
      return answer('invalid', `Bad RSVP: ${(e as Error).message}`);
    }
    const attendee = bare(who.originator);
    if (!peer || domainOf(attendee) !== peer) return answer('denied', peer ? 'Only answers for addresses in your own domain' : 'Authenticate first', [{ kind: 'PERMDENIED', who: attendee }]);
    if (who.method !== 'REPLY') return answer('invalid', 'Bad RSVP');
    if (this.overLimit(peer)) return answer('limited', 'Too many commands; try again later');
    return this.ctx.store.write(async (tx) => {
      if (await localUser(tx, mailto(attendee))) return answer('denied', 'The attendee is a user of this server', [{ kind: 'PERMDENIED', who: attendee }]);
      if (opts.messageId && !(await tx.markMessageSeen(`cip:${peer}:${opts.messageId}`, this.ctx.now()))) return answer('duplicate', 'Already received');
      const target = await this.organizerOf(tx, ical, who.uid);
      if (!target) return answer('none', 'No such event here', [{ kind: 'NOTFOUND', who: who.uid }]);
      const current = await userCopy(tx, target.user, who.uid);
      const reply = completeReply(ical, target.address, current ? mainComponent(current.text)?.comp.getFirstPropertyValue('sequence') : null);
      const message: ItipMessage = { method: 'REPLY', recipients: [target.address], originator: mailto(attendee), uid: who.uid, ical: reply };
      const status = await this.delivery.deliverLocal(tx, message, target.address, target.user);
      if (status !== '1.2') return answer(status === '3.8' ? 'denied' : 'none', 'The event does not take this answer', [{ kind: status === '3.8' ? 'PERMDENIED' : 'NOTFOUND', who: attendee }]);
      const copy = await userCopy(tx, target.user, who.uid);
      return answer('all', 'RSVP COMPLETED', confirmed(copy?.text ?? '').map((a) => ({ kind: 'CONFIRMED' as const, who: a })));
    });
  }

  /** The local organizer of the event: the message's ORGANIZER, else the owner of a copy they organize. */
  private async organizerOf(tx: StoreTx, ical: string, uid: string): Promise<{ user: UserRow; address: string } | null> {
    const named = mainComponent(ical)?.comp.getFirstPropertyValue('organizer');
    if (named) {
      const user = await localUser(tx, String(named));
      return user && !user.disabled ? { user, address: mailto(String(named)) } : null;
    }
    for (const id of await tx.ownersOfUid(uid)) {
      const user = await tx.getUserById(id);
      const copy = user && !user.disabled ? await userCopy(tx, user, uid) : null;
      const organizer = copy ? schedulingFacts(copy.text)?.organizer : null;
      if (user && organizer && (await tx.listAddresses(user.id)).map(bare).includes(bare(organizer))) return { user, address: mailto(organizer) };
    }
    return null;
  }

  /** FREEBUSY: each named user's busy time over the range. */
  async freeBusy(peer: string | null, addresses: string[], range: { start: number; end: number }): Promise<CipAnswer & { busy: CipBusy[] }> {
    if (!peer) return { ...answer('denied', 'Authenticate first'), busy: [] };
    if (addresses.length === 0 || addresses.length > this.limits.maxFreeBusyUsers) return { ...answer('invalid', `Name 1 to ${this.limits.maxFreeBusyUsers} users`), busy: [] };
    if (!(range.end > range.start) || range.end - range.start > this.limits.maxFreeBusyMs) return { ...answer('invalid', 'Bad or too long a time range'), busy: [] };
    if (this.overLimit(peer)) return { ...answer('limited', 'Too many commands; try again later'), busy: [] };
    return this.ctx.store.read(async (tx) => {
      const notes: CipNote[] = [];
      const busy: CipBusy[] = [];
      for (const address of addresses.map(bare)) {
        const redirect = await tx.getCipRedirect(address);
        const user = redirect ? null : await localUser(tx, mailto(address));
        if (redirect) notes.push({ kind: 'REDIRECT', who: address, to: redirect.target });
        else if (!user || user.disabled) notes.push({ kind: 'NOTFOUND', who: address });
        else busy.push({ who: address, busy: await busyTimeOf(tx, this.ctx, user, range) });
      }
      return { ...answer(tally(addresses.length, busy.length), 'FREEBUSY COMPLETED', notes), busy };
    });
  }
}

/**
 * The REPLY with ORGANIZER set (a CIP RSVP need not name the organizer) and, when the RSVP gave no
 * SEQUENCE (the draft's §2.3 example), the organizer's current one: it answers the event as it is.
 */
function completeReply(ical: string, organizer: string, sequence: unknown): string {
  const parsed = mainComponent(ical);
  if (!parsed) return ical;
  if (!parsed.comp.getFirstProperty('organizer')) parsed.comp.addPropertyWithValue('organizer', organizer);
  if (!parsed.comp.getFirstProperty('sequence') && typeof sequence === 'number') parsed.comp.addPropertyWithValue('sequence', sequence);
  return `${parsed.root.toString()}\r\n`;
}

/** Attendees of the organizer's copy (its main component) who have accepted. */
function confirmed(text: string): string[] {
  const comp = mainComponent(text)?.comp;
  if (!comp) return [];
  return comp.getAllProperties('attendee').filter((p) => String(p.getParameter('partstat') ?? '').toUpperCase() === 'ACCEPTED').map((p) => bare(String(p.getFirstValue())));
}
