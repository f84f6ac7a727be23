/** Builds the store, services and protocol handlers once, from the configuration (no globals). */
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { PgStore } from '../store/postgres/pg-store.js';
import type { Store } from '../store/types.js';
import { DEFAULT_INDEX, type ServiceContext } from '../services/context.js';
import { ianaTimezones } from '../services/timezones.js';
import { ContentService } from '../services/content.js';
import { CopyMoveService } from '../services/copy-move.js';
import { CalendarQueryService } from '../services/calendar-query.js';
import { UserService } from '../services/users.js';
import { SharingService } from '../services/sharing.js';
import { AclService } from '../services/acl.js';
import { ProxyService } from '../services/proxies.js';
import { InvitationService } from '../services/invitations.js';
import { Delivery } from '../services/scheduling/deliver.js';
import { ImplicitScheduling } from '../services/scheduling/implicit.js';
import { OutboxService } from '../services/scheduling/outbox.js';
import { ReceiveService } from '../services/scheduling/receive.js';
import { DEFAULT_WORKER_OPTIONS, DeliveryWorker } from '../services/scheduling/worker.js';
import type { Transport } from '../services/scheduling/transports.js';
import { SmtpImipTransport } from '../protocols/imip/sender.js';
import { buildCaldav } from '../protocols/caldav/index.js';
import { Hrefs } from '../protocols/dav/paths.js';
import type { DavProtocol } from '../protocols/dav/handler.js';
import type { ServerConfig } from './config.js';
import { FreeBusyUrlService } from '../services/freebusy-url.js';
import { FreeBusyUrlHandler } from '../protocols/freebusy-url/handler.js';
import { buildISchedule, HOLD_ROUTE, type IScheduleParts } from './ischedule-wiring.js';
import { cipTransport } from './cip-wiring.js';

export interface App {
  config: ServerConfig;
  store: Store;
  users: UserService;
  content: ContentService;
  sharing: SharingService;
  context: ServiceContext;
  /** Local delivery and processing of scheduling messages (also for messages arriving from outside). */
  delivery: Delivery;
  receive: ReceiveService;
  /** Sends queued messages to recipients on other servers. */
  worker: DeliveryWorker;
  transports: Transport[];
  /** Server-to-server scheduling (docs/ischedule.md): keys and peers, sender, receiver. */
  ischedule: IScheduleParts;
  /** Free-busy URLs (GET /freebusy/USER, PUT with a token). */
  freebusyUrl: FreeBusyUrlHandler;
  freebusy: FreeBusyUrlService;
  /** Built once the public URL is known (the port may be chosen at listen time). */
  dav(baseUrl: string): DavProtocol;
}

function sqliteOnly(config: ServerConfig): Store {
  if (config.store) throw new Error('A PostgreSQL store is opened asynchronously: use openApp()');
  return new SqliteStore({ dataDir: config.data });
}

/** The configured store: PostgreSQL when `store` names one, else SQLite in the data folder. */
export async function openStore(config: ServerConfig): Promise<Store> {
  return config.store ? PgStore.open({ url: config.store }) : new SqliteStore({ dataDir: config.data });
}

/** Opens the configured store and builds the app on it. */
export async function openApp(config: ServerConfig): Promise<App> {
  return buildApp(config, await openStore(config));
}

export function buildApp(config: ServerConfig, store: Store = sqliteOnly(config)): App {
  const context: ServiceContext = {
    store, now: () => Date.now(), limits: config.limits, defaultQuotaBytes: config.quotaBytes, timezones: ianaTimezones().lookup, index: DEFAULT_INDEX,
  };
  const users = new UserService(context);
  const content = new ContentService(context);
  const copyMove = new CopyMoveService(context, content);
  const calendarQuery = new CalendarQueryService(context, content.resources);
  const sharing = new SharingService(context);
  const invitations = new InvitationService(context, sharing, content.resources);
  const delivery = new Delivery(context, content.writer);
  content.scheduling = new ImplicitScheduling(context, delivery);
  const outbox = new OutboxService(context, delivery, content.resources);
  const ischedule = buildISchedule(config, context, delivery, outbox);
  const transports: Transport[] = [ischedule.transport, cipTransport(config, context), config.smtpRelay ? new SmtpImipTransport(config.smtpRelay) : HOLD_ROUTE];
  const freebusy = new FreeBusyUrlService(context);
  return {
    config, store, users, content, context, sharing, delivery, transports, ischedule,
    receive: new ReceiveService(context, delivery),
    freebusy,
    freebusyUrl: new FreeBusyUrlHandler(freebusy, context.now),
    worker: new DeliveryWorker(context, transports, content.writer, { ...DEFAULT_WORKER_OPTIONS, leaseMs: config.deliveryLeaseMs }),
    dav: (baseUrl: string) => {
      const url = new URL(baseUrl);
      const hrefs = new Hrefs(url.pathname.replace(/\/$/, ''), url.origin);
      return buildCaldav({ content, copyMove, calendarQuery, acl: new AclService(context, content.resources), proxies: new ProxyService(context), invitations, outbox, hrefs, limits: config.limits, maxXmlBytes: 1024 * 1024 });
    },
  };
}
