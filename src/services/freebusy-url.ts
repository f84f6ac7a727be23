/**
 * Free-busy URLs (the CalConnect free-busy read URL, shown at Roundtable XI): anyone allowed can
 * GET a person's busy time over a range without CalDAV; who may read it follows the person's
 * grants (read-free-busy on their calendar home, or on everything through `share USER`), so it is
 * anonymous only when published. Someone whose calendar lives elsewhere can PUT their busy time
 * with a token the administrator issues; it is merged into what the URL answers.
 */
import { createHash, randomBytes } from 'node:crypto';
import ICAL from 'ical.js';
import { ReefknotError } from '../domain/errors.js';
import { busyPeriods, merge, toVfreebusy } from '../domain/freebusy/compute.js';
import type { StoreTx, UserRow } from '../store/types.js';
import { privilegesOn, requirePrivilege, type Principal } from './access.js';
import { homePath, type ServiceContext } from './context.js';
import { busyTimeOf } from './scheduling/busy-time.js';
import { normaliseAddress } from './users.js';

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** The longest range one request may ask for. */
export const MAX_FREEBUSY_RANGE_MS = 366 * 86_400_000;

export class FreeBusyUrlService {
  constructor(private readonly ctx: ServiceContext) {}

  private async userOf(tx: StoreTx, who: { name?: string; address?: string }): Promise<UserRow> {
    let user: UserRow | null = null;
    if (who.name) user = await tx.getUserByName(who.name);
    else if (who.address) {
      try {
        user = await tx.getUserByAddress(normaliseAddress(who.address));
      } catch {
        user = null;
      }
    }
    if (!user) throw new ReefknotError('not-found', 'There is no such calendar user here');
    return user;
  }

  /** The person's busy time over [start, end) as a VFREEBUSY, if the requester may see it. */
  async read(principal: Principal, who: { name?: string; address?: string }, range: { start: number; end: number }): Promise<string> {
    if (range.end <= range.start || range.end - range.start > MAX_FREEBUSY_RANGE_MS) {
      throw new ReefknotError('bad-request', 'The range must end after it starts and span at most a year');
    }
    return this.ctx.store.read(async (tx) => {
      const user = await this.userOf(tx, who);
      const home = await tx.getCollection(homePath(user.name));
      if (!home) throw new ReefknotError('not-found', 'There is no such calendar user here');
      if (principal.user?.id !== user.id) requirePrivilege(await privilegesOn(tx, principal, home), 'read-free-busy');
      const own = await busyTimeOf(tx, this.ctx, user, range);
      const uploaded = await tx.getFreeBusyUpload(user.id);
      const extra = uploaded ? busyPeriods([new ICAL.Component(ICAL.parse(uploaded) as unknown[])], range, { maxInstances: this.ctx.limits.maxInstances }) : null;
      const busy = extra
        ? { busy: merge([...own.busy, ...extra.busy], range), tentative: merge([...own.tentative, ...extra.tentative], range), unavailable: merge([...own.unavailable, ...extra.unavailable], range) }
        : own;
      const address = (await tx.listAddresses(user.id))[0];
      return toVfreebusy(busy, range, { now: this.ctx.now(), ...(address ? { attendee: address } : {}), uid: `freebusy-${user.name}` });
    });
  }

  /** Stores uploaded busy time (a VCALENDAR of VFREEBUSY) for the token's user. */
  async upload(name: string, token: string, body: string): Promise<void> {
    let root: InstanceType<typeof ICAL.Component>;
    try {
      root = new ICAL.Component(ICAL.parse(body) as unknown[]);
    } catch {
      throw new ReefknotError('invalid-calendar-data', 'The body must be iCalendar data');
    }
    if (root.name !== 'vcalendar' || root.getAllSubcomponents('vfreebusy').length === 0) {
      throw new ReefknotError('invalid-calendar-data', 'The body must be a VCALENDAR holding VFREEBUSY components');
    }
    await this.ctx.store.write(async (tx) => {
      const user = await tx.getUserByName(name);
      const owner = token ? await tx.userForFreeBusyToken(hash(token)) : null;
      if (!user || owner !== user.id) throw new ReefknotError('forbidden', 'A valid upload token for this person is needed (reefknot freebusy token)');
      await tx.setFreeBusyUpload(user.id, body, this.ctx.now());
    });
  }

  /** A new upload token for the user, shown once; only its hash is stored. */
  async issueToken(name: string): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.ctx.store.write(async (tx) => {
      const user = await tx.getUserByName(name);
      if (!user) throw new ReefknotError('not-found', `There is no user named '${name}'`);
      await tx.addFreeBusyToken(user.id, hash(token), this.ctx.now());
    });
    return token;
  }

  async revokeTokens(name: string): Promise<number> {
    return this.ctx.store.write(async (tx) => {
      const user = await tx.getUserByName(name);
      if (!user) throw new ReefknotError('not-found', `There is no user named '${name}'`);
      return tx.revokeFreeBusyTokens(user.id);
    });
  }
}
