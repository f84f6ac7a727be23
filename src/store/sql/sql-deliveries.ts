/** The deliveries table: scheduling messages for recipients that are not local (design.md). */
import type { DeliveryRow, QuarantineRow } from '../types.js';
import { SqlAccessTx } from './sql-access.js';

interface DeliveryRecord {
  id: number; owner_id: number; uid: string; method: string; originator: string; recipient: string; message: string; message_id: string;
  route: string; status: string; schedule_status: string; attempts: number; next_try: number; last_error: string | null; created_at: number; updated_at: number;
}

const toDelivery = (r: DeliveryRecord): DeliveryRow => ({
  id: r.id, ownerId: r.owner_id, uid: r.uid, method: r.method, originator: r.originator, recipient: r.recipient, message: r.message,
  messageId: r.message_id, route: r.route, status: r.status as DeliveryRow['status'], scheduleStatus: r.schedule_status, attempts: r.attempts,
  nextTry: r.next_try, lastError: r.last_error, createdAt: r.created_at, updatedAt: r.updated_at,
});

const COLUMNS: Record<string, string> = { status: 'status', scheduleStatus: 'schedule_status', attempts: 'attempts', nextTry: 'next_try', lastError: 'last_error', route: 'route' };

export class SqlDeliveryTx extends SqlAccessTx {
  /** Set when this transaction queued a delivery: the store wakes delivery workers after commit. */
  deliveriesQueued = false;

  async addDelivery(d: Omit<DeliveryRow, 'id' | 'attempts' | 'lastError' | 'updatedAt'>): Promise<DeliveryRow> {
    this.deliveriesQueued = true;
    const r = await this.get<DeliveryRecord>(`INSERT INTO deliveries (owner_id, uid, method, originator, recipient, message, message_id, route, status, schedule_status, next_try, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`, d.ownerId, d.uid, d.method, d.originator, d.recipient, d.message, d.messageId, d.route, d.status, d.scheduleStatus, d.nextTry, d.createdAt, d.createdAt);
    return toDelivery(r as DeliveryRecord);
  }

  async listDeliveries(filter: { ownerId?: number; uid?: string; status?: DeliveryRow['status'] }): Promise<DeliveryRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.ownerId !== undefined) { where.push('owner_id = ?'); params.push(filter.ownerId); }
    if (filter.uid !== undefined) { where.push('uid = ?'); params.push(filter.uid); }
    if (filter.status !== undefined) { where.push('status = ?'); params.push(filter.status); }
    const sql = `SELECT * FROM deliveries${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
    return (await this.all<DeliveryRecord>(sql, ...params)).map(toDelivery);
  }

  async countDeliveries(): Promise<Record<DeliveryRow['status'], number>> {
    const counts: Record<DeliveryRow['status'], number> = { pending: 0, sent: 0, delivered: 0, failed: 0 };
    for (const r of await this.all<{ status: DeliveryRow['status']; n: number }>('SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status')) counts[r.status] = r.n;
    return counts;
  }

  async claimDueDeliveries(now: number, limit: number, leaseMs: number): Promise<DeliveryRow[]> {
    // SQLite has one writer at a time, so its claim needs no row locks.
    const lock = this.db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    const rows = await this.all<DeliveryRecord>(`SELECT * FROM deliveries WHERE status = 'pending' AND next_try <= ? ORDER BY next_try, id LIMIT ?${lock}`, now, limit);
    for (const r of rows) await this.run('UPDATE deliveries SET next_try = ? WHERE id = ?', now + leaseMs, r.id);
    return rows.map(toDelivery);
  }

  async updateDelivery(id: number, patch: Partial<Pick<DeliveryRow, 'status' | 'scheduleStatus' | 'attempts' | 'nextTry' | 'lastError' | 'route'>>, now: number): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [];
    for (const [k, v] of Object.entries(patch)) {
      const column = COLUMNS[k];
      if (!column) continue;
      sets.push(`${column} = ?`);
      params.push(v);
    }
    if (patch.status === 'pending') this.deliveriesQueued = true;
    await this.run(`UPDATE deliveries SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ?`, ...params, now, id);
  }

  async addQuarantine(q: Omit<QuarantineRow, 'id'>): Promise<QuarantineRow> {
    const r = await this.get<{ id: number }>('INSERT INTO quarantine (received_at, sender, recipients, reason, raw) VALUES (?, ?, ?, ?, ?) RETURNING id', q.receivedAt, q.sender, JSON.stringify(q.recipients), q.reason, q.raw);
    return { ...q, id: Number(r?.id) };
  }

  async listQuarantine(): Promise<QuarantineRow[]> {
    return (await this.all<QuarantineRecord>('SELECT * FROM quarantine ORDER BY id')).map(toQuarantine);
  }

  async getQuarantine(id: number): Promise<QuarantineRow | null> {
    const r = await this.get<QuarantineRecord>('SELECT * FROM quarantine WHERE id = ?', id);
    return r ? toQuarantine(r) : null;
  }

  async deleteQuarantine(id: number): Promise<boolean> {
    return (await this.run('DELETE FROM quarantine WHERE id = ?', id)).changes > 0;
  }

  async markMessageSeen(messageId: string, now: number): Promise<boolean> {
    return (await this.run('INSERT INTO seen_messages (message_id, received_at) VALUES (?, ?) ON CONFLICT DO NOTHING', messageId, now)).changes > 0;
  }
}

interface QuarantineRecord { id: number; received_at: number; sender: string; recipients: string; reason: string; raw: Buffer }
const toQuarantine = (r: QuarantineRecord): QuarantineRow => ({
  id: r.id, receivedAt: r.received_at, sender: r.sender, recipients: JSON.parse(r.recipients) as string[], reason: r.reason, raw: r.raw,
});
