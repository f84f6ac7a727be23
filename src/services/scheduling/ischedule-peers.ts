/**
 * iSchedule trust (draft-desruisseaux-ischedule-05 §7, DKIM RFC 6376 §3.6.1): this server's
 * signing keys, one per domain it signs for, and the remote domains it trusts with what each may
 * do here (deliver, freebusy, rooms). Everything is read from the store per request, so a change
 * made with the CLI while `serve` runs takes effect at once.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { ReefknotError } from '../../domain/errors.js';
import type { IScheduleKeyRow, ISchedulePeerRow } from '../../store/types.js';
import type { ServiceContext } from '../context.js';

export const PEER_PERMISSIONS = ['deliver', 'freebusy', 'rooms'] as const;
export type PeerPermission = (typeof PEER_PERMISSIONS)[number];
export const DEFAULT_PEER_PERMISSIONS: PeerPermission[] = ['deliver', 'freebusy'];
export const DEFAULT_SELECTOR = 'ischedule';

const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

export function normaliseDomain(domain: string): string {
  const d = domain.trim().toLowerCase().replace(/\.$/, '');
  if (!DOMAIN_RE.test(d)) throw new ReefknotError('bad-request', `'${domain}' is not a domain name`);
  return d;
}

/** The DKIM key record (RFC 6376 §3.6.1) for a public key: `v=DKIM1; k=rsa; p=…`. */
export function dkimKeyRecord(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return `v=DKIM1; k=rsa; p=${der.toString('base64')}`;
}

/** The public key (PEM) named by a DKIM key record, or null when it holds none usable. */
export function keyFromRecord(record: string): string | null {
  const tags = new Map(record.split(';').map((t) => t.trim().split('=')).map(([k, ...v]) => [(k ?? '').trim(), v.join('=').replace(/\s+/g, '')]));
  const p = tags.get('p');
  if (!p || (tags.get('k') ?? 'rsa') !== 'rsa') return null;
  try {
    return createPublicKey({ key: Buffer.from(p, 'base64'), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    return null;
  }
}

export function parsePermissions(list: string): PeerPermission[] {
  const items = list.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  const bad = items.filter((s) => !(PEER_PERMISSIONS as readonly string[]).includes(s));
  if (bad.length) throw new ReefknotError('bad-request', `unknown permission(s) ${bad.join(', ')}: use ${PEER_PERMISSIONS.join(', ')}`);
  return [...new Set(items)] as PeerPermission[];
}

export class ISchedulePeers {
  constructor(private readonly ctx: ServiceContext) {}

  /** Makes (or replaces) this server's RSA 2048 signing key for `domain`. */
  async keygen(domain: string, selector = DEFAULT_SELECTOR): Promise<IScheduleKeyRow> {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const row: IScheduleKeyRow = {
      domain: normaliseDomain(domain), selector,
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      createdAt: this.ctx.now(),
    };
    await this.ctx.store.write((tx) => tx.putIScheduleKey(row));
    return row;
  }

  key(domain: string): Promise<IScheduleKeyRow | null> {
    return this.ctx.store.read((tx) => tx.getIScheduleKey(domain));
  }

  keys(): Promise<IScheduleKeyRow[]> {
    return this.ctx.store.read((tx) => tx.listIScheduleKeys());
  }

  async addPeer(domain: string, opts: { url?: string | null; publicKeyPem?: string | null; allow?: PeerPermission[] } = {}): Promise<ISchedulePeerRow> {
    if (opts.url) {
      const u = new URL(opts.url);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new ReefknotError('bad-request', `--url must be http(s), not ${u.protocol}`);
    }
    let pem: string | null = null;
    if (opts.publicKeyPem) {
      try {
        pem = createPublicKey(opts.publicKeyPem).export({ type: 'spki', format: 'pem' }).toString();
      } catch (e) {
        throw new ReefknotError('bad-request', `the key is not a PEM public key: ${(e as Error).message}`);
      }
    }
    const row: ISchedulePeerRow = { domain: normaliseDomain(domain), url: opts.url ?? null, publicKeyPem: pem, allow: opts.allow ?? DEFAULT_PEER_PERMISSIONS, createdAt: this.ctx.now() };
    await this.ctx.store.write((tx) => tx.putISchedulePeer(row));
    return row;
  }

  peer(domain: string): Promise<ISchedulePeerRow | null> {
    return this.ctx.store.read((tx) => tx.getISchedulePeer(domain.toLowerCase()));
  }

  peers(): Promise<ISchedulePeerRow[]> {
    return this.ctx.store.read((tx) => tx.listISchedulePeers());
  }

  removePeer(domain: string): Promise<boolean> {
    return this.ctx.store.write((tx) => tx.deleteISchedulePeer(normaliseDomain(domain)));
  }
}
