/**
 * `reefknot serve`: opens the store, creates a first user on an empty store (password printed
 * once), starts the HTTP listener, and on SIGTERM/SIGINT lets in-flight requests finish before
 * closing the database.
 */
import { randomPassword } from '../services/passwords.js';
import { openApp, type App } from './app.js';
import type { ServerConfig } from './config.js';
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
  await app.users.create(app.config.firstUser, { addresses: [], password });
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
  log.info({ url: http.url, data: config.data }, 'listening');
  say(`Reefknot is listening on ${http.url}/ (data in ${config.data})`);
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
