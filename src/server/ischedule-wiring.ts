/**
 * Builds iSchedule (docs/ischedule.md) from the configuration: discovery with the configured DNS
 * resolver, the sending transport, the receiver, and the hooks that make scheduling real time
 * (Delivery tries iSchedule during the request; the outbox asks remote servers for busy time).
 */
import { Discovery, DEFAULT_DISCOVERY } from '../protocols/ischedule/discovery.js';
import { DEFAULT_ISCHEDULE_LIMITS, IScheduleHandler } from '../protocols/ischedule/handler.js';
import { IScheduleTransport } from '../protocols/ischedule/transport.js';
import type { ServiceContext } from '../services/context.js';
import type { Delivery } from '../services/scheduling/deliver.js';
import { IScheduleReceive } from '../services/scheduling/ischedule-receive.js';
import { ISchedulePeers } from '../services/scheduling/ischedule-peers.js';
import type { OutboxService } from '../services/scheduling/outbox.js';
import type { Transport } from '../services/scheduling/transports.js';
import type { ServerConfig } from './config.js';

/**
 * The worker's last resort when no SMTP relay is configured: the message stays queued (retried
 * with backoff, 5.1 after the maximum age) instead of failing at once, in case a peer appears.
 */
export const HOLD_ROUTE: Transport = {
  name: 'none',
  handles: async () => true,
  send: async () => {
    throw new Error('no route: the domain has no iSchedule receiver and no SMTP relay is configured');
  },
};

export interface IScheduleParts {
  peers: ISchedulePeers;
  transport: IScheduleTransport;
  handler: IScheduleHandler;
}

/** How long the organizer's request waits for a peer before the message goes to the queue. */
export const IMMEDIATE_TIMEOUT_MS = 5_000;

export function buildISchedule(config: ServerConfig, context: ServiceContext, delivery: Delivery, outbox: OutboxService): IScheduleParts {
  const peers = new ISchedulePeers(context);
  const discovery = new Discovery({ ...DEFAULT_DISCOVERY, dnsServer: config.dnsServer, discovery: config.ischeduleDiscovery, now: context.now });
  const transport = new IScheduleTransport({ peers, discovery, timeoutMs: IMMEDIATE_TIMEOUT_MS, now: context.now });
  const limits = { ...DEFAULT_ISCHEDULE_LIMITS, maxContentLength: Math.min(DEFAULT_ISCHEDULE_LIMITS.maxContentLength, config.maxRequestBytes), maxInstances: config.limits.maxInstances };
  const handler = new IScheduleHandler({ receive: new IScheduleReceive(context, delivery), peers, discovery, limits, now: context.now });
  delivery.immediate = transport;
  delivery.immediateTimeoutMs = IMMEDIATE_TIMEOUT_MS;
  outbox.remoteFreeBusy = async (organizer, attendee, request) => {
    const answer = await transport.freeBusy(organizer, attendee, request);
    return answer ? { ...answer, recipient: attendee } : null;
  };
  return { peers, transport, handler };
}
