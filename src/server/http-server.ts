/**
 * HTTP wiring: reads bodies within limits, authenticates (HTTP Basic, RFC 7617), maps the URL to
 * a decoded path under the public base URL, hands the request to the protocol, logs one JSON line,
 * and shuts down gracefully (in-flight requests finish, then the store closes).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ReefknotError } from '../domain/errors.js';
import type { DavProtocol } from '../protocols/dav/handler.js';
import type { DavResponse } from '../protocols/dav/http-types.js';
import { renderDavError, toDavError } from '../protocols/dav/errors.js';
import { decodeRequestPath, type Hrefs } from '../protocols/dav/paths.js';
import type { App } from './app.js';
import { ANONYMOUS } from '../services/access.js';
import { parseListen, publicBaseUrl } from './config.js';
import type { Logger } from './logger.js';
import { WebApp } from './web-app.js';
import { IScheduleHandler } from '../protocols/ischedule/handler.js';
import { FreeBusyUrlHandler } from '../protocols/freebusy-url/handler.js';
import { Metrics, operations } from './metrics.js';
import { StoreConflictError, StoreFullError, StoreUnavailableError } from '../store/errors.js';

const REALM = 'Basic realm="Reefknot", charset="UTF-8"';

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return headers;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.pause();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseBasic(header: string | undefined): { name: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m || !m[1]) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { name: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

function send(res: ServerResponse, r: DavResponse, head: boolean): void {
  const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body, 'utf8');
  const headers: Record<string, string> = { ...r.headers };
  if (body !== undefined) headers['content-length'] = String(body.length);
  else if (r.status !== 304 && r.status !== 204 && headers['content-length'] === undefined) headers['content-length'] = '0';
  res.writeHead(r.status, headers);
  res.end(head || r.status === 304 || r.status === 204 ? undefined : body);
}

const challenge = (): DavResponse => plain(401, 'Authentication required: sign in with your Reefknot user name and password.', { 'www-authenticate': REALM });

const plain = (status: number, text: string, headers: Record<string, string> = {}): DavResponse => ({
  status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body: `${text}\n`,
});

export class RequestHandler {
  private readonly metrics = new Metrics();
  constructor(private readonly app: App, private readonly dav: DavProtocol, private readonly hrefs: Hrefs, private readonly log: Logger,
    private readonly web: WebApp = new WebApp(app, { prefix: hrefs.prefix, secure: hrefs.origin.startsWith('https:') })) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    let user: string | undefined;
    let response: DavResponse;
    const method = (req.method ?? 'GET').toUpperCase();
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    try {
      ({ response, user } = await this.respond(req, method, rawPath));
    } catch (e) {
      if (e instanceof BodyTooLarge) response = plain(413, `The request body is larger than the ${this.app.config.maxRequestBytes} bytes allowed`, { connection: 'close' });
      else if (e instanceof StoreUnavailableError) {
        this.log.warn({ method, path: rawPath, err: e.message }, 'store unavailable');
        response = plain(503, 'The calendar store is unavailable for a moment; nothing was changed. Try again shortly.', { 'retry-after': '5' });
      } else if (e instanceof StoreFullError) {
        this.log.error({ method, path: rawPath, err: e.message }, 'store full');
        response = plain(507, e.message);
      } else if (e instanceof StoreConflictError) response = plain(409, e.message);
      else {
        this.log.error({ err: e, method, path: rawPath }, 'request failed');
        response = plain(500, 'The server hit an internal error; it has been logged.');
      }
    }
    if (!res.headersSent) send(res, response, method === 'HEAD');
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    this.metrics.record(method, response.status, ms);
    this.log.info({ method, path: rawPath, status: response.status, duration_ms: Math.round(ms * 100) / 100, user: user ?? null }, 'request');
  }

  private async respond(req: IncomingMessage, method: string, rawPath: string): Promise<{ response: DavResponse; user?: string }> {
    let path: string;
    try {
      path = decodeRequestPath(this.hrefs.local(rawPath));
    } catch (e) {
      if (e instanceof ReefknotError) return { response: renderDavError(toDavError(e, (p) => p)) };
      throw e;
    }
    const ops = await operations(req, path, this.app, this.metrics);
    if (ops) return { response: ops };
    // iSchedule authenticates by DKIM, not Basic (docs/ischedule.md).
    if (IScheduleHandler.owns(path)) return { response: await this.app.ischedule.handler.handle({ method, path, query: (req.url ?? '').split('?')[1] ?? '', headers: headersOf(req), body: await readBody(req, this.app.config.maxRequestBytes) }) };
    if (path === '/.well-known/caldav' || path === '/.well-known/caldav/') {
      return { response: { status: 301, headers: { location: `${this.hrefs.prefix}/` } } };
    }
    // The web calendar (web-app.ts): its pages and sign-in, and session cookies as credentials.
    const web = await this.web.respond(req, method, path, (limit) => readBody(req, limit));
    if (web) return web;
    const credentials = parseBasic(req.headers.authorization);
    const cookie = credentials ? null : await this.web.authenticate(req, method);
    if (cookie && 'refused' in cookie) {
      await readBody(req, this.app.config.maxRequestBytes).catch(() => Buffer.alloc(0));
      return { response: cookie.refused };
    }
    const account = credentials ? await this.app.users.authenticate(credentials.name, credentials.password) : cookie?.account ?? null;
    if (credentials && !account) {
      await readBody(req, this.app.config.maxRequestBytes).catch(() => Buffer.alloc(0));
      return { response: challenge() };
    }
    const body = await readBody(req, this.app.config.maxRequestBytes);
    const headers = headersOf(req);
    const principal = account ? { user: account } : ANONYMOUS;
    const query = (req.url ?? '').split('?')[1] ?? '';
    const response = FreeBusyUrlHandler.owns(path)
      ? await this.app.freebusyUrl.handle({ method, path, query, body, principal })
      : await this.dav.handle({ method, path, query, headers, body, principal });
    // Without credentials, anything not published answers with a challenge rather than a refusal.
    // (An upload to a free-busy URL authenticates by its token: a wrong one is a refusal, not a challenge.)
    if (!account && response.status === 403 && !(method === 'PUT' && FreeBusyUrlHandler.owns(path))) return { response: challenge() };
    return { response: credentials ? response : this.web.harden(response), user: account?.name };
  }
}

export async function startHttpServer(app: App, log: Logger): Promise<RunningServer> {
  const { host, port } = parseListen(app.config.listen);
  const tls = app.config.tlsCert && app.config.tlsKey ? { cert: readFileSync(app.config.tlsCert), key: readFileSync(app.config.tlsKey) } : null;
  let handler: RequestHandler | undefined;
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (!handler) {
      res.writeHead(503).end();
      return;
    }
    void handler.handle(req, res);
  };
  const server: Server = tls ? createHttpsServer(tls, onRequest) : createHttpServer(onRequest);
  // Idle keep-alive connections outlive the clients' own idle timeout (undici closes at 4 s),
  // so a client never sends a request on a socket the server is closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = publicBaseUrl(app.config, actualPort);
  const dav = app.dav(url);
  handler = new RequestHandler(app, dav, dav.deps.hrefs, log);
  return {
    url, port: actualPort, server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
