/** iSchedule tables (migration 7): this server's DKIM signing keys and its trusted peers. */
import type { IScheduleKeyRow, ISchedulePeerRow } from '../types.js';
import { SqlDeliveryTx } from './sql-deliveries.js';

interface KeyRecord { domain: string; selector: string; private_key: string; public_key: string; created_at: number }
interface PeerRecord { domain: string; url: string | null; public_key: string | null; allow: string; created_at: number }

const toKey = (r: KeyRecord): IScheduleKeyRow => ({ domain: r.domain, selector: r.selector, privateKeyPem: r.private_key, publicKeyPem: r.public_key, createdAt: r.created_at });
const toPeer = (r: PeerRecord): ISchedulePeerRow => ({
  domain: r.domain, url: r.url, publicKeyPem: r.public_key, allow: r.allow.split(',').filter((a) => a !== ''), createdAt: r.created_at,
});

export class SqlIScheduleTx extends SqlDeliveryTx {
  async putIScheduleKey(k: IScheduleKeyRow): Promise<void> {
    await this.run(`INSERT INTO ischedule_keys (domain, selector, private_key, public_key, created_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (domain) DO UPDATE SET selector = excluded.selector, private_key = excluded.private_key, public_key = excluded.public_key, created_at = excluded.created_at`,
    k.domain.toLowerCase(), k.selector, k.privateKeyPem, k.publicKeyPem, k.createdAt);
  }

  async getIScheduleKey(domain: string): Promise<IScheduleKeyRow | null> {
    const r = await this.get<KeyRecord>('SELECT * FROM ischedule_keys WHERE domain = ?', domain.toLowerCase());
    return r ? toKey(r) : null;
  }

  async listIScheduleKeys(): Promise<IScheduleKeyRow[]> {
    return (await this.all<KeyRecord>('SELECT * FROM ischedule_keys ORDER BY domain')).map(toKey);
  }

  async putISchedulePeer(p: ISchedulePeerRow): Promise<void> {
    await this.run(`INSERT INTO ischedule_peers (domain, url, public_key, allow, created_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (domain) DO UPDATE SET url = excluded.url, public_key = excluded.public_key, allow = excluded.allow`,
    p.domain.toLowerCase(), p.url, p.publicKeyPem, p.allow.join(','), p.createdAt);
  }

  async getISchedulePeer(domain: string): Promise<ISchedulePeerRow | null> {
    const r = await this.get<PeerRecord>('SELECT * FROM ischedule_peers WHERE domain = ?', domain.toLowerCase());
    return r ? toPeer(r) : null;
  }

  async listISchedulePeers(): Promise<ISchedulePeerRow[]> {
    return (await this.all<PeerRecord>('SELECT * FROM ischedule_peers ORDER BY domain')).map(toPeer);
  }

  async deleteISchedulePeer(domain: string): Promise<boolean> {
    return (await this.run('DELETE FROM ischedule_peers WHERE domain = ?', domain.toLowerCase())).changes > 0;
  }
}
