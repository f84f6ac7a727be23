/** CIP gateway tables (migration 10, docs/cip.md): peers' shared passwords and moved user identifiers. */
import type { CipPeerRow, CipRedirectRow } from '../types.js';
import { SqlFreeBusyTx } from './sql-freebusy.js';

interface PeerRecord { domain: string; password_hash: string; password: string; host: string | null; tls: number; created_at: number }
interface RedirectRecord { address: string; target: string; created_at: number }

const toPeer = (r: PeerRecord): CipPeerRow => ({ domain: r.domain, passwordHash: r.password_hash, password: r.password, host: r.host, tls: r.tls !== 0, createdAt: r.created_at });
const toRedirect = (r: RedirectRecord): CipRedirectRow => ({ address: r.address, target: r.target, createdAt: r.created_at });

export class SqlCipTx extends SqlFreeBusyTx {
  async putCipPeer(p: CipPeerRow): Promise<void> {
    await this.run(`INSERT INTO cip_peers (domain, password_hash, password, host, tls, created_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (domain) DO UPDATE SET password_hash = excluded.password_hash, password = excluded.password, host = excluded.host, tls = excluded.tls`,
    p.domain.toLowerCase(), p.passwordHash, p.password, p.host, p.tls ? 1 : 0, p.createdAt);
  }

  async getCipPeer(domain: string): Promise<CipPeerRow | null> {
    const r = await this.get<PeerRecord>('SELECT * FROM cip_peers WHERE domain = ?', domain.toLowerCase());
    return r ? toPeer(r) : null;
  }

  async listCipPeers(): Promise<CipPeerRow[]> {
    return (await this.all<PeerRecord>('SELECT * FROM cip_peers ORDER BY domain')).map(toPeer);
  }

  async deleteCipPeer(domain: string): Promise<boolean> {
    return (await this.run('DELETE FROM cip_peers WHERE domain = ?', domain.toLowerCase())).changes > 0;
  }

  async putCipRedirect(r: CipRedirectRow): Promise<void> {
    await this.run('INSERT INTO cip_redirects (address, target, created_at) VALUES (?, ?, ?) ON CONFLICT (address) DO UPDATE SET target = excluded.target',
      r.address.toLowerCase(), r.target.toLowerCase(), r.createdAt);
  }

  async getCipRedirect(address: string): Promise<CipRedirectRow | null> {
    const r = await this.get<RedirectRecord>('SELECT * FROM cip_redirects WHERE address = ?', address.toLowerCase());
    return r ? toRedirect(r) : null;
  }

  async listCipRedirects(): Promise<CipRedirectRow[]> {
    return (await this.all<RedirectRecord>('SELECT * FROM cip_redirects ORDER BY address')).map(toRedirect);
  }

  async deleteCipRedirect(address: string): Promise<boolean> {
    return (await this.run('DELETE FROM cip_redirects WHERE address = ?', address.toLowerCase())).changes > 0;
  }

  async ownersOfUid(uid: string): Promise<number[]> {
    return (await this.all<{ owner_id: number }>(`SELECT DISTINCT c.owner_id FROM objects o JOIN collections c ON c.id = o.collection_id
      WHERE o.uid = ? AND c.kind = 'calendar' ORDER BY c.owner_id LIMIT 100`, uid)).map((r) => r.owner_id);
  }
}
