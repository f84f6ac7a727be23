/**
 * iSchedule requests arriving from another server (draft-desruisseaux-ischedule-05 §8), once the
 * protocol layer has verified the DKIM signature of `peerDomain`: the originator must belong to
 * that domain and be the iTIP sender (RFC 5546 ORGANIZER or ATTENDEE, or their SENT-BY); the
 * peer policy must allow the operation (deliver, freebusy, rooms; else 3.8); a message id is
 * applied once. Each local recipient then gets the message through the same delivery as local
 * scheduling (2.0 delivered), unknown recipients 3.7; VFREEBUSY REQUESTs are answered with busy
 * time (RFC 6638 §3.2.2 rules, as the outbox answers them).
 */
import { freeBusyReply, parseFreeBusyRequest, type BusyPeriod, type ItipMessage } from '../../domain/itip/index.js';
import type { ISchedulePeerRow, StoreTx, UserRow } from '../../store/types.js';
import type { ServiceContext } from '../context.js';
import { busyTimeOf } from './busy-time.js';
import { localUser } from './calendar-users.js';
import type { Delivery } from './deliver.js';
import { allowedSenders } from './receive.js';
import { requestStatusText } from './schedule-status.js';

export interface IScheduleInbound {
  /** The domain whose key signed the request (DKIM d=). */
  peerDomain: string;
  originator: string;
  recipients: string[];
  ical: string;
  messageId: string;
}

export interface IScheduleAnswer {
  recipient: string;
  requestStatus: string;
  calendarData?: string;
}

export type IScheduleOutcome =
  | { kind: 'answered'; answers: IScheduleAnswer[] }
  | { kind: 'duplicate' }
  | { kind: 'rejected'; reason: string };

const bare = (a: string): string => a.replace(/^mailto:/i, '').toLowerCase();
const norm = (a: string): string => `mailto:${bare(a)}`;

export class IScheduleReceive {
  constructor(private readonly ctx: ServiceContext, private readonly delivery: Delivery) {}

  async receive(m: IScheduleInbound): Promise<IScheduleOutcome> {
    let who: ReturnType<typeof allowedSenders>;
    try {
      who = allowedSenders(m.ical);
    } catch (e) {
      return { kind: 'rejected', reason: `the calendar data cannot be used: ${(e as Error).message}` };
    }
    const originator = bare(m.originator);
    if (originator.split('@')[1] !== m.peerDomain) return { kind: 'rejected', reason: `the originator <${originator}> is not in the signing domain ${m.peerDomain}` };
    if (!who.senders.has(originator)) return { kind: 'rejected', reason: `<${originator}> is not the sender of this ${who.method} (${[...who.senders].join(', ')})` };
    const peer = await this.ctx.store.read((tx) => tx.getISchedulePeer(m.peerDomain));
    const isFreeBusy = who.method === 'REQUEST' && /^BEGIN:VFREEBUSY\r?$/m.test(m.ical);
    const needed = isFreeBusy ? 'freebusy' : 'deliver';
    const refused = (): IScheduleOutcome => ({ kind: 'answered', answers: m.recipients.map((r) => ({ recipient: norm(r), requestStatus: requestStatusText('3.8') })) });
    if (!peer || !peer.allow.includes(needed)) return refused();
    if (isFreeBusy) return this.ctx.store.read(async (tx) => ({ kind: 'answered' as const, answers: await this.freeBusy(tx, m) }));
    const message: ItipMessage = { method: who.method, recipients: m.recipients.map(norm), originator: `mailto:${originator}`, uid: who.uid, ical: m.ical };
    return this.ctx.store.write(async (tx) => {
      if (!(await tx.markMessageSeen(`ischedule:${m.messageId}`, this.ctx.now()))) return { kind: 'duplicate' as const };
      const answers: IScheduleAnswer[] = [];
      for (const recipient of message.recipients) answers.push({ recipient, requestStatus: await this.deliverOne(tx, message, recipient, peer) });
      return { kind: 'answered' as const, answers };
    });
  }

  private async deliverOne(tx: StoreTx, message: ItipMessage, recipient: string, peer: ISchedulePeerRow): Promise<string> {
    const user = await localUser(tx, recipient);
    if (!user || user.disabled) return requestStatusText('3.7');
    if ((user.type === 'room' || user.type === 'resource') && !peer.allow.includes('rooms')) return requestStatusText('3.8');
    const status = await this.delivery.deliverLocal(tx, message, recipient, user);
    return status === '1.2' ? '2.0;Success' : requestStatusText(status);
  }

  private async freeBusy(tx: StoreTx, m: IScheduleInbound): Promise<IScheduleAnswer[]> {
    const out: IScheduleAnswer[] = [];
    for (const recipient of m.recipients.map(norm)) {
      const user = await localUser(tx, recipient);
      if (!user || user.disabled) {
        out.push({ recipient, requestStatus: requestStatusText('3.7') });
        continue;
      }
      const reply = freeBusyReply({ request: m.ical, attendeeAddress: recipient, busy: await this.busy(tx, user, m.ical), now: new Date(this.ctx.now()) });
      out.push({ recipient, requestStatus: '2.0;Success', calendarData: reply.ical });
    }
    return out;
  }

  private async busy(tx: StoreTx, user: UserRow, request: string): Promise<BusyPeriod[]> {
    const q = parseFreeBusyRequest(request);
    const busy = await busyTimeOf(tx, this.ctx, user, { start: q.start.getTime(), end: q.end.getTime() });
    return [
      ...busy.busy.map((p) => ({ start: new Date(p.start), end: new Date(p.end), type: 'BUSY' as const })),
      ...busy.tentative.map((p) => ({ start: new Date(p.start), end: new Date(p.end), type: 'BUSY-TENTATIVE' as const })),
      ...busy.unavailable.map((p) => ({ start: new Date(p.start), end: new Date(p.end), type: 'BUSY-UNAVAILABLE' as const })),
    ];
  }
}
