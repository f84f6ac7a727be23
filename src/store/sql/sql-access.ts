/** Access-control tables of the SQLite store: grants (ACEs), calendar shares and proxies. */
import type { GrantRow, ShareRow } from '../types.js';
import { SqlBase } from './sql-base.js';

interface GrantRecord { id: number; collection_id: number; principal: string; privileges: string; deny: number; origin: string; position: number }
interface ShareRecord {
  id: number; collection_id: number; sharee_id: number; access: string; status: string; bind_name: string | null; summary: string; uid: string; created_at: number;
}

const toGrant = (r: GrantRecord): GrantRow => ({
  id: r.id, collectionId: r.collection_id, principal: r.principal, privileges: r.privileges.split(','), deny: r.deny !== 0,
  origin: r.origin as GrantRow['origin'], position: r.position,
});
const toShare = (r: ShareRecord): ShareRow => ({
  id: r.id, collectionId: r.collection_id, shareeId: r.sharee_id, access: r.access, status: r.status as ShareRow['status'],
  bindName: r.bind_name, summary: r.summary, uid: r.uid, createdAt: r.created_at,
});

export class SqlAccessTx extends SqlBase {
  async listGrants(collectionId: number): Promise<GrantRow[]> {
    return (await this.all<GrantRecord>('SELECT * FROM grants WHERE collection_id = ? ORDER BY position, id', collectionId)).map(toGrant);
  }
  async replaceGrants(collectionId: number, origin: GrantRow['origin'], grants: { principal: string; privileges: string[]; deny: boolean }[]): Promise<void> {
    await this.run('DELETE FROM grants WHERE collection_id = ? AND origin = ?', collectionId, origin);
    // ACL-method ACEs come after sharing grants (position 1000+) so their order is kept as sent.
    const base = origin === 'acl' ? 1000 : 0;
    for (const [i, g] of grants.entries()) {
      await this.run('INSERT INTO grants (collection_id, principal, privileges, deny, origin, position) VALUES (?, ?, ?, ?, ?, ?)',
        collectionId, g.principal, g.privileges.join(','), g.deny ? 1 : 0, origin, base + i);
    }
  }
  async listGrantsFor(principal: string): Promise<GrantRow[]> {
    return (await this.all<GrantRecord>('SELECT * FROM grants WHERE principal = ? ORDER BY collection_id, position', principal)).map(toGrant);
  }
  async upsertShare(s: { collectionId: number; shareeId: number; access: string; status: ShareRow['status']; bindName: string | null; summary: string; uid: string; now: number }): Promise<ShareRow> {
    await this.run(`INSERT INTO shares (collection_id, sharee_id, access, status, bind_name, summary, uid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (collection_id, sharee_id) DO UPDATE SET access = excluded.access, status = excluded.status, bind_name = excluded.bind_name, summary = excluded.summary`,
      s.collectionId, s.shareeId, s.access, s.status, s.bindName, s.summary, s.uid, s.now);
    return toShare((await this.get<ShareRecord>('SELECT * FROM shares WHERE collection_id = ? AND sharee_id = ?', s.collectionId, s.shareeId)) as ShareRecord);
  }
  async getShare(collectionId: number, shareeId: number): Promise<ShareRow | null> {
    const r = await this.get<ShareRecord>('SELECT * FROM shares WHERE collection_id = ? AND sharee_id = ?', collectionId, shareeId);
    return r ? toShare(r) : null;
  }
  async getShareByUid(uid: string): Promise<ShareRow | null> {
    const r = await this.get<ShareRecord>('SELECT * FROM shares WHERE uid = ?', uid);
    return r ? toShare(r) : null;
  }
  async getShareByBind(shareeId: number, bindName: string): Promise<ShareRow | null> {
    const r = await this.get<ShareRecord>('SELECT * FROM shares WHERE sharee_id = ? AND bind_name = ?', shareeId, bindName);
    return r ? toShare(r) : null;
  }
  async listSharesOf(collectionId: number): Promise<ShareRow[]> {
    return (await this.all<ShareRecord>('SELECT * FROM shares WHERE collection_id = ? ORDER BY id', collectionId)).map(toShare);
  }
  async listSharesFor(shareeId: number): Promise<ShareRow[]> {
    return (await this.all<ShareRecord>('SELECT * FROM shares WHERE sharee_id = ? ORDER BY id', shareeId)).map(toShare);
  }
  async deleteShare(id: number): Promise<void> {
    await this.run('DELETE FROM shares WHERE id = ?', id);
  }
  async setProxies(ownerId: number, write: boolean, proxyIds: number[]): Promise<void> {
    await this.run('DELETE FROM proxies WHERE owner_id = ? AND write = ?', ownerId, write ? 1 : 0);
    for (const id of proxyIds) {
      await this.run('INSERT INTO proxies (owner_id, proxy_id, write) VALUES (?, ?, ?) ON CONFLICT (owner_id, proxy_id) DO UPDATE SET write = excluded.write', ownerId, id, write ? 1 : 0);
    }
  }
  async listProxies(ownerId: number): Promise<{ proxyId: number; write: boolean }[]> {
    return (await this.all<{ proxy_id: number; write: number }>('SELECT proxy_id, write FROM proxies WHERE owner_id = ? ORDER BY proxy_id', ownerId))
      .map((r) => ({ proxyId: r.proxy_id, write: r.write !== 0 }));
  }
  async listProxyFor(proxyId: number): Promise<{ ownerId: number; write: boolean }[]> {
    return (await this.all<{ owner_id: number; write: number }>('SELECT owner_id, write FROM proxies WHERE proxy_id = ?', proxyId))
      .map((r) => ({ ownerId: r.owner_id, write: r.write !== 0 }));
  }
}
