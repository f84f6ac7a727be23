/**
 * Sending over CIP (draft-ietf-calsch-cip-00 §1.9, §2.1–2.3) for the delivery queue: only to
 * recipients whose domain is a configured CIP peer. Each message is one session: find the
 * listener, read the greeting (major version 1), AUTHENTICATE LOGIN as the sender's domain with
 * the peer's shared password, send SENDEVENT or RSVP, QUIT. The answer for the recipient becomes
 * the SCHEDULE-STATUS: TENTATIVE or OK → 1.2, NOTFOUND or REDIRECT → 3.7, PERMDENIED or NO 002
 * → 3.8. Unreachable servers and NO 000 without a verdict throw a retryable error: the worker's
 * exponential backoff (the draft's §1.0 advice) tries again.
 */
import type { TimezoneLookup } from '../../domain/ical/timezones.js';
import type { CipPeers } from '../../services/scheduling/cip-peers.js';
import { PermanentDeliveryError, type OutboundMessage, type Transport } from '../../services/scheduling/transports.js';
import { CipClient, type CipReply } from './client.js';
import type { CipDiscovery } from './discovery.js';
import { itipToCip } from './itip-vcal.js';

const bare = (a: string): string => a.replace(/^mailto:/i, '').toLowerCase();
const domainOf = (a: string): string => bare(a).split('@')[1] ?? '';

/** The SCHEDULE-STATUS a reply gives `recipient`, throwing for refusals and retryable failures. */
export function interpretReply(r: CipReply, recipient: string): string {
  const who = bare(recipient);
  for (const line of r.info) {
    const [kind = '', ...rest] = line.split(/\s+/);
    const target = rest[0] === 'USER' ? rest[1] : rest[0];
    if (bare((target ?? '').replace(/^<|>$/g, '')) !== who) continue;
    if (kind === 'TENTATIVE' || kind === 'CONFIRMED') return '1.2';
    if (kind === 'NOTFOUND') throw new PermanentDeliveryError(`${who} is not known there`, '3.7');
    if (kind === 'PERMDENIED') throw new PermanentDeliveryError(`${who} refused by the peer's access control`, '3.8');
    if (kind === 'REDIRECT') throw new PermanentDeliveryError(`${who} moved: ${line}`, '3.7');
  }
  if (r.ok) return '1.2';
  if (r.code === '002') throw new PermanentDeliveryError(`refused: NO 002 ${r.text}`, '3.8');
  if (r.code === '001') throw new PermanentDeliveryError(`refused as invalid: NO 001 ${r.text}`);
  if (r.info.some((l) => l.startsWith('NOTFOUND'))) throw new PermanentDeliveryError(`not found there: ${r.info.join('; ')}`, '3.7');
  throw new Error(`the peer answered NO ${r.code} ${r.text}`);
}

export class CipTransport implements Transport {
  readonly name = 'cip';

  constructor(private readonly deps: { peers: CipPeers; discovery: CipDiscovery; timeoutMs: number; timezones: TimezoneLookup }) {}

  async handles(recipient: string): Promise<boolean> {
    const domain = domainOf(recipient);
    return domain !== '' && (await this.deps.peers.peer(domain)) !== null;
  }

  async send(m: OutboundMessage): Promise<string> {
    const peer = await this.deps.peers.peer(domainOf(m.recipient));
    if (!peer) throw new PermanentDeliveryError(`${domainOf(m.recipient)} is not a CIP peer`);
    const cmd = itipToCip(m.ical, { messageId: m.messageId, recipient: m.recipient, timezones: this.deps.timezones });
    if (!cmd) throw new PermanentDeliveryError(`CIP has no command for ${m.method}`, '5.3');
    const target = await this.deps.discovery.locate(peer.domain, peer);
    const address = await this.deps.discovery.address(target.host);
    const client = await CipClient.connect({ address, port: target.port, servername: target.host, tls: peer.tls, timeoutMs: this.deps.timeoutMs });
    try {
      if (!/^OK CIP 1\.\d+(\s|$)/.test(client.greeting)) throw new PermanentDeliveryError(`not a CIP 1.x server: ${client.greeting.slice(0, 80)}`);
      const auth = await client.command(`AUTHENTICATE LOGIN ${domainOf(m.originator)} ${peer.password}`);
      if (!auth.ok) throw new PermanentDeliveryError(`${peer.domain} refused our login as ${domainOf(m.originator)}: NO ${auth.code} ${auth.text}`, '3.8');
      const reply = await client.command(`${cmd.command} +`, cmd.lines);
      await client.command('QUIT').catch(() => undefined);
      return interpretReply(reply, m.recipient);
    } finally {
      client.close();
    }
  }
}
