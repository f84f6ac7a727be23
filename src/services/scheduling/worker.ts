/**
 * The delivery worker (design.md "Scheduling flow", step 3): takes due deliveries from the store,
 * sends each through the first transport that carries it, and writes the outcome back — the
 * delivery row and the SCHEDULE-STATUS on the sender's copy (RFC 6638 §3.2.9) in one transaction.
 * Failures are retried with exponential backoff and jitter up to a maximum age; then the sender's
 * copy shows 5.1 and their inbox a notice. A message keeps one Message-ID for all its attempts,
 * so a crash between sending and recording costs at most a duplicate the receiver drops.
 */
import { randomUUID } from 'node:crypto';
import type { DeliveryRow, StoreTx } from '../../store/types.js';
import type { ServiceContext } from '../context.js';
import type { ObjectWriter } from '../object-writer.js';
import { specialCollection, userCopy } from './calendar-users.js';
import { annotateScheduleStatus } from './schedule-status.js';
import { PermanentDeliveryError, type Transport } from './transports.js';

export interface WorkerOptions {
  batch: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** After this long without success a delivery fails (5.1). */
  maxAgeMs: number;
  random: () => number;
  /** How long a claimed delivery is this worker's alone; after a crash another worker retries it then. */
  leaseMs: number;
}

export const DEFAULT_WORKER_OPTIONS: WorkerOptions = {
  batch: 50, baseDelayMs: 30_000, maxDelayMs: 3_600_000, maxAgeMs: 3 * 86_400_000, random: Math.random, leaseMs: 5 * 60_000,
};

export class DeliveryWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  private unlisten: (() => void) | null = null;

  constructor(private readonly ctx: ServiceContext, private readonly transports: Transport[], private readonly writer: ObjectWriter, private readonly options: WorkerOptions = DEFAULT_WORKER_OPTIONS) {}

  /** Processes every delivery due now; returns how many were attempted. */
  runOnce(): Promise<number> {
    this.running ??= this.process().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** A wake-up while a run is under way runs once more after it, so nothing waits for the poll. */
  private wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    void this.runOnce().catch(() => undefined).then(() => {
      if (!this.again) return;
      this.again = false;
      this.wake();
    });
  }

  private async process(): Promise<number> {
    if (this.transports.length === 0) return 0;
    const now = this.ctx.now();
    // Claimed in a transaction of its own, so workers in other processes skip these rows.
    const due = await this.ctx.store.write((tx) => tx.claimDueDeliveries(now, this.options.batch, this.options.leaseMs));
    for (const d of due) await this.attempt(d);
    return due.length;
  }

  private async attempt(d: DeliveryRow): Promise<void> {
    let transport: Transport | undefined;
    for (const t of this.transports) if (await t.handles(d.recipient)) { transport = t; break; }
    if (!transport) return this.finish(d, 'failed', '3.7', 'No transport can reach this address');
    try {
      const status = await transport.send({ messageId: d.messageId, method: d.method, originator: d.originator, recipient: d.recipient, ical: d.message });
      await this.finish(d, status === '1.2' ? 'delivered' : status.startsWith('1.') ? 'sent' : 'failed', status, null, transport.name);
    } catch (e) {
      if (e instanceof PermanentDeliveryError) return this.finish(d, 'failed', e.scheduleStatus, e.message, transport.name);
      await this.retryLater(d, (e as Error).message ?? String(e), transport.name);
    }
  }

  private async retryLater(d: DeliveryRow, error: string, route: string): Promise<void> {
    const now = this.ctx.now();
    if (now - d.createdAt >= this.options.maxAgeMs) return this.finish(d, 'failed', '5.1', `Gave up after ${d.attempts + 1} attempts: ${error}`, route);
    const delay = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** d.attempts) * (0.8 + 0.4 * this.options.random());
    await this.ctx.store.write((tx) => tx.updateDelivery(d.id, { attempts: d.attempts + 1, nextTry: now + Math.round(delay), lastError: error, route }, now));
  }

  private async finish(d: DeliveryRow, status: DeliveryRow['status'], scheduleStatus: string, error: string | null, route = d.route): Promise<void> {
    await this.ctx.store.write(async (tx) => {
      await tx.updateDelivery(d.id, { status, scheduleStatus, attempts: d.attempts + 1, lastError: error, route }, this.ctx.now());
      await this.markSendersCopy(tx, d, scheduleStatus);
      if (status === 'failed') await this.notify(tx, d, error ?? 'could not be delivered');
    });
  }

  private async markSendersCopy(tx: StoreTx, d: DeliveryRow, scheduleStatus: string): Promise<void> {
    const owner = await tx.getUserById(d.ownerId);
    const copy = owner ? await userCopy(tx, owner, d.uid) : null;
    if (!copy) return;
    const text = annotateScheduleStatus(copy.text, new Map([[d.recipient, scheduleStatus]]));
    if (text !== copy.text) await this.writer.write(tx, copy.collection, copy.object.name, Buffer.from(text), 'text/calendar');
  }

  /** A notice in the sender's inbox: a VJOURNAL saying what could not be delivered, and why. */
  private async notify(tx: StoreTx, d: DeliveryRow, reason: string): Promise<void> {
    const owner = await tx.getUserById(d.ownerId);
    const inbox = owner ? await specialCollection(tx, owner, 'inbox') : null;
    if (!inbox) return;
    const stamp = new Date(this.ctx.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const escape = (s: string): string => s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
    const text = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Reefknot//Delivery notice//EN', 'METHOD:PUBLISH', 'BEGIN:VJOURNAL',
      `UID:${randomUUID()}`, `DTSTAMP:${stamp}`, `SUMMARY:${escape(`Could not deliver ${d.method} for ${d.uid} to ${d.recipient.replace(/^mailto:/, '')}`)}`,
      `DESCRIPTION:${escape(reason)}`, `RELATED-TO:${escape(d.uid)}`, 'REQUEST-STATUS:5.1;Could not be delivered', 'END:VJOURNAL', 'END:VCALENDAR', ''].join('\r\n');
    await this.writer.writeInboxItem(tx, inbox, `${randomUUID()}.ics`, text, d.uid, 'VJOURNAL');
  }

  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.wake(), intervalMs);
    this.timer.unref();
    // Queued here or, on PostgreSQL, by any process: start at once rather than at the next poll.
    this.unlisten = this.ctx.store.onDeliveryQueued(() => this.wake());
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unlisten?.();
    this.unlisten = null;
    this.again = false;
    await this.running?.catch(() => undefined);
  }
}
