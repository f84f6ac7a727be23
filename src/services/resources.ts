/**
 * The resource tree every protocol sees (design.md "Identity"): principals under /principals/,
 * homes under /calendars/NAME/, then collections and objects from the store. Resolving a path
 * also decides access: another user's space answers 'forbidden' whether or not the path exists,
 * so no name or content leaks.
 */
import { ReefknotError } from '../domain/errors.js';
import type { CollectionRow, DeadProperty, ObjectMeta, ObjectRow, StoreTx, UserRow } from '../store/types.js';
import { requirePrivilege, type Principal, type Privilege } from './access.js';
import { HOMES_PATH, PRINCIPALS_PATH, USER_PRINCIPALS_PATH, type ServiceContext } from './context.js';

declare const SNAPSHOT: unique symbol;
/** An open store transaction, opaque outside services: protocols hand it back, never query it. */
export type Snapshot = { readonly [SNAPSHOT]: true };
export const snapshotOf = (tx: StoreTx): Snapshot => tx as unknown as Snapshot;
const txOf = (s: Snapshot): StoreTx => s as unknown as StoreTx;

export type Resource =
  | { type: 'root'; path: '/' }
  | { type: 'principals'; path: string }
  | { type: 'user-principals'; path: string }
  | { type: 'principal'; path: string; user: UserRow }
  | { type: 'homes'; path: string }
  | { type: 'collection'; path: string; collection: CollectionRow }
  | { type: 'object'; path: string; collection: CollectionRow; object: ObjectMeta };

/** Splits a decoded path into its parent collection path and last segment ('' for a collection). */
export function splitPath(path: string): { parent: string; name: string } {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  const i = trimmed.lastIndexOf('/');
  return { parent: trimmed.slice(0, i + 1), name: trimmed.slice(i + 1) };
}

export const asCollectionPath = (path: string): string => (path.endsWith('/') ? path : `${path}/`);

export class ResourceService {
  constructor(private readonly ctx: ServiceContext) {}

  read<T>(fn: (snapshot: Snapshot) => Promise<T>): Promise<T> {
    return this.ctx.store.read((tx) => fn(snapshotOf(tx)));
  }

  /** Finds the resource at `path`, or null when nothing is there; throws 'forbidden' outside the user's space. */
  async resolve(snapshot: Snapshot, principal: Principal, path: string): Promise<Resource | null> {
    const tx = txOf(snapshot);
    if (path === '/') return { type: 'root', path: '/' };
    if (path === PRINCIPALS_PATH || path === PRINCIPALS_PATH.slice(0, -1)) return { type: 'principals', path: PRINCIPALS_PATH };
    if (path === USER_PRINCIPALS_PATH || path === USER_PRINCIPALS_PATH.slice(0, -1)) return { type: 'user-principals', path: USER_PRINCIPALS_PATH };
    if (path === HOMES_PATH || path === HOMES_PATH.slice(0, -1)) return { type: 'homes', path: HOMES_PATH };
    if (path.startsWith(USER_PRINCIPALS_PATH)) return this.resolvePrincipal(tx, principal, path);
    if (path.startsWith(HOMES_PATH)) return this.resolveInHome(tx, principal, path);
    return null;
  }

  private async resolvePrincipal(tx: StoreTx, principal: Principal, path: string): Promise<Resource | null> {
    const rest = path.slice(USER_PRINCIPALS_PATH.length).replace(/\/$/, '');
    if (rest.includes('/')) return null;
    if (rest !== principal.user.name) throw new ReefknotError('forbidden', 'You do not have access to this principal');
    return { type: 'principal', path: `${USER_PRINCIPALS_PATH}${rest}/`, user: principal.user };
  }

  private async resolveInHome(tx: StoreTx, principal: Principal, path: string): Promise<Resource | null> {
    const owner = path.slice(HOMES_PATH.length).split('/')[0] ?? '';
    if (owner !== principal.user.name) throw new ReefknotError('forbidden', 'You do not have access to this calendar home');
    const asCollection = await tx.getCollection(asCollectionPath(path));
    if (asCollection) {
      requirePrivilege(principal, asCollection.ownerId, 'read');
      return { type: 'collection', path: asCollection.path, collection: asCollection };
    }
    if (path.endsWith('/')) return null;
    const { parent, name } = splitPath(path);
    const collection = await tx.getCollection(parent);
    if (!collection) return null;
    const object = await tx.getObjectMeta(collection.id, name);
    if (!object) return null;
    return { type: 'object', path, collection, object };
  }

