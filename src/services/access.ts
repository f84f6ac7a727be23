/**
 * Authorisation in one place for every protocol (design.md "Safety"). Today a user reaches only
 * what they own; per-calendar grants, sharing and publishing extend this module.
 */
import { ReefknotError } from '../domain/errors.js';
import type { UserRow } from '../store/types.js';

export type Privilege = 'read' | 'write-content' | 'write-properties' | 'bind' | 'unbind' | 'read-acl';

export const ALL_PRIVILEGES: readonly Privilege[] = ['read', 'write-content', 'write-properties', 'bind', 'unbind', 'read-acl'];

/** Who is asking: an authenticated user (anonymous requests never reach the services today). */
export interface Principal {
  user: UserRow;
}

export function privilegesOn(principal: Principal, ownerId: number): readonly Privilege[] {
  return principal.user.id === ownerId ? ALL_PRIVILEGES : [];
}

export function allowed(principal: Principal, ownerId: number, privilege: Privilege): boolean {
  return privilegesOn(principal, ownerId).includes(privilege);
}

/** Throws 'forbidden' with a message that names no other user's data. */
export function requirePrivilege(principal: Principal, ownerId: number, privilege: Privilege): void {
  if (!allowed(principal, ownerId, privilege)) {
    throw new ReefknotError('forbidden', 'You do not have access to this resource');
  }
}
