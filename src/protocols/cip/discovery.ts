/**
 * Finding a peer's CIP listener (draft-ietf-calsch-cip-00 §1.9, DNS SRV RFC 2782): the peer's
 * configured HOST:PORT; else SRV `_cip._tcp.DOMAIN` (lowest priority, highest weight); else the
 * domain itself on DEFAULT_CIP_PORT (the draft never got a port from IANA). Lookups go to the
 * configured resolver (`dnsServer`) when set, are bounded, and SRV answers are cached briefly.
 */
import { lookup as systemLookup, Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

/** Our choice: no port was ever assigned to CIP (docs/cip.md). */
export const DEFAULT_CIP_PORT = 5545;

export interface CipDiscoveryOptions { dnsServer: string | null; lookupTimeoutMs: number; ttlMs: number; now: () => number }

function bounded<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`DNS lookup took longer than ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export function parseHostPort(text: string): { host: string; port: number } | null {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text);
  return m?.[1] && m[2] ? { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) } : null;
}

export class CipDiscovery {
  private readonly srvCache = new Map<string, { value: { host: string; port: number } | null; until: number }>();

  constructor(private readonly o: CipDiscoveryOptions) {}

  private resolver(): Resolver {
    const r = new Resolver({ timeout: this.o.lookupTimeoutMs, tries: 1 });
    if (this.o.dnsServer) r.setServers([this.o.dnsServer]);
    return r;
  }

  private async srv(domain: string): Promise<{ host: string; port: number } | null> {
    const hit = this.srvCache.get(domain);
    if (hit && hit.until > this.o.now()) return hit.value;
    const records = await bounded(this.resolver().resolveSrv(`_cip._tcp.${domain}`), this.o.lookupTimeoutMs).catch(() => []);
    const first = [...records].sort((a, b) => a.priority - b.priority || b.weight - a.weight)[0];
    const value = first && first.name !== '.' && first.name !== '' ? { host: first.name, port: first.port } : null;
    this.srvCache.set(domain, { value, until: this.o.now() + this.o.ttlMs });
    return value;
  }

  /** Where `domain` listens for CIP. */
  async locate(domain: string, peer: { host: string | null } | null): Promise<{ host: string; port: number }> {
    const configured = peer?.host ? parseHostPort(peer.host) : null;
    return configured ?? (await this.srv(domain)) ?? { host: domain, port: DEFAULT_CIP_PORT };
  }

  /** An address to connect to for `host`, through the configured resolver when one is set. */
  async address(host: string): Promise<string> {
    if (isIP(host)) return host;
    if (!this.o.dnsServer) return (await bounded(systemLookup(host), this.o.lookupTimeoutMs)).address;
    const r = this.resolver();
    const v4 = await bounded(r.resolve4(host), this.o.lookupTimeoutMs).catch(() => []);
    const a = v4[0] ?? (await bounded(r.resolve6(host), this.o.lookupTimeoutMs).catch(() => []))[0];
    if (!a) throw new Error(`${host} has no address`);
    return a;
  }
}
