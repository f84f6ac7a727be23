/**
 * The resource tree every protocol sees (design.md "Identity"): principals under /principals/,
 * homes under /calendars/NAME/, then collections and objects from the store, and calendars shared
 * with a user bound into their home. Resolving a path also decides access (services/access.ts):
 * where the requester holds no privilege the answer is 'forbidden' whether or not the path
 * exists, so no name or content leaks.
 */
import { ReefknotError } from '../domain/errors.js';
import type { CollectionRow, DeadProperty, ObjectMeta, ObjectRow, RangeCandidate, StoreTx, UserRow } from '../store/types.js';
import { PRIVILEGES } from '../domain/acl/privileges.js';
import { redactedText } from '../domain/acl/redact.js';
import { privilegesOn, requirePrivilege, seesRedacted, type Principal, type Privilege } from './access.js';
import { HOMES_PATH, PRINCIPALS_PATH, USER_PRINCIPALS_PATH, homePath, principalPath, type ServiceContext } from './context.js';

declare const SNAPSHOT: unique symbol;
/** An open store transaction, opaque outside services: protocols hand it back, never query it. */
export type Snapshot = { readonly [SNAPSHOT]: true };
export const snapshotOf = (tx: StoreTx): Snapshot => tx as unknown as Snapshot;
const txOf = (s: Snapshot): StoreTx => s as unknown as StoreTx;

/** What the requester may do with a collection or object, computed once per request. */
export interface Access {
  privileges: ReadonlySet<Privilege>;
  /** True when CLASS:PRIVATE/CONFIDENTIAL components must be shown as busy time only. */
  redact: boolean;
}

export const OWNER_ACCESS: Access = { privileges: new Set(PRIVILEGES), redact: false };

export type Resource =
  | { type: 'root'; path: '/' }
  | { type: 'principals'; path: string }
  | { type: 'user-principals'; path: string }
  | { type: 'principal'; path: string; user: UserRow }
  /** CalendarServer's calendar-proxy-read / calendar-proxy-write group of a user. */
  | { type: 'proxy-group'; path: string; owner: UserRow; write: boolean }
  /** CalendarServer's notification collection of a user, and the sharing invitations in it. */
  | { type: 'notifications'; path: string; user: UserRow }
  | { type: 'notification'; path: string; user: UserRow; uid: string }
  | { type: 'homes'; path: string }
  | { type: 'collection'; path: string; collection: CollectionRow; access: Access }
  | { type: 'object'; path: string; collection: CollectionRow; object: ObjectMeta; access: Access };

/** Splits a decoded path into its parent collection path and last segment ('' for a collection). */
export function splitPath(path: string): { parent: string; name: string } {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  const i = trimmed.lastIndexOf('/');
  return { parent: trimmed.slice(0, i + 1), name: trimmed.slice(i + 1) };
}

export const asCollectionPath = (path: string): string => (path.endsWith('/') ? path : `${path}/`);

export const NOTIFICATIONS = 'notifications';
export const PROXY_READ = 'calendar-proxy-read';
export const PROXY_WRITE = 'calendar-proxy-write';

const forbidden = (): ReefknotError => new ReefknotError('forbidden', 'You do not have access to this resource');

/** Where a path under /calendars/ lands: a collection (reached at `base`) and an object name, if any. */
interface Located {
  collection: CollectionRow;
  base: string;
  name: string | null;
}

export class ResourceService {
  constructor(private readonly ctx: ServiceContext) {}

  read<T>(fn: (snapshot: Snapshot) => Promise<T>): Promise<T> {
    return this.ctx.store.read((tx) => fn(snapshotOf(tx)));
  }

  /** Finds the resource at `path`, or null when nothing is there; 'forbidden' where the requester may not look. */
  async resolve(snapshot: Snapshot, principal: Principal, path: string): Promise<Resource | null> {
    const tx = txOf(snapshot);
    // Anonymous requesters reach published calendars only; everything else asks them to sign in.
    if (!principal.user && !path.startsWith(HOMES_PATH)) throw forbidden();
    if (path === '/') return { type: 'root', path: '/' };
    if (path === PRINCIPALS_PATH || path === PRINCIPALS_PATH.slice(0, -1)) return { type: 'principals', path: PRINCIPALS_PATH };
    if (path === USER_PRINCIPALS_PATH || path === USER_PRINCIPALS_PATH.slice(0, -1)) return { type: 'user-principals', path: USER_PRINCIPALS_PATH };
    if (path === HOMES_PATH || path === HOMES_PATH.slice(0, -1)) return { type: 'homes', path: HOMES_PATH };
    if (path.startsWith(USER_PRINCIPALS_PATH)) return this.resolvePrincipal(tx, principal, path);
    if (path.startsWith(HOMES_PATH)) return this.resolveInHome(tx, principal, path);
    return null;
  }

