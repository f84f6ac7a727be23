/**
 * Sharing calendars (implementors' guide seed §2.1): with one user (who then finds the calendar
 * bound into their home, CalendarServer style), with everyone signed in, or with the public.
 * Invitations may wait for the sharee's answer (CalendarServer sharing); the CLI shares at once.
 */
import { randomUUID } from 'node:crypto';
import { ReefknotError } from '../domain/errors.js';
import { isAccessLevel, ACCESS_LEVELS, type AccessLevel } from '../domain/acl/privileges.js';
import type { CollectionRow, ShareRow, StoreTx, UserRow } from '../store/types.js';
import { homePath, type ServiceContext } from './context.js';

/** Who a calendar is shared with: a user name, everyone signed in, or anyone. */
export type ShareTarget = { kind: 'user'; name: string } | { kind: 'authenticated' } | { kind: 'public' };

export interface ShareView {
  calendar: string;
  with: string;
  access: string;
  status: ShareRow['status'] | 'active';
  /** Where the sharee finds it, for user shares that were accepted. */
  sharedAs: string | null;
}

export function parseShareTarget(text: string): ShareTarget {
  if (text === 'authenticated' || text === 'public') return { kind: text };
  return { kind: 'user', name: text };
}

const targetPrincipal = (t: ShareTarget): string => (t.kind === 'public' ? 'all' : 'authenticated');

export class SharingService {
  constructor(private readonly ctx: ServiceContext) {}

  /** `USER/CALENDAR` to the owner and the calendar collection; `USER` alone is the whole calendar home. */
  async calendarOf(tx: StoreTx, spec: string): Promise<{ owner: UserRow; calendar: CollectionRow }> {
    const [ownerName, segment, ...rest] = spec.replace(/\/$/, '').split('/');
    if (!ownerName || rest.length > 0) throw new ReefknotError('bad-request', `'${spec}' must be USER/CALENDAR (e.g. alice/calendar) or USER for the whole home`);
    const owner = await tx.getUserByName(ownerName);
    if (!owner) throw new ReefknotError('not-found', `There is no user named '${ownerName}'`);
    if (segment === undefined) {
      const home = await tx.getCollection(homePath(ownerName));
      if (!home) throw new ReefknotError('not-found', `User ${ownerName} has no calendar home`);
      return { owner, calendar: home };
    }
    const calendar = await tx.getCollection(`${homePath(ownerName)}${segment}/`);
    if (!calendar || calendar.kind !== 'calendar') throw new ReefknotError('not-found', `User ${ownerName} has no calendar '${segment}'`);
    return { owner, calendar };
  }

  async share(spec: string, target: ShareTarget, access: string): Promise<ShareView> {
    if (!isAccessLevel(access)) throw new ReefknotError('bad-request', `--access must be one of ${Object.keys(ACCESS_LEVELS).join(', ')}`);
    return this.ctx.store.write(async (tx) => {
      const { owner, calendar } = await this.calendarOf(tx, spec);
      // Everyone, or a whole home (all calendars, and the free-busy URL): a grant, not a bound share.
      if (target.kind !== 'user' || calendar.kind === 'home') {
        const principal = target.kind === 'user' ? `user:${(await this.sharee(tx, target.name, owner)).id}` : targetPrincipal(target);
        const grants = (await tx.listGrants(calendar.id)).filter((g) => g.origin === 'share' && g.principal !== principal);
        grants.push({ id: 0, collectionId: calendar.id, principal, privileges: [...ACCESS_LEVELS[access]], deny: false, origin: 'share', position: 0 });
        await tx.replaceGrants(calendar.id, 'share', grants);
        return { calendar: spec, with: target.kind === 'user' ? target.name : target.kind, access, status: 'active', sharedAs: null };
      }
      const sharee = await this.sharee(tx, target.name, owner);
      const share = await this.bind(tx, calendar, owner, sharee, access, 'accepted');
      return this.view(spec, sharee.name, share);
    });
  }

  /** A pending invitation (CalendarServer sharing): the sharee accepts or declines it later. */
  async invite(tx: StoreTx, calendar: CollectionRow, owner: UserRow, sharee: UserRow, access: AccessLevel, summary: string): Promise<ShareRow> {
    const existing = await tx.getShare(calendar.id, sharee.id);
    if (existing?.status === 'accepted') return tx.upsertShare({ ...existing, access, summary, now: this.ctx.now() });
    return tx.upsertShare({ collectionId: calendar.id, shareeId: sharee.id, access, status: 'pending', bindName: null, summary, uid: existing?.uid ?? randomUUID(), now: this.ctx.now() });
  }

