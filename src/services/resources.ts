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

  read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.ctx.store.read(fn);
  }

  /** Finds the resource at `path`, or null when nothing is there; throws 'forbidden' outside the user's space. */
  async resolve(tx: StoreTx, principal: Principal, path: string): Promise<Resource | null> {
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
  async require(tx: StoreTx, principal: Principal, path: string): Promise<Resource> {
    const r = await this.resolve(tx, principal, path);
    if (!r) throw new ReefknotError('not-found', `Nothing is stored at ${path}`);
    return r;
  }

  /** The members of a collection-like resource, each already resolved. */
  async children(tx: StoreTx, principal: Principal, r: Resource): Promise<Resource[]> {
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

  async content(tx: StoreTx, r: Resource & { type: 'object' }): Promise<ObjectRow> {
    const row = await tx.getObject(r.collection.id, r.object.name);
    if (!row) throw new ReefknotError('not-found', `Nothing is stored at ${r.path}`);
    return row;
  }

  async deadProperties(tx: StoreTx, r: Resource): Promise<DeadProperty[]> {
    if (r.type === 'collection') return tx.getProperties(r.collection.id, '');
    if (r.type === 'object') return tx.getProperties(r.collection.id, r.object.name);
    return [];
  }

  check(principal: Principal, r: Resource, privilege: Privilege): void {
    if (r.type === 'collection' || r.type === 'object') requirePrivilege(principal, r.collection.ownerId, privilege);
    else if (privilege !== 'read') throw new ReefknotError('forbidden', 'This resource cannot be changed');
  }
}