  /** Principals are visible to every signed-in user (their addresses are how people invite them). */
  private async resolvePrincipal(tx: StoreTx, principal: Principal, path: string): Promise<Resource | null> {
    if (!principal.user) throw forbidden();
    const [name, group, ...more] = path.slice(USER_PRINCIPALS_PATH.length).replace(/\/$/, '').split('/');
    if (!name || more.length > 0) return null;
    const user = name === principal.user.name ? principal.user : await tx.getUserByName(name);
    if (!user) return null;
    if (group === undefined) return { type: 'principal', path: principalPath(user.name), user };
    if (group !== PROXY_READ && group !== PROXY_WRITE) return null;
    return { type: 'proxy-group', path: `${principalPath(user.name)}${group}/`, owner: user, write: group === PROXY_WRITE };
  }

  private async locate(tx: StoreTx, principal: Principal, path: string): Promise<Located | null> {
    const exact = await tx.getCollection(asCollectionPath(path));
    if (exact) return { collection: exact, base: exact.path, name: null };
    const { parent, name } = splitPath(path);
    if (!path.endsWith('/')) {
      const holder = await tx.getCollection(parent);
      if (holder) return { collection: holder, base: holder.path, name };
    }
    return principal.user ? this.locateShared(tx, principal.user, path) : null;
  }

  /** A calendar shared with the user appears under their home as `bindName/` (CalendarServer sharing). */
  private async locateShared(tx: StoreTx, user: UserRow, path: string): Promise<Located | null> {
    const home = homePath(user.name);
    if (!path.startsWith(home)) return null;
    const [bindName, ...rest] = path.slice(home.length).split('/');
    if (!bindName) return null;
    const share = await tx.getShareByBind(user.id, bindName);
    const collection = share?.status === 'accepted' ? await tx.getCollectionById(share.collectionId) : null;
    if (!collection) return null;
    const remainder = rest.join('/');
    if (remainder === '') return { collection, base: `${home}${bindName}/`, name: null };
    return remainder.includes('/') ? null : { collection, base: `${home}${bindName}/`, name: remainder };
  }

  private async resolveNotification(tx: StoreTx, user: UserRow, name: string, deeper: boolean): Promise<Resource | null> {
    const base = `${homePath(user.name)}${NOTIFICATIONS}/`;
    if (name === '' && !deeper) return { type: 'notifications', path: base, user };
    const uid = name.replace(/\.xml$/, '');
    const share = deeper ? null : await tx.getShareByUid(uid);
    return share && share.shareeId === user.id && share.status === 'pending' ? { type: 'notification', path: `${base}${uid}.xml`, user, uid } : null;
  }

  async accessTo(tx: StoreTx, principal: Principal, collection: CollectionRow): Promise<Access> {
    if (principal.user?.id === collection.ownerId) return OWNER_ACCESS;
    const privileges = await privilegesOn(tx, principal, collection);
    return { privileges, redact: seesRedacted(principal, collection, privileges) };
  }

  private async resolveInHome(tx: StoreTx, principal: Principal, path: string): Promise<Resource | null> {
    const [ownerName = '', second, third, ...more] = path.slice(HOMES_PATH.length).split('/');
    const own = principal.user?.name === ownerName;
    if (own && principal.user && second === NOTIFICATIONS) return this.resolveNotification(tx, principal.user, third ?? '', more.length > 0);
    const located = await this.locate(tx, principal, path);
    if (!located) {
      if (own) return null;
      throw forbidden();
    }
    const access = await this.accessTo(tx, principal, located.collection);
    if (!access.privileges.has('read') && !access.privileges.has('read-free-busy')) throw forbidden();
    if (located.name === null) return { type: 'collection', path: located.base, collection: located.collection, access };
    if (!access.privileges.has('read')) throw forbidden();
    const object = await tx.getObjectMeta(located.collection.id, located.name);
    return object ? { type: 'object', path: located.base + located.name, collection: located.collection, object, access } : null;
  }

  /** The resource, or 'not-found'. */
  async require(snapshot: Snapshot, principal: Principal, path: string): Promise<Resource> {
    const r = await this.resolve(snapshot, principal, path);
    if (!r) throw new ReefknotError('not-found', `Nothing is stored at ${path}`);
    return r;
  }

  /** The members of a collection-like resource that the requester may see, each already resolved. */
  async children(snapshot: Snapshot, principal: Principal, r: Resource): Promise<Resource[]> {
    const tx = txOf(snapshot);
    const me = principal.user;
    switch (r.type) {
      case 'root':
        return [{ type: 'principals', path: PRINCIPALS_PATH }, { type: 'homes', path: HOMES_PATH }];
      case 'principals':
        return [{ type: 'user-principals', path: USER_PRINCIPALS_PATH }];
      case 'user-principals':
        return me ? [{ type: 'principal', path: principalPath(me.name), user: me }] : [];
      case 'homes': {
        const home = me ? await tx.getCollection(homePath(me.name)) : null;
        return home ? [{ type: 'collection', path: home.path, collection: home, access: OWNER_ACCESS }] : [];
      }
      case 'collection':
        return this.members(tx, principal, r);
      case 'notifications':
        return (await tx.listSharesFor(r.user.id)).filter((x) => x.status === 'pending')
          .map((x): Resource => ({ type: 'notification', path: `${r.path}${x.uid}.xml`, user: r.user, uid: x.uid }));
      case 'principal':
        return [PROXY_READ, PROXY_WRITE].map((g): Resource => ({ type: 'proxy-group', path: `${r.path}${g}/`, owner: r.user, write: g === PROXY_WRITE }));
      default:
        return [];
    }
  }