  /** The resource, or 'not-found'. */
  async require(snapshot: Snapshot, principal: Principal, path: string): Promise<Resource> {
    const r = await this.resolve(snapshot, principal, path);
    if (!r) throw new ReefknotError('not-found', `Nothing is stored at ${path}`);
    return r;
  }

  /** The members of a collection-like resource, each already resolved. */
  async children(snapshot: Snapshot, principal: Principal, r: Resource): Promise<Resource[]> {
    const tx = txOf(snapshot);
    switch (r.type) {
      case 'root':
        return [{ type: 'principals', path: PRINCIPALS_PATH }, { type: 'homes', path: HOMES_PATH }];
      case 'principals':
        return [{ type: 'user-principals', path: USER_PRINCIPALS_PATH }];
      case 'user-principals':
        return [{ type: 'principal', path: `${USER_PRINCIPALS_PATH}${principal.user.name}/`, user: principal.user }];
      case 'homes': {
        const home = await tx.getCollection(`${HOMES_PATH}${principal.user.name}/`);
        return home ? [{ type: 'collection', path: home.path, collection: home }] : [];
      }
      case 'collection': {
        const sub = await tx.listChildCollections(r.collection.id);
        const objects = await tx.listObjects(r.collection.id);
        return [
          ...sub.map((c): Resource => ({ type: 'collection', path: c.path, collection: c })),
          ...objects.map((o): Resource => ({ type: 'object', path: r.collection.path + o.name, collection: r.collection, object: o })),
        ];
      }
      default:
        return [];
    }
  }

  async content(snapshot: Snapshot, r: Resource & { type: 'object' }): Promise<ObjectRow> {
    const row = await txOf(snapshot).getObject(r.collection.id, r.object.name);
    if (!row) throw new ReefknotError('not-found', `Nothing is stored at ${r.path}`);
    return row;
  }

  async deadProperties(snapshot: Snapshot, r: Resource): Promise<DeadProperty[]> {
    const tx = txOf(snapshot);
    if (r.type === 'collection') return tx.getProperties(r.collection.id, '');
    if (r.type === 'object') return tx.getProperties(r.collection.id, r.object.name);
    return [];
  }

  /** Bytes used by the owner and their quota (null: unlimited), RFC 4331. */
  async quota(snapshot: Snapshot, ownerId: number): Promise<{ used: number; quota: number | null }> {
    const owner = await txOf(snapshot).getUserById(ownerId);
    return { used: owner?.usedBytes ?? 0, quota: owner?.quotaBytes ?? null };
  }

  async addresses(snapshot: Snapshot, userId: number): Promise<string[]> {
    return txOf(snapshot).listAddresses(userId);
  }

  /** The stored text of every object in a collection. */
  async objectTexts(snapshot: Snapshot, collection: CollectionRow): Promise<string[]> {
    const tx = txOf(snapshot);
    const texts: string[] = [];
    for (const o of await tx.listObjects(collection.id)) {
      const row = await tx.getObject(collection.id, o.name);
      if (row) texts.push(row.content.toString('utf8'));
    }
    return texts;
  }

  /**
   * Members changed since `revision` (RFC 6578), newest state per name, oldest change first; the
   * cost is the number of changes, not the size of the collection.
   */
  async changesSince(snapshot: Snapshot, collection: CollectionRow, revision: number): Promise<{ name: string; revision: number; object: ObjectMeta | null }[]> {
    const tx = txOf(snapshot);
    const latest = new Map<string, number>();
    for (const c of await tx.changesSince(collection.id, revision)) {
      latest.delete(c.name);
      latest.set(c.name, c.revision);
    }
    const out: { name: string; revision: number; object: ObjectMeta | null }[] = [];
    for (const [name, rev] of latest) out.push({ name, revision: rev, object: await tx.getObjectMeta(collection.id, name) });
    return out;
  }

  async listObjectMetas(snapshot: Snapshot, collection: CollectionRow): Promise<ObjectMeta[]> {
    return txOf(snapshot).listObjects(collection.id);
  }

  async objectsInRange(snapshot: Snapshot, collection: CollectionRow, start: number, end: number): Promise<ObjectMeta[]> {
    return txOf(snapshot).objectsInRange(collection.id, start, end);
  }

  check(principal: Principal, r: Resource, privilege: Privilege): void {
    if (r.type === 'collection' || r.type === 'object') requirePrivilege(principal, r.collection.ownerId, privilege);
    else if (privilege !== 'read') throw new ReefknotError('forbidden', 'This resource cannot be changed');
  }
}
