/**
 * Users: the server knows its calendar users only through this table and their addresses
 * (design.md "Identity"; never by domain). Creating a user makes their principal's home with a
 * default event calendar and a tasks calendar.
 */
import { ReefknotError } from '../domain/errors.js';
import type { StoreTx, UserRow, UserType } from '../store/types.js';
import { homePath, type ServiceContext } from './context.js';
import { CredentialCache, hashPassword, verifyPassword } from './passwords.js';

const NAME_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const RESERVED = new Set(['inbox', 'outbox', 'users', 'groups']);

export interface UserView {
  name: string;
  type: UserType;
  disabled: boolean;
  addresses: string[];
  quotaBytes: number | null;
  usedBytes: number;
}

/** Normalises 'Alice@Example.COM' or 'mailto:alice@example.com' to 'mailto:alice@example.com'. */
export function normaliseAddress(input: string): string {
  const bare = input.trim().replace(/^mailto:/i, '').toLowerCase();
  if (!/^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/.test(bare)) {
    throw new ReefknotError('bad-request', `'${input}' is not an email address`);
  }
  return `mailto:${bare}`;
}

/** The JSON of a DAV property element holding plain text (the form protocols/dav/xml.ts stores). */
export function textProperty(ns: string, name: string, text: string): { ns: string; name: string; value: string } {
  return { ns, name, value: JSON.stringify({ ns, name, attrs: {}, children: [text] }) };
}

/** Failed sign-ins per user name: 10 within 15 minutes block that name for 5 minutes. */
export class FailedSignIns {
  private readonly attempts = new Map<string, number[]>();

  constructor(private readonly max = 10, private readonly windowMs = 15 * 60_000, private readonly blockMs = 5 * 60_000) {}

  blocked(name: string, now: number): boolean {
    const recent = (this.attempts.get(name) ?? []).filter((t) => t > now - this.windowMs);
    const last = recent.at(-1);
    return recent.length >= this.max && last !== undefined && now - last < this.blockMs;
  }

  record(name: string, now: number): void {
    const recent = (this.attempts.get(name) ?? []).filter((t) => t > now - this.windowMs);
    recent.push(now);
    if (this.attempts.size > 10_000) this.attempts.clear();
    this.attempts.set(name, recent);
  }

  clear(name: string): void {
    this.attempts.delete(name);
  }
}

export class UserService {
  private readonly cache = new CredentialCache();
  private readonly failures = new FailedSignIns();

  constructor(private readonly ctx: ServiceContext) {}

  async create(name: string, opts: { addresses: string[]; password: string; type?: UserType }): Promise<UserRow> {
    if (!NAME_RE.test(name) || RESERVED.has(name)) {
      throw new ReefknotError('bad-request', `'${name}' is not a valid user name: use 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit`);
    }
    if (opts.password.length === 0) throw new ReefknotError('bad-request', 'The password must not be empty');
    const addresses = opts.addresses.map(normaliseAddress);
    const passwordHash = await hashPassword(opts.password);
    return this.ctx.store.write(async (tx) => {
      if (await tx.getUserByName(name)) throw new ReefknotError('already-exists', `A user named '${name}' already exists`);
      await this.checkAddressesFree(tx, addresses);
      const now = this.ctx.now();
      const user = await tx.createUser({ name, passwordHash, type: opts.type ?? 'individual', quotaBytes: this.ctx.defaultQuotaBytes, now });
      for (const a of addresses) await tx.addAddress(user.id, a);
      const home = await tx.createCollection({ path: homePath(name), parentId: null, ownerId: user.id, kind: 'home', now });
      const calendar = await tx.createCollection({ path: `${home.path}calendar/`, parentId: home.id, ownerId: user.id, kind: 'calendar', components: ['VEVENT'], now });
      await tx.setProperty(calendar.id, '', textProperty('DAV:', 'displayname', 'Calendar'));
      const tasks = await tx.createCollection({ path: `${home.path}tasks/`, parentId: home.id, ownerId: user.id, kind: 'calendar', components: ['VTODO'], now });
      await tx.setProperty(tasks.id, '', textProperty('DAV:', 'displayname', 'Tasks'));
      await tx.createCollection({ path: `${home.path}inbox/`, parentId: home.id, ownerId: user.id, kind: 'inbox', components: ['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY'], now });
      await tx.createCollection({ path: `${home.path}outbox/`, parentId: home.id, ownerId: user.id, kind: 'outbox', now });
      return user;
    });
  }

