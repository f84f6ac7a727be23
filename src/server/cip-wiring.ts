/**
 * Builds the CIP gateway (docs/cip.md) from the configuration: the sending transport for the
 * delivery queue (app.ts) and, when `cipListen` is set, the listener (serve.ts).
 */
import { CipDiscovery } from '../protocols/cip/discovery.js';
import { CipTransport } from '../protocols/cip/transport.js';
import type { ServiceContext } from '../services/context.js';
import { CipPeers } from '../services/scheduling/cip-peers.js';
import { CipGateway } from '../services/scheduling/cip-receive.js';
import type { App } from './app.js';
import { cipHostname, cipTlsOf, startCipListener, type CipListener } from './cip-listener.js';
import type { ServerConfig } from './config.js';
import type { Logger } from './logger.js';

/** How long one CIP session to a peer may wait for each answer. */
export const CIP_TIMEOUT_MS = 15_000;

export function cipTransport(config: ServerConfig, context: ServiceContext): CipTransport {
  const discovery = new CipDiscovery({ dnsServer: config.dnsServer, lookupTimeoutMs: 2_000, ttlMs: 300_000, now: context.now });
  return new CipTransport({ peers: new CipPeers(context), discovery, timeoutMs: CIP_TIMEOUT_MS, timezones: context.timezones });
}

/** Starts the listener when configured; null when `cipListen` is not set. */
export async function startCip(app: App, log: Logger, say: (line: string) => void): Promise<CipListener | null> {
  const c = app.config;
  if (!c.cipListen) return null;
  const gateway = new CipGateway(app.context, app.delivery, new CipPeers(app.context));
  const tls = cipTlsOf(c);
  const listener = await startCipListener({ listen: c.cipListen, gateway, hostname: cipHostname(c), tls, allowPlainLogin: c.cipAllowPlainLogin, log });
  say(`CIP (${tls ? 'TLS' : 'TCP'}) is accepted on ${c.cipListen.replace(/:\d+$/, '')}:${listener.port}`);
  return listener;
}
