/**
 * Authorisation in one place for every protocol (design.md "Safety"): the privileges a requester
 * holds on a collection come from the owner's protected ACE, the owner's calendar proxies, accepted
 * shares, sharing grants to everyone signed in or to the public, and ACL-method ACEs — on the
 * collection, then inherited from the calendar home (RFC 3744 §5.5, §8.1). Nothing is cached
 * between requests, so a grant or revocation applies to the next one.
 */
import { ReefknotError } from '../domain/errors.js';
import { effectivePrivileges, ownerAces, type Ace, type AcePrincipal, type Requester } from '../domain/acl/evaluate.js';
import { ACCESS_LEVELS, isPrivilege, type AccessLevel, type Privilege } from '../domain/acl/privileges.js';
import type { CollectionRow, GrantRow, StoreTx, UserRow } from '../store/types.js';

export type { Privilege };

/** Who is asking: a signed-in user, or anonymous (user null). */
export interface Principal {
  user: UserRow | null;
}

export const ANONYMOUS: Principal = { user: null };

export function principalKey(p: AcePrincipal): string {
  return p.kind === 'user' ? `user:${p.userId}` : p.kind;
}

export function parsePrincipalKey(key: string): AcePrincipal | null {
  if (key === 'all' || key === 'authenticated' || key === 'unauthenticated') return { kind: key };
  const m = /^user:(\d+)$/.exec(key);
  return m ? { kind: 'user', userId: Number(m[1]) } : null;
}

export function grantToAce(g: GrantRow, inheritedFrom?: string): Ace | null {
  const principal = parsePrincipalKey(g.principal);
  if (!principal) return null;
  return { principal, privileges: g.privileges.filter(isPrivilege), deny: g.deny, protected: false, inheritedFrom };
}

export async function requesterOf(tx: StoreTx, principal: Principal): Promise<Requester> {
  if (!principal.user) return { userId: null, proxyFor: [] };
  return { userId: principal.user.id, proxyFor: await tx.listProxyFor(principal.user.id) };
}

/** The ACEs of a collection in evaluation order: its own, then those inherited from its home. */
export async function acesOf(tx: StoreTx, collection: CollectionRow, who: Requester): Promise<Ace[]> {
  const aces = ownerAces(collection.ownerId, who);
  // RFC 6638 §6.1: anyone signed in may deliver scheduling messages to an inbox and ask its busy time.
  if (collection.kind === 'inbox') aces.push({ principal: { kind: 'authenticated' }, privileges: ['schedule-deliver'], deny: false, protected: true });
  const own = async (c: CollectionRow, inheritedFrom?: string): Promise<void> => {
    for (const s of await tx.listSharesOf(c.id)) {
      if (s.status !== 'accepted') continue;
      const privileges = [...(ACCESS_LEVELS[s.access as AccessLevel] ?? [])];
      aces.push({ principal: { kind: 'user', userId: s.shareeId }, privileges, deny: false, protected: false, inheritedFrom });
    }
    for (const g of await tx.listGrants(c.id)) {
      const ace = grantToAce(g, inheritedFrom);
      if (ace) aces.push(ace);
    }
  };
  await own(collection);
  if (collection.kind !== 'home') {
    const home = await tx.getCollection(collection.path.split('/').slice(0, 3).join('/') + '/');
    if (home && home.id !== collection.id) await own(home, home.path);
  }
  return aces;
}

export async function privilegesOn(tx: StoreTx, principal: Principal, collection: CollectionRow): Promise<ReadonlySet<Privilege>> {
  const who = await requesterOf(tx, principal);
  return effectivePrivileges(await acesOf(tx, collection, who), who);
}

/** Throws 'forbidden' with a message that names no other user's data. */
export function requirePrivilege(held: ReadonlySet<Privilege>, privilege: Privilege): void {
  if (!held.has(privilege)) throw new ReefknotError('forbidden', `You do not have the ${privilege} privilege here`);
}

/** Whether someone who is not the owner (nor the owner's write proxy) sees only busy time of private items. */
export function seesRedacted(principal: Principal, collection: CollectionRow, held: ReadonlySet<Privilege>): boolean {
  if (principal.user?.id === collection.ownerId) return false;
  return !held.has('write-acl') && !(held.has('write-content') && held.has('write-properties'));
}