  private async checkAddressesFree(tx: StoreTx, addresses: string[]): Promise<void> {
    for (const a of addresses) {
      const holder = await tx.getUserByAddress(a);
      if (holder) throw new ReefknotError('already-exists', `The address ${a.slice(7)} already belongs to user '${holder.name}'`);
    }
  }

  private async requireUser(tx: StoreTx, name: string): Promise<UserRow> {
    const user = await tx.getUserByName(name);
    if (!user) throw new ReefknotError('not-found', `There is no user named '${name}'`);
    return user;
  }

  async setPassword(name: string, password: string): Promise<void> {
    if (password.length === 0) throw new ReefknotError('bad-request', 'The password must not be empty');
    const passwordHash = await hashPassword(password);
    await this.ctx.store.write(async (tx) => tx.updateUser((await this.requireUser(tx, name)).id, { passwordHash }));
  }

  async setDisabled(name: string, disabled: boolean): Promise<void> {
    await this.ctx.store.write(async (tx) => tx.updateUser((await this.requireUser(tx, name)).id, { disabled }));
  }

  async setQuota(name: string, quotaBytes: number | null): Promise<void> {
    await this.ctx.store.write(async (tx) => tx.updateUser((await this.requireUser(tx, name)).id, { quotaBytes }));
  }

  async remove(name: string): Promise<void> {
    await this.ctx.store.write(async (tx) => tx.deleteUser((await this.requireUser(tx, name)).id));
  }

  async addAddress(name: string, address: string): Promise<void> {
    const a = normaliseAddress(address);
    await this.ctx.store.write(async (tx) => {
      const user = await this.requireUser(tx, name);
      await this.checkAddressesFree(tx, [a]);
      await tx.addAddress(user.id, a);
    });
  }

  async removeAddress(name: string, address: string): Promise<void> {
    const a = normaliseAddress(address);
    await this.ctx.store.write(async (tx) => {
      const user = await this.requireUser(tx, name);
      if (!(await tx.removeAddress(user.id, a))) throw new ReefknotError('not-found', `User '${name}' has no address ${a.slice(7)}`);
    });
  }

  async list(): Promise<UserView[]> {
    return this.ctx.store.read(async (tx) => {
      const users = await tx.listUsers();
      return Promise.all(users.map(async (u) => this.view(u, await tx.listAddresses(u.id))));
    });
  }

  async get(name: string): Promise<UserView | null> {
    return this.ctx.store.read(async (tx) => {
      const u = await tx.getUserByName(name);
      return u ? this.view(u, await tx.listAddresses(u.id)) : null;
    });
  }

  /** The user acting in CLI commands (import, export) as if signed in. */
  async principalFor(name: string): Promise<{ user: UserRow }> {
    const user = await this.ctx.store.read((tx) => tx.getUserByName(name));
    if (!user) throw new ReefknotError('not-found', `There is no user named '${name}'`);
    return { user };
  }

  /** Whether an address belongs to a user of this server. */
  async isLocalAddress(address: string): Promise<boolean> {
    let normalised: string;
    try {
      normalised = normaliseAddress(address);
    } catch {
      return false;
    }
    return (await this.ctx.store.read((tx) => tx.getUserByAddress(normalised))) !== null;
  }

  async count(): Promise<number> {
    return this.ctx.store.read(async (tx) => (await tx.listUsers()).length);
  }

  async addresses(userId: number): Promise<string[]> {
    return this.ctx.store.read((tx) => tx.listAddresses(userId));
  }

  private view(u: UserRow, addresses: string[]): UserView {
    return { name: u.name, type: u.type, disabled: u.disabled, addresses, quotaBytes: u.quotaBytes, usedBytes: u.usedBytes };
  }

  /**
   * Checks a name and password. A verified pair is cached (keyed by an HMAC of both) until it
   * expires or the user's credential version changes, so each request does not pay argon2id.
   */
  async authenticate(name: string, password: string): Promise<UserRow | null> {
    const now = this.ctx.now();
    const user = await this.ctx.store.read((tx) => tx.getUserByName(name));
    if (!user || user.disabled) return null;
    const key = this.cache.keyFor(name, password);
    const hit = this.cache.lookup(key, now);
    if (hit && hit.userId === user.id && hit.credentialVersion === user.credentialVersion) return user;
    // Password guessing is slowed per user name: after repeated failures the name is refused
    // for a while without even checking (and without spending a hash on the guess).
    if (this.failures.blocked(name, now)) return null;
    if (!(await verifyPassword(user.passwordHash, password))) {
      this.failures.record(name, now);
      return null;
    }
    this.failures.clear(name);
    this.cache.remember(key, user.id, user.credentialVersion, now);
    return user;
  }
}
