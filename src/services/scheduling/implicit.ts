/**
 * Implicit scheduling (RFC 6638 §3.2): a PUT or DELETE of a scheduling object resource by the
 * organizer sends REQUEST/ADD/CANCEL to the attendees; one by an attendee sends REPLY to the
 * organizer. What each change means comes from the iTIP engine (domain/itip); this module finds
 * the roles, checks who may send (a delegate sends for the person they assist, with SENT-BY), and
 * writes each recipient's SCHEDULE-STATUS on the organizer's copy.
 */
import { randomUUID } from 'node:crypto';
import { ReefknotError } from '../../domain/errors.js';
import { attendeeMessages, organizerMessages, type ItipMessage } from '../../domain/itip/index.js';
import type { CollectionRow, StoreTx, UserRow } from '../../store/types.js';
import { privilegesOn, requirePrivilege, type Principal } from '../access.js';
import type { ServiceContext } from '../context.js';
import { schedulingFacts, specialCollection, type SchedulingFacts } from './calendar-users.js';
import type { Delivery, StatusMap } from './deliver.js';
import { annotateScheduleStatus, keepAttendeeAnswers } from './schedule-status.js';

export interface WriteOutcome {
  /** The text to store: the client's, or the organizer's copy with SEQUENCE and SCHEDULE-STATUS set. */
  text: string;
  /** null: not a scheduling object (tag cleared); else the new Schedule-Tag. */
  scheduleTag: string | null;
  /** Answers to send once the object is stored (rooms reply at once). */
  later: ItipMessage[];
}

type Role = { kind: 'organizer'; address: string } | { kind: 'attendee'; address: string } | { kind: 'none' };

export class ImplicitScheduling {
  constructor(private readonly ctx: ServiceContext, private readonly delivery: Delivery) {}

  private async roleOf(tx: StoreTx, owner: UserRow, facts: (SchedulingFacts | null)[]): Promise<Role> {
    const mine = new Set(await tx.listAddresses(owner.id));
    const known = facts.filter((f): f is SchedulingFacts => f !== null && f.organizer !== null);
    const organizer = known.map((f) => f.organizer).find((o): o is string => o !== null && mine.has(o));
    if (organizer) return { kind: 'organizer', address: organizer };
    const attendee = known.flatMap((f) => f.attendees).find((a) => mine.has(a));
    return attendee ? { kind: 'attendee', address: attendee } : { kind: 'none' };
  }

  /** The address the actor signs as when acting for the owner (SENT-BY), after checking schedule-send. */
  private async sentBy(tx: StoreTx, actor: Principal, owner: UserRow): Promise<string | undefined> {
    if (!actor.user || actor.user.id === owner.id) return undefined;
    const outbox = await specialCollection(tx, owner, 'outbox');
    if (!outbox) throw new ReefknotError('forbidden', 'This calendar user cannot schedule');
    requirePrivilege(await privilegesOn(tx, actor, outbox), 'schedule-send');
    return (await tx.listAddresses(actor.user.id))[0];
  }

  private async send(tx: StoreTx, messages: ItipMessage[], owner: UserRow, later?: ItipMessage[]): Promise<StatusMap> {
    const statuses: StatusMap = new Map();
    for (const m of messages) for (const [r, s] of await this.delivery.deliver(tx, m, owner.id, 0, later)) statuses.set(r, s);
    return statuses;
  }

  /** Delivers the answers collected while scheduling a write, now that the object is stored. */
  async flush(tx: StoreTx, later: ItipMessage[], senderId: number): Promise<void> {
    for (const m of later) await this.delivery.deliver(tx, m, senderId, 1);
  }

  /** Runs scheduling for a client's write; returns what to store. */
  async onWrite(tx: StoreTx, actor: Principal, collection: CollectionRow, name: string, before: string | null, written: string, keepAnswers = false): Promise<WriteOutcome> {
    const owner = await tx.getUserById(collection.ownerId);
    let after = written;
    const facts = [schedulingFacts(before ?? ''), schedulingFacts(after)];
    if (!owner || !facts.some((f) => f?.organizer && f.attendees.length > 0)) return { text: after, scheduleTag: null, later: [] };
    const role = await this.roleOf(tx, owner, facts);
    if (role.kind === 'none') return { text: after, scheduleTag: randomUUID(), later: [] };
    await this.checkUnique(tx, owner, collection, name, facts[1]?.uid ?? '');
    const sentBy = await this.sentBy(tx, actor, owner);
    const now = new Date(this.ctx.now());
    if (role.kind === 'attendee') {
      await this.send(tx, attendeeMessages({ before, after, attendeeAddress: role.address, now, options: { sentBy, describe: true } }), owner);
      return { text: after, scheduleTag: randomUUID(), later: [] };
    }
    if (keepAnswers && before) after = keepAttendeeAnswers(before, after);
    const result = organizerMessages({ before, after, organizerAddress: role.address, now, options: { sentBy } });
    const later: ItipMessage[] = [];
    const statuses = await this.send(tx, result.messages, owner, later);
    return { text: annotateScheduleStatus(result.updatedOrganizerCopy ?? after, statuses), scheduleTag: randomUUID(), later };
  }

  /** RFC 6638 §3.2.4.1 CALDAV:unique-scheduling-object-resource: one copy per UID per user. */
  private async checkUnique(tx: StoreTx, owner: UserRow, collection: CollectionRow, name: string, uid: string): Promise<void> {
    for (const other of await tx.findObjectsByUidForOwner(owner.id, uid)) {
      if (other.collection.kind !== 'calendar' || (other.collection.id === collection.id && other.object.name === name)) continue;
      throw new ReefknotError('unique-scheduling-object', `This scheduling object already exists at ${other.collection.path}${other.object.name}`, { href: other.collection.path + other.object.name });
    }
  }

  /** Runs scheduling for a client's delete: CANCEL from the organizer, a declining REPLY from an attendee. */
  async onDelete(tx: StoreTx, actor: Principal, collection: CollectionRow, before: string): Promise<void> {
    const owner = await tx.getUserById(collection.ownerId);
    const facts = schedulingFacts(before);
    if (!owner || !facts?.organizer || facts.attendees.length === 0) return;
    const role = await this.roleOf(tx, owner, [facts]);
    if (role.kind === 'none') return;
    const sentBy = await this.sentBy(tx, actor, owner);
    const now = new Date(this.ctx.now());
    const messages = role.kind === 'organizer'
      ? organizerMessages({ before, after: null, organizerAddress: role.address, now, options: { sentBy } }).messages
      : attendeeMessages({ before, after: null, attendeeAddress: role.address, now, options: { sentBy, describe: true } });
    await this.send(tx, messages, owner);
  }
}
