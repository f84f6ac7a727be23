/**
 * Calendar delegation (CalendarServer calendar-proxy-read / calendar-proxy-write groups): the
 * members of a user's write group act on all of that user's calendars, and schedule for them
 * (the seed's "originator is not the organizer"); the read group may read them.
 */
import { ReefknotError } from '../domain/errors.js';
import type { StoreTx, UserRow } from '../store/types.js';
import type { Principal } from './access.js';
import { principalPath, USER_PRINCIPALS_PATH, type ServiceContext } from './context.js';
import type { Snapshot } from './resources.js';

const txOf = (s: Snapshot): StoreTx => s as unknown as StoreTx;

export class ProxyService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Principal paths of the members of `owner`'s read or write proxy group. */
  async members(snapshot: Snapshot, owner: UserRow, write: boolean): Promise<string[]> {
    const tx = txOf(snapshot);
    const out: string[] = [];
    for (const p of await tx.listProxies(owner.id)) {
      const u = p.write === write ? await tx.getUserById(p.proxyId) : null;
      if (u) out.push(principalPath(u.name));
    }
    return out;
  }

  /** The groups `user` belongs to, and the users they act for, by level (DAV:group-membership, CS:calendar-proxy-*-for). */
  async memberships(snapshot: Snapshot, user: UserRow): Promise<{ owner: string; write: boolean }[]> {
    const tx = txOf(snapshot);
    const out: { owner: string; write: boolean }[] = [];
    for (const p of await tx.listProxyFor(user.id)) {
      const owner = await tx.getUserById(p.ownerId);
      if (owner) out.push({ owner: owner.name, write: p.write });
    }
    return out;
  }

  /** Replaces the members of a proxy group; only its owner may (PROPPATCH of DAV:group-member-set). */
  async setMembers(principal: Principal, owner: UserRow, write: boolean, memberPaths: string[]): Promise<void> {
    if (principal.user?.id !== owner.id) throw new ReefknotError('forbidden', 'Only the owner chooses their delegates');
    await this.ctx.store.write(async (tx) => {
      const ids: number[] = [];
      for (const path of memberPaths) {
        const name = path.startsWith(USER_PRINCIPALS_PATH) ? path.slice(USER_PRINCIPALS_PATH.length).replace(/\/$/, '') : '';
        const user = name ? await tx.getUserByName(name) : null;
        if (!user) throw new ReefknotError('invalid-property', `${path} is not a user of this server`);
        if (user.id === owner.id) throw new ReefknotError('invalid-property', 'A user cannot be their own delegate');
        ids.push(user.id);
      }
      await tx.setProxies(owner.id, write, ids);
    });
  }
}
