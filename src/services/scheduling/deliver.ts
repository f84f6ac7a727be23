/**
 * Delivering iTIP messages (design.md "Scheduling flow", step 2): a local recipient gets the
 * message in their inbox and their copy created or updated in the same transaction (RFC 6638 §4,
 * SCHEDULE-STATUS 1.2); anyone else becomes a delivery record for the queue (1.0 pending). Rooms
 * and resources answer invitations themselves.
 */
import { randomUUID } from 'node:crypto';
import { processMessage, type ItipMessage } from '../../domain/itip/index.js';
import type { StoreTx, UserRow } from '../../store/types.js';
import type { ServiceContext } from '../context.js';
import type { ObjectWriter } from '../object-writer.js';
import { defaultCalendar, localUser, schedulingFacts, specialCollection, userCopy } from './calendar-users.js';
import { answerAsResource } from './rooms.js';
import { objectNameFor } from '../calendar-objects.js';
import { SCHEDULE_STATUS, scheduleStatusOf } from './schedule-status.js';
import { PermanentDeliveryError, type OutboundMessage, type Transport } from './transports.js';

/** How deep follow-up messages (a REFRESH answered by a REQUEST, a room's REPLY) may chain. */
const MAX_DEPTH = 4;

export type StatusMap = Map<string, string>;

export class Delivery {
  /**
   * A transport tried at once, during the request, before a remote message is queued (iSchedule:
   * design.md "Scheduling flow" step 2). Its answer (1.2, 3.7, 3.8, 5.x) is recorded and returned
   * as the SCHEDULE-STATUS; only when it cannot carry the message, cannot connect or takes longer
   * than `immediateTimeoutMs` is the message queued for the worker (same message id, so a late
   * arrival is not applied twice). Set by server/; null: everything is queued.
   */
  immediate: Transport | null = null;
  immediateTimeoutMs = 5_000;

  constructor(private readonly ctx: ServiceContext, private readonly writer: ObjectWriter) {}

  /** Delivers `message` to each recipient; returns the SCHEDULE-STATUS per recipient. */
  /**
   * Delivers `message` to each recipient; returns the SCHEDULE-STATUS per recipient. Answers that
   * recipients send back at once (a room's REPLY) go to `later` when given, so the caller can
   * deliver them after storing the object they answer.
   */
  async deliver(tx: StoreTx, message: ItipMessage, senderId: number, depth = 0, later?: ItipMessage[]): Promise<StatusMap> {
    const statuses: StatusMap = new Map();
    for (const recipient of message.recipients) {
      const user = await localUser(tx, recipient);
      if (user) statuses.set(recipient, await this.deliverLocal(tx, message, recipient, user, depth, later));
      else statuses.set(recipient, await this.queueRemote(tx, message, recipient, senderId));
    }
    return statuses;
  }

  private async queueRemote(tx: StoreTx, message: ItipMessage, recipient: string, senderId: number): Promise<string> {
    if (!/^mailto:[^@\s]+@[^@\s]+$/i.test(recipient)) return SCHEDULE_STATUS.invalidUser;
    const now = this.ctx.now();
    const messageId = `${randomUUID()}@reefknot`;
    const done = await this.tryImmediate({ messageId, method: message.method, originator: message.originator, recipient, ical: message.ical });
    await tx.addDelivery({
      ownerId: senderId, uid: message.uid, method: message.method, originator: message.originator, recipient, message: message.ical,
      messageId, route: done ? (this.immediate?.name ?? 'none') : 'none', status: done ? (done === SCHEDULE_STATUS.delivered ? 'delivered' : 'failed') : 'pending',
      scheduleStatus: done ?? SCHEDULE_STATUS.pending, nextTry: now, createdAt: now,
    });
    return done ?? SCHEDULE_STATUS.pending;
  }

  /** The immediate transport's SCHEDULE-STATUS, or null when the message must wait in the queue. */
  private async tryImmediate(m: OutboundMessage): Promise<string | null> {
    const t = this.immediate;
    if (!t || !(await t.handles(m.recipient).catch(() => false))) return null;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), this.immediateTimeoutMs); });
    const attempt = t.send(m).catch((e: unknown) => (e instanceof PermanentDeliveryError ? e.scheduleStatus : null));
    try {
      return await Promise.race([attempt, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Clients name objects after their UID; a copy the server creates is named the same way when free. */
  private async freeName(tx: StoreTx, collectionId: number, uid: string): Promise<string> {
    const name = objectNameFor(uid);
    return (await tx.getObjectMeta(collectionId, name)) ? `${randomUUID()}.ics` : name;
  }

  /** Puts the message in a local user's inbox and applies it to their copy; returns the SCHEDULE-STATUS. */
  async deliverLocal(tx: StoreTx, message: ItipMessage, recipient: string, user: UserRow, depth = 0, later?: ItipMessage[]): Promise<string> {
    const facts = schedulingFacts(message.ical);
    const inbox = await specialCollection(tx, user, 'inbox');
    if (!facts || !inbox || user.disabled) return SCHEDULE_STATUS.failed;
    await this.writer.writeInboxItem(tx, inbox, `${randomUUID()}.ics`, message.ical, facts.uid, facts.componentType);
    const copy = await userCopy(tx, user, facts.uid);
    const result = processMessage({ message: message.ical, recipientAddress: recipient, existingCopy: copy?.text ?? null, originator: message.originator, now: new Date(this.ctx.now()) });
    if (result.newCopy !== null && result.newCopy !== copy?.text) {
      const target = copy?.collection ?? (await defaultCalendar(tx, user, facts.componentType));
      if (!target) return SCHEDULE_STATUS.failed;
      const name = copy?.object.name ?? (await this.freeName(tx, target.id, facts.uid));
      // The organizer's update changes the attendee copy's Schedule-Tag; a reply does not change the organizer's (RFC 6638 §3.2.10).
      const tag = message.method === 'REPLY' ? undefined : randomUUID();
      await this.writer.write(tx, target, name, Buffer.from(result.newCopy), 'text/calendar', tag);
    }
    if (depth < MAX_DEPTH) {
      for (const follow of result.followUp) await this.deliver(tx, follow, user.id, depth + 1);
      if (message.method === 'REQUEST' && (user.type === 'room' || user.type === 'resource') && result.newCopy) {
        const reply = await answerAsResource(tx, this.ctx, user, recipient, result.newCopy, this.writer);
        if (reply && later) later.push(reply);
        else if (reply) await this.deliver(tx, reply, user.id, depth + 1);
      }
    }
    return scheduleStatusOf(result.requestStatus);
  }
}
