/**
 * The CIP listener (docs/cip.md; off by default): a TCP — or, with `cipTls`, TLS — server whose
 * every connection is one CipSession. Bounded per remote address (concurrent sessions), per line
 * and data block, and by an idle timeout. LOGIN passwords are accepted in clear only over TLS,
 * from loopback, or when `cipAllowPlainLogin` says so.
 */
import { readFileSync } from 'node:fs';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { createServer as createTlsServer } from 'node:tls';
import { CipSession, DEFAULT_SESSION_LIMITS, type SessionLimits } from '../protocols/cip/session.js';
import { encodeLine, LineReader } from '../protocols/cip/wire.js';
import type { CipGateway } from '../services/scheduling/cip-receive.js';
import { parseListen, type ServerConfig } from './config.js';
import type { Logger } from './logger.js';

export interface CipListener {
  port: number;
  close(): Promise<void>;
}

export interface CipListenerOptions {
  listen: string;
  gateway: CipGateway;
  hostname: string;
  tls: { cert: Buffer; key: Buffer } | null;
  allowPlainLogin: boolean;
  log: Logger;
  limits?: SessionLimits;
  maxSessionsPerAddress?: number;
}

const isLoopback = (a: string | undefined): boolean => !!a && (/^(::ffff:)?127\./.test(a) || a === '::1');

/** The name in the greeting: the public base URL's host, else this machine's name. */
export function cipHostname(config: ServerConfig): string {
  return config.baseUrl ? new URL(config.baseUrl).hostname : osHostname();
}

export function cipTlsOf(config: ServerConfig): { cert: Buffer; key: Buffer } | null {
  return config.cipTls && config.tlsCert && config.tlsKey ? { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) } : null;
}

export async function startCipListener(o: CipListenerOptions): Promise<CipListener> {
  const limits = o.limits ?? DEFAULT_SESSION_LIMITS;
  const perAddress = new Map<string, number>();
  const sockets = new Set<Socket>();
  const onConnection = (socket: Socket): void => {
    const remote = socket.remoteAddress ?? '';
    const count = (perAddress.get(remote) ?? 0) + 1;
    perAddress.set(remote, count);
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      sockets.delete(socket);
      const left = (perAddress.get(remote) ?? 1) - 1;
      if (left > 0) perAddress.set(remote, left);
      else perAddress.delete(remote);
    });
    if (count > (o.maxSessionsPerAddress ?? 10)) {
      socket.end(encodeLine('NO 000 Too many sessions from your address; try again later'));
      return;
    }
    runSession(socket, o, limits, o.tls !== null || o.allowPlainLogin || isLoopback(remote));
  };
  const server: Server = o.tls ? createTlsServer({ cert: o.tls.cert, key: o.tls.key }, onConnection) : createNetServer(onConnection);
  const { host, port } = parseListen(o.listen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

function runSession(socket: Socket, o: CipListenerOptions, limits: SessionLimits, plainLoginAllowed: boolean): void {
  let reader: LineReader | null = null;
  const session = new CipSession({
    gateway: o.gateway, hostname: o.hostname, plainLoginAllowed, limits, now: Date.now,
    write: (line) => {
      if (!socket.destroyed) socket.write(encodeLine(line));
    },
    close: () => {
      reader?.stop();
      socket.end();
    },
    onError: (e) => o.log.error({ err: e }, 'cip command failed'),
  });
  reader = new LineReader(limits.maxLineBytes, (l) => session.onLine(l), () => session.abort(`Line longer than ${limits.maxLineBytes} bytes; closing`));
  socket.setTimeout(limits.idleTimeoutMs, () => session.abort('Idle too long; closing'));
  socket.on('data', (c: Buffer) => reader?.push(c));
  session.start();
}
