/**
 * Scheduling messages arriving from outside (iMIP now; the same path serves iSchedule and CIP):
 * the sender is checked first — the mail's From must be the iTIP originator (RFC 6047 §3: the
 * ORGANIZER for PUBLISH/REQUEST/ADD/CANCEL/DECLINECOUNTER, the ATTENDEE or its SENT-BY for
 * REPLY/COUNTER/REFRESH), and the authentication verdict must pass where required — then each
 * local recipient gets it through the same delivery as local scheduling. What fails a check goes
 * to quarantine, never silently into a calendar. Duplicates (same Message-ID) are dropped.
 */
import ICAL from 'ical.js';
import type { ItipMessage, ItipMethod } from '../../domain/itip/index.js';
import { senderProblem } from '../../domain/imip/mail.js';
import type { QuarantineRow, StoreTx } from '../../store/types.js';
import type { ServiceContext } from '../context.js';
import { localUser } from './calendar-users.js';
import type { Delivery } from './deliver.js';
import { requestStatusText } from './schedule-status.js';

export interface InboundMessage {
  raw: Buffer;
  /** The address the message says it is from (mail From). */
  from: string;
  /** Local recipients asked for (envelope RCPT TO, or the To/Cc headers when piped). */
  recipients: string[];
  messageId: string | null;
  /** The iTIP part, if the message has one. */
  ical: string | null;
  /** Result of DKIM/SPF/DMARC when the server requires it; null when not checked. */
  authentication: { pass: boolean; detail: string } | null;
}

export type ReceiveOutcome =
  | { kind: 'applied'; results: { recipient: string; requestStatus: string }[] }
  | { kind: 'quarantined'; id: number; reason: string }
  | { kind: 'duplicate' }
  | { kind: 'rejected'; reason: string };

export interface ReceiveLimits {
  maxRecipients: number;
  perSenderPerHour: number;
  perDomainPerHour: number;
}

export const DEFAULT_RECEIVE_LIMITS: ReceiveLimits = { maxRecipients: 50, perSenderPerHour: 200, perDomainPerHour: 2000 };

const ORGANIZER_METHODS = new Set(['PUBLISH', 'REQUEST', 'ADD', 'CANCEL', 'DECLINECOUNTER']);
const bare = (a: string): string => a.replace(/^mailto:/i, '').toLowerCase();

/** Who may send this message: the originator and whoever they let send for them (SENT-BY). */
export function allowedSenders(ical: string): { method: ItipMethod; originator: string; senders: Set<string>; uid: string } {
  const root = new ICAL.Component(ICAL.parse(ical) as unknown[]);
  const method = String(root.getFirstPropertyValue('method') ?? '').toUpperCase() as ItipMethod;
  const comp = root.getAllSubcomponents().find((c) => c.name !== 'vtimezone');
  if (!comp || !method) throw new Error('the calendar part has no METHOD or no component');
  const props = ORGANIZER_METHODS.has(method) ? comp.getAllProperties('organizer') : comp.getAllProperties('attendee');
  const senders = new Set<string>();
  for (const p of props) {
    senders.add(bare(String(p.getFirstValue())));
    const sentBy = p.getParameter('sent-by');
    if (typeof sentBy === 'string') senders.add(bare(sentBy));
  }
  const first = props[0];
  if (!first) throw new Error(`a ${method} names no ${ORGANIZER_METHODS.has(method) ? 'ORGANIZER' : 'ATTENDEE'}`);
  return { method, originator: String(first.getFirstValue()).toLowerCase(), senders, uid: String(comp.getFirstPropertyValue('uid') ?? '') };
}

export class ReceiveService {
  private readonly seen = new Map<string, number[]>();

  constructor(private readonly ctx: ServiceContext, private readonly delivery: Delivery, private readonly limits: ReceiveLimits = DEFAULT_RECEIVE_LIMITS) {}

  private overLimit(key: string, max: number): boolean {
    const now = this.ctx.now();
    const recent = (this.seen.get(key) ?? []).filter((t) => t > now - 3_600_000);
    recent.push(now);
    this.seen.set(key, recent);
    return recent.length > max;
  }

  async receive(m: InboundMessage, options: { trusted?: boolean } = {}): Promise<ReceiveOutcome> {
    if (!m.ical) return { kind: 'rejected', reason: 'the message has no text/calendar part' };
    let who: ReturnType<typeof allowedSenders>;
    try {
      who = allowedSenders(m.ical);
    } catch (e) {
      return { kind: 'rejected', reason: `the calendar part cannot be used: ${(e as Error).message}` };
    }
    const from = bare(m.from);
    if (m.recipients.length > this.limits.maxRecipients) return { kind: 'rejected', reason: `more than ${this.limits.maxRecipients} recipients` };
    if (!options.trusted && (this.overLimit(`s:${from}`, this.limits.perSenderPerHour) || this.overLimit(`d:${from.split('@')[1] ?? ''}`, this.limits.perDomainPerHour))) {
      return { kind: 'rejected', reason: 'too many messages from this sender; try again later' };
    }
    return this.ctx.store.write(async (tx) => {
      if (!options.trusted) {
        const reason = await this.suspicion(tx, m, who, from);
        if (reason) return this.quarantine(tx, m, reason);
      }
      if (m.messageId && !(await tx.markMessageSeen(m.messageId, this.ctx.now()))) return { kind: 'duplicate' as const };
      const message: ItipMessage = { method: who.method, recipients: m.recipients, originator: who.originator, uid: who.uid, ical: m.ical ?? '' };
      const results: { recipient: string; requestStatus: string }[] = [];
      for (const recipient of m.recipients.map((r) => `mailto:${bare(r)}`)) {
        const user = await localUser(tx, recipient);
        results.push({ recipient, requestStatus: requestStatusText(user ? await this.delivery.deliverLocal(tx, message, recipient, user) : '3.7') });
      }
      return { kind: 'applied' as const, results };
    });
  }

  /** Why a message must not be applied, or null when it passes every check. */
  private async suspicion(tx: StoreTx, m: InboundMessage, who: ReturnType<typeof allowedSenders>, from: string): Promise<string | null> {
    const problem = senderProblem(m.ical ?? '', from);
    if (problem) return problem;
    if (m.authentication && !m.authentication.pass) return `sender authentication failed: ${m.authentication.detail}`;
    // Local users schedule through this server, never by mail: mail claiming to be from one is forged.
    if (await localUser(tx, `mailto:${from}`)) return `<${from}> is a user of this server; their scheduling does not arrive by mail`;
    return null;
  }

  private async quarantine(tx: StoreTx, m: InboundMessage, reason: string): Promise<ReceiveOutcome> {
    const row = await tx.addQuarantine({ receivedAt: this.ctx.now(), sender: bare(m.from), recipients: m.recipients, reason, raw: m.raw });
    return { kind: 'quarantined', id: row.id, reason };
  }

  listQuarantine(): Promise<QuarantineRow[]> {
    return this.ctx.store.read((tx) => tx.listQuarantine());
  }

  getQuarantine(id: number): Promise<QuarantineRow | null> {
    return this.ctx.store.read((tx) => tx.getQuarantine(id));
  }

  dropQuarantine(id: number): Promise<boolean> {
    return this.ctx.store.write((tx) => tx.deleteQuarantine(id));
  }
}
