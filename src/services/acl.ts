/**
 * The ACL of a collection as WebDAV shows and changes it (RFC 3744 §5.5 DAV:acl, §8.1 ACL method).
 * The owner's ACE, proxies and sharing are shown as protected: only the ACL method's own ACEs can
 * be replaced. Nothing is cached: a change applies to the next request.
 */
import { ReefknotError } from '../domain/errors.js';
import type { AcePrincipal } from '../domain/acl/evaluate.js';
import { ACCESS_LEVELS, isPrivilege, type AccessLevel, type Privilege } from '../domain/acl/privileges.js';
import type { CollectionRow, StoreTx } from '../store/types.js';
import { parsePrincipalKey, principalKey, requirePrivilege, type Principal } from './access.js';
import { homePath, principalPath, USER_PRINCIPALS_PATH, type ServiceContext } from './context.js';
import { snapshotOf, type Resource, type ResourceService, type Snapshot } from './resources.js';

/** An ACE as shown: principals by kind, users by their principal path. */
export interface ShownAce {
  principal: { kind: 'all' | 'authenticated' | 'unauthenticated' } | { kind: 'href'; path: string };
  privileges: Privilege[];
  deny: boolean;
  protected: boolean;
  /** Path of the collection this ACE is inherited from, if any. */
  inheritedFrom: string | null;
}

export interface NewAce {
  principal: AcePrincipal;
  privileges: Privilege[];
  deny: boolean;
}

const txOf = (s: Snapshot): StoreTx => s as unknown as StoreTx;

export class AclService {
  constructor(private readonly ctx: ServiceContext, private readonly resources: ResourceService) {}

  /** DAV:acl of a collection; needs read-acl. */
  async show(snapshot: Snapshot, r: Resource & { type: 'collection' }): Promise<ShownAce[]> {
    requirePrivilege(r.access.privileges, 'read-acl');
    const tx = txOf(snapshot);
    const out: ShownAce[] = [];
    const owner = await tx.getUserById(r.collection.ownerId);
    if (owner) out.push({ principal: { kind: 'href', path: principalPath(owner.name) }, privileges: ['all'], deny: false, protected: true, inheritedFrom: null });
    for (const p of await tx.listProxies(r.collection.ownerId)) {
      const proxy = await tx.getUserById(p.proxyId);
      const privileges: Privilege[] = p.write ? ['read', 'write-content', 'write-properties', 'bind', 'unbind'] : ['read'];
      if (proxy) out.push({ principal: { kind: 'href', path: principalPath(proxy.name) }, privileges, deny: false, protected: true, inheritedFrom: null });
    }
    await this.collectionAces(tx, r.collection, null, out);
    if (r.collection.kind !== 'home') {
      const home = owner ? await tx.getCollection(homePath(owner.name)) : null;
      if (home) await this.collectionAces(tx, home, home.path, out);
    }
    return out;
  }

  private async collectionAces(tx: StoreTx, c: CollectionRow, inheritedFrom: string | null, out: ShownAce[]): Promise<void> {
    for (const s of await tx.listSharesOf(c.id)) {
      const sharee = s.status === 'accepted' ? await tx.getUserById(s.shareeId) : null;
      const privileges = [...(ACCESS_LEVELS[s.access as AccessLevel] ?? [])];
      if (sharee) out.push({ principal: { kind: 'href', path: principalPath(sharee.name) }, privileges, deny: false, protected: true, inheritedFrom });
    }
    for (const g of await tx.listGrants(c.id)) {
      const p = parsePrincipalKey(g.principal);
      if (!p) continue;
      const user = p.kind === 'user' ? await tx.getUserById(p.userId) : null;
      if (p.kind === 'user' && !user) continue;
      out.push({
        principal: user ? { kind: 'href', path: principalPath(user.name) } : { kind: p.kind as 'all' | 'authenticated' | 'unauthenticated' },
        privileges: g.privileges.filter(isPrivilege), deny: g.deny, protected: g.origin === 'share', inheritedFrom,
      });
    }
  }

  /** The user a principal href names, or null (RFC 3744 §8.1.1 DAV:recognized-principal). */
  async userIdOf(snapshot: Snapshot, path: string): Promise<number | null> {
    if (!path.startsWith(USER_PRINCIPALS_PATH)) return null;
    const name = path.slice(USER_PRINCIPALS_PATH.length).replace(/\/$/, '');
    return (await txOf(snapshot).getUserByName(name))?.id ?? null;
  }

  /** Replaces the ACL method's ACEs on a collection (RFC 3744 §8.1); needs write-acl. */
  async replace(principal: Principal, path: string, aces: NewAce[]): Promise<void> {
    await this.ctx.store.write(async (tx) => {
      const r = await this.resources.require(snapshotOf(tx), principal, path);
      if (r.type !== 'collection' || !['calendar', 'home', 'plain'].includes(r.collection.kind)) {
        throw new ReefknotError('forbidden', 'ACLs are set on calendars, plain collections and calendar homes; objects inherit them');
      }
      requirePrivilege(r.access.privileges, 'write-acl');
      await tx.replaceGrants(r.collection.id, 'acl', aces.map((a) => ({ principal: principalKey(a.principal), privileges: a.privileges, deny: a.deny })));
      await tx.touchCollection(r.collection.id, this.ctx.now());
    });
  }
}