  /** Accepts a share: the calendar appears in the sharee's home under a name free there. */
  async bind(tx: StoreTx, calendar: CollectionRow, owner: UserRow, sharee: UserRow, access: string, status: 'accepted', summary = ''): Promise<ShareRow> {
    const existing = await tx.getShare(calendar.id, sharee.id);
    const bindName = existing?.bindName ?? (await this.freeName(tx, sharee, `${owner.name}-${calendar.path.split('/').at(-2) ?? 'calendar'}`));
    return tx.upsertShare({ collectionId: calendar.id, shareeId: sharee.id, access, status, bindName, summary: summary || existing?.summary || '', uid: existing?.uid ?? randomUUID(), now: this.ctx.now() });
  }

  private async freeName(tx: StoreTx, sharee: UserRow, wanted: string): Promise<string> {
    const base = wanted.replace(/[^A-Za-z0-9._-]/g, '-');
    for (let i = 1; ; i++) {
      const name = i === 1 ? base : `${base}-${i}`;
      if (!(await tx.getCollection(`${homePath(sharee.name)}${name}/`)) && !(await tx.getShareByBind(sharee.id, name))) return name;
    }
  }

  private async sharee(tx: StoreTx, name: string, owner: UserRow): Promise<UserRow> {
    const sharee = await tx.getUserByName(name);
    if (!sharee) throw new ReefknotError('not-found', `There is no user named '${name}'`);
    if (sharee.id === owner.id) throw new ReefknotError('bad-request', 'A calendar cannot be shared with its owner');
    return sharee;
  }

  async unshare(spec: string, target: ShareTarget): Promise<void> {
    await this.ctx.store.write(async (tx) => {
      const { owner, calendar } = await this.calendarOf(tx, spec);
      if (target.kind !== 'user' || calendar.kind === 'home') {
        const principal = target.kind === 'user' ? `user:${(await this.sharee(tx, target.name, owner)).id}` : targetPrincipal(target);
        const grants = await tx.listGrants(calendar.id);
        const kept = grants.filter((g) => g.origin === 'share' && g.principal !== principal);
        if (kept.length === grants.filter((g) => g.origin === 'share').length) throw new ReefknotError('not-found', `${spec} is not shared with ${target.kind === 'user' ? target.name : target.kind}`);
        await tx.replaceGrants(calendar.id, 'share', kept);
        return;
      }
      const sharee = await this.sharee(tx, target.name, owner);
      const share = await tx.getShare(calendar.id, sharee.id);
      if (!share) throw new ReefknotError('not-found', `${spec} is not shared with ${target.name}`);
      await tx.deleteShare(share.id);
    });
  }

  /** Everything a user shares, and everything shared with them. */
  async list(userName: string): Promise<{ shared: ShareView[]; received: ShareView[] }> {
    return this.ctx.store.read(async (tx) => {
      const user = await tx.getUserByName(userName);
      if (!user) throw new ReefknotError('not-found', `There is no user named '${userName}'`);
      const shared: ShareView[] = [];
      for (const c of await tx.listCollectionsOwnedBy(user.id)) {
        const spec = c.kind === 'home' ? userName : `${userName}/${c.path.split('/').at(-2) ?? ''}`;
        for (const s of await tx.listSharesOf(c.id)) shared.push(this.view(spec, (await tx.getUserById(s.shareeId))?.name ?? '?', s));
        for (const g of (await tx.listGrants(c.id)).filter((x) => x.origin === 'share')) {
          const who = g.principal === 'all' ? 'public' : g.principal.startsWith('user:') ? (await tx.getUserById(Number(g.principal.slice(5))))?.name ?? g.principal : g.principal;
          shared.push({ calendar: spec, with: who, access: levelOf(g.privileges), status: 'active', sharedAs: null });
        }
      }
      const received: ShareView[] = [];
      for (const s of await tx.listSharesFor(user.id)) {
        const c = await tx.getCollectionById(s.collectionId);
        const owner = c ? await tx.getUserById(c.ownerId) : null;
        if (c && owner) received.push(this.view(`${owner.name}/${c.path.split('/').at(-2) ?? ''}`, userName, s));
      }
      return { shared, received };
    });
  }

  private view(spec: string, sharee: string, s: ShareRow): ShareView {
    return { calendar: spec, with: sharee, access: s.access, status: s.status, sharedAs: s.bindName && s.status === 'accepted' ? `${homePath(sharee)}${s.bindName}/` : null };
  }
}

function levelOf(privileges: string[]): string {
  const found = Object.entries(ACCESS_LEVELS).find(([, p]) => p.length === privileges.length && p.every((x) => privileges.includes(x)));
  return found ? found[0] : privileges.join(',');
}
