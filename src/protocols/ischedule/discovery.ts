/**
 * Finding another domain's iSchedule receiver and key (draft-desruisseaux-ischedule-05 §6, §7.3):
 * a configured peer URL; else DNS SRV `_ischedules._tcp.DOMAIN` (https) then `_ischedule._tcp.DOMAIN`
 * (http); else https://DOMAIN/.well-known/ischedule when it answers a capabilities query. Every
 * lookup is bounded (2 s) and answers, positive or negative, are cached, so a domain without
 * iSchedule costs one bounded discovery and then falls back to iMIP at once.
 */
import { Resolver } from 'node:dns/promises';
import { lookup as systemLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { httpRequest } from './http-client.js';

export interface DiscoveryOptions {
  /** HOST:PORT of the DNS resolver to ask; null: the system's. */
  dnsServer: string | null;
  /** False: only configured peers (`serve --no-discovery`). */
  discovery: boolean;
  lookupTimeoutMs: number;
  positiveTtlMs: number;
  negativeTtlMs: number;
  now: () => number;
}

export const DEFAULT_DISCOVERY: Omit<DiscoveryOptions, 'dnsServer' | 'discovery' | 'now'> = { lookupTimeoutMs: 2_000, positiveTtlMs: 3_600_000, negativeTtlMs: 300_000 };

export const WELL_KNOWN_PATH = '/.well-known/ischedule';

function bounded<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`DNS lookup took longer than ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export class Discovery {
  private readonly cache = new Map<string, { value: unknown; until: number }>();

  constructor(private readonly o: DiscoveryOptions) {}

  private resolver(): Resolver {
    const r = new Resolver({ timeout: this.o.lookupTimeoutMs, tries: 1 });
    if (this.o.dnsServer) r.setServers([this.o.dnsServer]);
    return r;
  }

  private async cached<T>(key: string, fn: () => Promise<T | null>): Promise<T | null> {
    const hit = this.cache.get(key);
    if (hit && hit.until > this.o.now()) return hit.value as T | null;
    const value = await bounded(fn(), this.o.lookupTimeoutMs).catch(() => null);
    this.cache.set(key, { value, until: this.o.now() + (value === null ? this.o.negativeTtlMs : this.o.positiveTtlMs) });
    return value;
  }

  /** The joined strings of the first TXT record at `name`, or null. */
  txt(name: string): Promise<string | null> {
    return this.cached(`txt:${name}`, async () => (await this.resolver().resolveTxt(name))[0]?.join('') ?? null);
  }

  private srv(name: string): Promise<{ name: string; port: number } | null> {
    return this.cached(`srv:${name}`, async () => {
      const records = (await this.resolver().resolveSrv(name)).sort((a, b) => a.priority - b.priority || b.weight - a.weight);
      const first = records[0];
      return first && first.name !== '.' && first.name !== '' ? { name: first.name, port: first.port } : null;
    });
  }

  /** An IPv4/IPv6 address for a host: through the configured resolver when one is set. */
  async address(host: string): Promise<{ address: string; family: 4 | 6 }> {
    if (isIP(host)) return { address: host, family: isIP(host) === 6 ? 6 : 4 };
    if (!this.o.dnsServer) {
      const r = await bounded(systemLookup(host), this.o.lookupTimeoutMs);
      return { address: r.address, family: r.family === 6 ? 6 : 4 };
    }
    const a = await this.cached(`a:${host}`, async () => (await this.resolver().resolve4(host))[0] ?? null);
    if (!a) throw new Error(`${host} has no address`);
    return { address: a, family: 4 };
  }

  /** Where `domain` receives iSchedule requests, or null when it has no receiver this server may use. */
  async locate(domain: string, peer: { url: string | null } | null): Promise<URL | null> {
    if (peer?.url) return new URL(peer.url);
    if (!this.o.discovery && !peer) return null;
    return this.cached(`url:${domain}`, async () => {
      const secure = await this.srv(`_ischedules._tcp.${domain}`);
      if (secure) return new URL(`https://${secure.name}:${secure.port}${WELL_KNOWN_PATH}`);
      const plain = await this.srv(`_ischedule._tcp.${domain}`);
      if (plain) return new URL(`http://${plain.name}:${plain.port}${WELL_KNOWN_PATH}`);
      const guess = new URL(`https://${domain}${WELL_KNOWN_PATH}`);
      const probe = await httpRequest(new URL(`${guess.href}?action=capabilities`), { method: 'GET', timeoutMs: this.o.lookupTimeoutMs, discovery: this });
      return probe.status === 200 ? guess : null;
    });
  }
}
