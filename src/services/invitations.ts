/**
 * CalendarServer sharing as clients drive it: the owner invites sharees by address (they answer
 * later), sharees find invitations in their notification collection and accept or decline them,
 * and each calendar tells who it is shared with (CS:invite) or how it is shared (DAV:share-access).
 */
import { ReefknotError } from '../domain/errors.js';
import type { AccessLevel } from '../domain/acl/privileges.js';
import type { ShareRow, StoreTx, UserRow } from '../store/types.js';
import type { Principal } from './access.js';
import { homePath, USER_PRINCIPALS_PATH, type ServiceContext } from './context.js';
import { snapshotOf, type Resource, type ResourceService, type Snapshot } from './resources.js';
import type { SharingService } from './sharing.js';
import { normaliseAddress } from './users.js';

const txOf = (s: Snapshot): StoreTx => s as unknown as StoreTx;

export interface Invitation {
  uid: string;
  status: ShareRow['status'];
  access: string;
  summary: string;
  createdAt: number;
  /** The shared calendar's own path, and its owner. */
  hostPath: string;
  owner: { name: string; address: string | null };
  sharee: { name: string; address: string | null };
}

export interface SharingState {
  /** 'owner': the requester's own calendar; 'sharee': reached through a share; 'none': not shared. */
  role: 'owner' | 'sharee';
  access: string | null;
  invitations: Invitation[];
}

export class InvitationService {
  constructor(private readonly ctx: ServiceContext, private readonly sharing: SharingService, private readonly resources: ResourceService) {}

  /** A user named by a mailto: address or a principal path (CS:share's DAV:href). */
  async userOf(tx: StoreTx, href: string): Promise<UserRow | null> {
    if (href.startsWith(USER_PRINCIPALS_PATH)) return tx.getUserByName(href.slice(USER_PRINCIPALS_PATH.length).replace(/\/$/, ''));
    try {
      return await tx.getUserByAddress(normaliseAddress(href));
    } catch {
      return null;
    }
  }

  /** Sets and removes sharees of an own calendar; all or nothing (an unknown sharee refuses the request). */
  async update(principal: Principal, path: string, sets: { href: string; access: AccessLevel; summary: string }[], removes: string[]): Promise<void> {
    await this.ctx.store.write(async (tx) => {
      const r = await this.resources.require(snapshotOf(tx), principal, path);
      const owner = principal.user;
      if (r.type !== 'collection' || r.collection.kind !== 'calendar' || !owner || owner.id !== r.collection.ownerId || r.path !== r.collection.path) {
        throw new ReefknotError('forbidden', 'Only the owner of a calendar shares it, at its own URL');
      }
      for (const s of sets) {
        const sharee = await this.userOf(tx, s.href);
        if (!sharee) throw new ReefknotError('conflict', `${s.href} is not a user of this server; calendars are shared with local users only`);
        if (sharee.id === owner.id) throw new ReefknotError('conflict', 'A calendar cannot be shared with its owner');
        await this.sharing.invite(tx, r.collection, owner, sharee, s.access, s.summary);
      }
      for (const href of removes) {
        const sharee = await this.userOf(tx, href);
        const share = sharee ? await tx.getShare(r.collection.id, sharee.id) : null;
        if (share) await tx.deleteShare(share.id);
      }
    });
  }

  /** The sharee's answer; returns where the calendar now appears when accepted. */
  async reply(principal: Principal, hostPath: string, accept: boolean, uid: string | null): Promise<string | null> {
    const me = principal.user;
    if (!me) throw new ReefknotError('forbidden', 'Sign in to answer an invitation');
    return this.ctx.store.write(async (tx) => {
      const calendar = await tx.getCollection(hostPath);
      const share = calendar ? await tx.getShare(calendar.id, me.id) : uid ? await tx.getShareByUid(uid) : null;
      if (!share || share.shareeId !== me.id) throw new ReefknotError('not-found', 'There is no such invitation for you');
      const target = calendar ?? (await tx.getCollectionById(share.collectionId));
      const owner = target ? await tx.getUserById(target.ownerId) : null;
      if (!target || !owner) throw new ReefknotError('not-found', 'The shared calendar no longer exists');
      if (!accept) {
        await tx.upsertShare({ ...share, status: 'declined', bindName: null, now: this.ctx.now() });
        return null;
      }
      const bound = await this.sharing.bind(tx, target, owner, me, share.access, 'accepted', share.summary);
      return `${homePath(me.name)}${bound.bindName ?? ''}/`;
    });
  }

  private async describe(tx: StoreTx, s: ShareRow): Promise<Invitation | null> {
    const c = await tx.getCollectionById(s.collectionId);
    const owner = c ? await tx.getUserById(c.ownerId) : null;
    const sharee = await tx.getUserById(s.shareeId);
    if (!c || !owner || !sharee) return null;
    const first = async (u: UserRow): Promise<string | null> => (await tx.listAddresses(u.id))[0] ?? null;
    return {
      uid: s.uid, status: s.status, access: s.access, summary: s.summary, createdAt: s.createdAt, hostPath: c.path,
      owner: { name: owner.name, address: await first(owner) }, sharee: { name: sharee.name, address: await first(sharee) },
    };
  }

  /** Invitations waiting for the user's answer (their notification collection). */
  async pendingFor(snapshot: Snapshot, user: UserRow): Promise<Invitation[]> {
    const tx = txOf(snapshot);
    const out: Invitation[] = [];
    for (const s of await tx.listSharesFor(user.id)) {
      const d = s.status === 'pending' ? await this.describe(tx, s) : null;
      if (d) out.push(d);
    }
    return out;
  }

  /** How a calendar is shared, as the requester sees it; null when it is not shared at all. */
  async stateOf(snapshot: Snapshot, principal: Principal, r: Resource & { type: 'collection' }): Promise<SharingState | null> {
    const tx = txOf(snapshot);
    if (r.collection.kind !== 'calendar') return null;
    const shares = await tx.listSharesOf(r.collection.id);
    const mine = principal.user ? shares.find((s) => s.shareeId === principal.user?.id) : undefined;
    if (r.path !== r.collection.path && mine) return { role: 'sharee', access: mine.access, invitations: [] };
    if (principal.user?.id !== r.collection.ownerId || shares.length === 0) return null;
    const invitations: Invitation[] = [];
    for (const s of shares) {
      const d = await this.describe(tx, s);
      if (d) invitations.push(d);
    }
    return { role: 'owner', access: null, invitations };
  }
}
