/**
 * ACL evaluation (RFC 3744 §5.5 and §8.1): the ACEs of a resource, then those it inherits, are
 * read in order; for each privilege the first ACE whose principal matches the requester decides,
 * grant or deny. The owner's protected ACE (all privileges) always comes first.
 */
import { close, expand, type Privilege } from './privileges.js';

/** Who an ACE names (RFC 3744 §5.5.1). */
export type AcePrincipal =
  | { kind: 'user'; userId: number }
  | { kind: 'authenticated' }
  | { kind: 'unauthenticated' }
  | { kind: 'all' };

export interface Ace {
  principal: AcePrincipal;
  privileges: Privilege[];
  deny: boolean;
  /** Protected ACEs cannot be changed by the ACL method (RFC 3744 §5.5). */
  protected: boolean;
  /** Set on ACEs that come from an ancestor (RFC 3744 §5.5: DAV:inherited). */
  inheritedFrom?: string;
}

/** The requester: a user (with the users they are a proxy for), or anonymous. */
export interface Requester {
  userId: number | null;
  /** Owners whose calendars this user may act on as a proxy, with the level (CalendarServer proxies). */
  proxyFor: { ownerId: number; write: boolean }[];
}

export function aceMatches(p: AcePrincipal, who: Requester): boolean {
  switch (p.kind) {
    case 'all':
      return true;
    case 'authenticated':
      return who.userId !== null;
    case 'unauthenticated':
      return who.userId === null;
    case 'user':
      return who.userId === p.userId;
  }
}

/** The ACEs a resource owned by `ownerId` starts with: the owner's, then the owner's proxies'. */
export function ownerAces(ownerId: number, who: Requester): Ace[] {
  const aces: Ace[] = [{ principal: { kind: 'user', userId: ownerId }, privileges: ['all'], deny: false, protected: true }];
  for (const p of who.proxyFor) {
    if (p.ownerId !== ownerId || who.userId === null) continue;
    aces.push({
      principal: { kind: 'user', userId: who.userId },
      // A write delegate also schedules for the person they assist (RFC 6638 §6.1, SENT-BY).
      privileges: p.write ? ['read', 'write-content', 'write-properties', 'bind', 'unbind', 'schedule-send', 'schedule-deliver'] : ['read'],
      deny: false,
      protected: true,
    });
  }
  return aces;
}

/** The privileges `who` holds under `aces` (in evaluation order), aggregates included. */
export function effectivePrivileges(aces: Ace[], who: Requester): Set<Privilege> {
  const decided = new Map<Privilege, boolean>();
  for (const ace of aces) {
    if (!aceMatches(ace.principal, who)) continue;
    for (const p of ace.privileges) {
      for (const q of expand(p)) if (!decided.has(q)) decided.set(q, !ace.deny);
    }
  }
  const held = new Set<Privilege>([...decided].filter(([, granted]) => granted).map(([p]) => p));
  return close(held);
}

/**
 * RFC 3744 §8.1.1 DAV:no-ace-conflict: a grant and a deny of the same privilege to the same
 * principal in one request make no sense; returns the privilege in conflict, if any.
 */
export function aceConflict(aces: Ace[]): Privilege | null {
  const seen = new Map<string, boolean>();
  for (const ace of aces) {
    const key = JSON.stringify(ace.principal);
    for (const p of ace.privileges) {
      for (const q of expand(p)) {
        const k = `${key}|${q}`;
        const prior = seen.get(k);
        if (prior !== undefined && prior !== ace.deny) return q;
        seen.set(k, ace.deny);
      }
    }
  }
  return null;
}
