/**
 * CIP trust (draft-ietf-calsch-cip-00 §2.1 AUTHENTICATE LOGIN, docs/cip.md): one shared password
 * per peer domain. The peer logs in here as `AUTHENTICATE LOGIN its-domain password`, checked
 * against an argon2id hash; this server logs in there as its user's domain with the same password,
 * so the password itself is kept too (the trade-off is documented in docs/cip.md). Also the
 * REDIRECTs for user identifiers that moved (§1.6). Read from the store per session.
 */
import { ReefknotError } from '../../domain/errors.js';
import type { CipPeerRow, CipRedirectRow } from '../../store/types.js';
import type { ServiceContext } from '../context.js';
import { hashPassword, randomPassword, verifyPassword } from '../passwords.js';
import { normaliseDomain } from './ischedule-peers.js';

const HOST_RE = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):(\d{1,5})$/i;
const ADDRESS_RE = /^[^@\s<>"]+@[^@\s<>"]+$/;

export function normaliseUserId(address: string): string {
  const a = address.trim().replace(/^mailto:/i, '').toLowerCase();
  if (!ADDRESS_RE.test(a)) throw new ReefknotError('bad-request', `'${address}' is not a user identifier (local@domain)`);
  return a;
}

export class CipPeers {
  private dummy: Promise<string> | null = null;

  constructor(private readonly ctx: ServiceContext) {}

  async addPeer(domain: string, opts: { password: string; host?: string | null; tls?: boolean }): Promise<CipPeerRow> {
    if (opts.password.length < 8 || /\s/.test(opts.password)) throw new ReefknotError('bad-request', 'the password must have at least 8 characters and no spaces (it travels in one AUTHENTICATE line)');
    const host = opts.host ?? null;
    if (host !== null && (!HOST_RE.test(host) || Number(HOST_RE.exec(host)?.[2]) > 65535)) throw new ReefknotError('bad-request', `--host '${host}' must be HOST:PORT`);
    const row: CipPeerRow = { domain: normaliseDomain(domain), passwordHash: await hashPassword(opts.password), password: opts.password, host, tls: opts.tls ?? false, createdAt: this.ctx.now() };
    await this.ctx.store.write((tx) => tx.putCipPeer(row));
    return row;
  }

  peer(domain: string): Promise<CipPeerRow | null> {
    return this.ctx.store.read((tx) => tx.getCipPeer(domain.toLowerCase()));
  }

  peers(): Promise<CipPeerRow[]> {
    return this.ctx.store.read((tx) => tx.listCipPeers());
  }

  removePeer(domain: string): Promise<boolean> {
    return this.ctx.store.write((tx) => tx.deleteCipPeer(normaliseDomain(domain)));
  }

  /** The peer domain these credentials belong to, or null (unknown identity or wrong password). */
  async login(identity: string, password: string): Promise<string | null> {
    const peer = /^[a-z0-9.-]{1,253}$/i.test(identity) ? await this.peer(identity) : null;
    if (!peer) {
      // The same work as a real check, so timing does not tell which identities exist.
      this.dummy ??= hashPassword(randomPassword());
      await verifyPassword(await this.dummy, password);
      return null;
    }
    return (await verifyPassword(peer.passwordHash, password)) ? peer.domain : null;
  }

  async addRedirect(address: string, target: string): Promise<CipRedirectRow> {
    const row: CipRedirectRow = { address: normaliseUserId(address), target: normaliseUserId(target), createdAt: this.ctx.now() };
    if (row.address === row.target) throw new ReefknotError('bad-request', 'a redirect must lead to another identifier');
    await this.ctx.store.write((tx) => tx.putCipRedirect(row));
    return row;
  }

  redirects(): Promise<CipRedirectRow[]> {
    return this.ctx.store.read((tx) => tx.listCipRedirects());
  }

  removeRedirect(address: string): Promise<boolean> {
    return this.ctx.store.write((tx) => tx.deleteCipRedirect(normaliseUserId(address)));
  }
}