  private async members(tx: StoreTx, principal: Principal, r: Resource & { type: 'collection' }): Promise<Resource[]> {
    const out: Resource[] = [];
    for (const c of await tx.listChildCollections(r.collection.id)) {
      const access = await this.accessTo(tx, principal, c);
      if (access.privileges.has('read') || access.privileges.has('read-free-busy')) out.push({ type: 'collection', path: r.path + c.path.slice(r.collection.path.length), collection: c, access });
    }
    if (r.collection.kind === 'home' && principal.user && r.collection.ownerId === principal.user.id) {
      out.push({ type: 'notifications', path: `${r.path}${NOTIFICATIONS}/`, user: principal.user });
      for (const share of await tx.listSharesFor(principal.user.id)) {
        const c = share.status === 'accepted' && share.bindName ? await tx.getCollectionById(share.collectionId) : null;
        if (c && share.bindName) out.push({ type: 'collection', path: `${r.path}${share.bindName}/`, collection: c, access: await this.accessTo(tx, principal, c) });
      }
    }
    if (r.access.privileges.has('read')) {
      for (const o of await tx.listObjects(r.collection.id)) out.push({ type: 'object', path: r.path + o.name, collection: r.collection, object: o, access: r.access });
    }
    return out;
  }

  /** Before reading the contents of many objects: one round trip instead of one each (PostgreSQL). */
  async prefetch(snapshot: Snapshot, resources: Resource[]): Promise<void> {
    const byCollection = new Map<number, string[]>();
    for (const r of resources) if (r.type === 'object') byCollection.set(r.collection.id, [...(byCollection.get(r.collection.id) ?? []), r.object.name]);
    for (const [id, names] of byCollection) await txOf(snapshot).prefetchObjects(id, names);
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

  async userName(snapshot: Snapshot, userId: number): Promise<string | null> {
    return (await txOf(snapshot).getUserById(userId))?.name ?? null;
  }

  async addresses(snapshot: Snapshot, userId: number): Promise<string[]> {
    return txOf(snapshot).listAddresses(userId);
  }

  /** True when the requester sees this object as busy time only (RFC 5545 §3.8.1.3 CLASS). */
  static hidesDetails(r: Resource & { type: 'object' }): boolean {
    return r.access.redact && r.object.classification !== 'PUBLIC';
  }

  /** The ETag of the representation the requester receives: a redacted view has its own. */
  static visibleEtag(r: Resource & { type: 'object' }): string {
    return ResourceService.hidesDetails(r) ? `${r.object.etag}.busy` : r.object.etag;
  }

  /** The object's text as the requester may see it. */
  async visibleText(snapshot: Snapshot, r: Resource & { type: 'object' }): Promise<string> {
    const text = (await this.content(snapshot, r)).content.toString('utf8');
    return ResourceService.hidesDetails(r) ? redactedText(text) : text;
  }

  /**
   * Every object of a calendar as the requester may see it, for feeds and export: private ones
   * left out for non-owners, confidential ones as busy time (implementors' guide seed §2.1).
   */
  async feedTexts(snapshot: Snapshot, r: Resource & { type: 'collection' }): Promise<string[]> {
    requirePrivilege(r.access.privileges, 'read');
    const texts: string[] = [];
    for (const o of await txOf(snapshot).listObjects(r.collection.id)) {
      const obj = { type: 'object' as const, path: r.path + o.name, collection: r.collection, object: o, access: r.access };
      if (r.access.redact && o.classification === 'PRIVATE') continue;
      texts.push(await this.visibleText(snapshot, obj));
    }
    return texts;
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

  async busySpans(snapshot: Snapshot, collection: CollectionRow, start: number, end: number): Promise<{ decided: Set<string>; spans: { start: number; end: number; tentative: boolean }[] }> {
    return txOf(snapshot).busySpans(collection.id, start, end);
  }

  async objectsInRange(snapshot: Snapshot, collection: CollectionRow, start: number, end: number): Promise<RangeCandidate[]> {
    return txOf(snapshot).objectsInRange(collection.id, start, end);
  }

  check(_principal: Principal, r: Resource, privilege: Privilege): void {
    if (r.type === 'collection' || r.type === 'object') requirePrivilege(r.access.privileges, privilege);
    else if (privilege !== 'read') throw new ReefknotError('forbidden', 'This resource cannot be changed');
  }
}
