/**
 * `reefknot serve`: opens the store, creates a first user on an empty store (password printed
 * once), starts the HTTP listener, and on SIGTERM/SIGINT lets in-flight requests finish before
 * closing the database.
 */
import { randomPassword } from '../services/passwords.js';
import { openApp, type App } from './app.js';
import { redactUrl, type ServerConfig } from './config.js';
import { startHttpServer, type RunningServer } from './http-server.js';
import { startMailListener } from './mail-listener.js';
import { startCip } from './cip-wiring.js';
import { createLogger, type Logger } from './logger.js';

export interface ServeHandle {
  app: App;
  http: RunningServer;
  log: Logger;
  stop(): Promise<void>;
}

export async function ensureFirstUser(app: App, say: (line: string) => void): Promise<void> {
  if ((await app.users.count()) > 0) return;
  const password = randomPassword();
  try {
    await app.users.create(app.config.firstUser, { addresses: [], password });
  } catch (e) {
    // Several processes started together on one new PostgreSQL store: another one created it.
    if ((await app.users.count()) > 0) return;
    throw e;
  }
  say(`Created the first user '${app.config.firstUser}' with password: ${password}`);
  say('This password is shown once. Change it with: reefknot user passwd ' + app.config.firstUser);
}

export async function serve(config: ServerConfig, say: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<ServeHandle> {
  const log = createLogger(config.logLevel);
  const app = await openApp(config);
  await ensureFirstUser(app, say);
  const http = await startHttpServer(app, log);
  app.worker.start(config.deliveryIntervalMs);
  const mail = config.mailListen
    ? await startMailListener({ listen: config.mailListen, protocol: config.mailProtocol, auth: config.mailAuth, receive: app.receive, users: app.users, log })
    : null;
  if (mail && config.mailListen) say(`Calendar mail (${config.mailProtocol.toUpperCase()}) is accepted on ${config.mailListen.replace(/:\d+$/, '')}:${mail.port}`);
  const cip = await startCip(app, log, say);
  const where = config.store ? `store ${redactUrl(config.store)}` : `data in ${config.data}`;
  log.info({ url: http.url, store: config.store ? redactUrl(config.store) : config.data }, 'listening');
  say(`Reefknot is listening on ${http.url}/ (${where})`);
  say(`Point a CalDAV client at ${http.url}/ and sign in as a user; calendars live under ${http.url}/calendars/NAME/`);
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      log.info('shutting down: finishing in-flight requests');
      await http.close();
      await mail?.close();
      await cip?.close();
      await app.worker.stop();
      for (const t of app.transports) if ('close' in t && typeof t.close === 'function') (t.close as () => void)();
      await app.store.close();
      log.info('stopped');
    })();
    return stopping;
  };
  return { app, http, log, stop };
}
