/**
 * Test rig for the CIP gateway: Reefknot servers on 127.0.0.1 with the CIP listener on a free
 * port, users with addresses in any domain, CIP peers; and a raw line client that replays
 * sessions command by command the way the draft's examples write them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type App } from '../../src/server/app.js';
import { loadConfig, type ConfigOverrides } from '../../src/server/config.js';
import { startHttpServer, type RunningServer } from '../../src/server/http-server.js';
import { createLogger } from '../../src/server/logger.js';
import { startCipListener, type CipListener } from '../../src/server/cip-listener.js';
import { CipPeers } from '../../src/services/scheduling/cip-peers.js';
import { CipGateway } from '../../src/services/scheduling/cip-receive.js';
import type { SessionLimits } from '../../src/protocols/cip/session.js';

export interface CipServer {
  app: App;
  http: RunningServer;
  cip: CipListener;
  peers: CipPeers;
  data: string;
  request(method: string, path: string, user: string | null, body?: string): Promise<{ status: number; text: string }>;
  copyOf(user: string, uid: string): Promise<string | null>;
  stop(): Promise<void>;
}

export async function startCipServer(o: { users: Record<string, string>; peers?: Record<string, string>; flags?: ConfigOverrides; limits?: SessionLimits; hostname?: string }): Promise<CipServer> {
  const data = mkdtempSync(join(tmpdir(), 'reefknot-cip-'));
  const config = loadConfig({ env: {}, flags: { data, listen: '127.0.0.1:0', logLevel: 'silent', ...o.flags } });
  const app = buildApp(config);
  for (const [name, address] of Object.entries(o.users)) await app.users.create(name, { addresses: [address], password: `secret-${name}` });
  const peers = new CipPeers(app.context);
  for (const [domain, password] of Object.entries(o.peers ?? {})) await peers.addPeer(domain, { password });
  const http = await startHttpServer(app, createLogger('silent'));
  const gateway = new CipGateway(app.context, app.delivery, peers);
  const cip = await startCipListener({ listen: '127.0.0.1:0', gateway, hostname: o.hostname ?? 'cip.test', tls: null, allowPlainLogin: false, log: createLogger('silent'), limits: o.limits });
  return {
    app, http, cip, peers, data,
    async request(method, path, user, body) {
      const headers: Record<string, string> = { 'content-type': 'text/calendar' };
      if (user) headers.authorization = `Basic ${Buffer.from(`${user}:secret-${user}`).toString('base64')}`;
      const res = await fetch(http.url + path, { method, headers, body });
      return { status: res.status, text: await res.text() };
    },
    copyOf: (user, uid) => app.store.read(async (tx) => {
      const u = await tx.getUserByName(user);
      for (const { collection, object } of u ? await tx.findObjectsByUidForOwner(u.id, uid) : []) {
        if (collection.kind === 'calendar') return (await tx.getObject(collection.id, object.name))?.content.toString('utf8') ?? null;
      }
      return null;
    }),
    async stop() {
      await cip.close();
      await http.close();
      await app.store.close();
      rmSync(data, { recursive: true, force: true });
    },
  };
}

export const unfold = (t: string | null): string => (t ?? '').replace(/\r?\n[ \t]/g, '');

/** A raw CIP connection: write lines, read the server's lines up to a completion (or close). */
export class Wire {
  private buffer = '';
  private lines: string[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (c: Buffer) => {
      this.buffer += c.toString('latin1');
      let nl: number;
      while ((nl = this.buffer.indexOf('\r\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, nl));
        this.buffer = this.buffer.slice(nl + 2);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  static open(port: number): Promise<Wire> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new Wire(s)));
      s.once('error', reject);
    });
  }

  send(...lines: string[]): void {
    this.socket.write(Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1'));
  }

  /** The next line from the server, or null once it closed. */
  async line(timeoutMs = 10_000): Promise<string | null> {
    const until = Date.now() + timeoutMs;
    while (this.lines.length === 0 && !this.closed) {
      if (Date.now() > until) throw new Error('no line from the server in time');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.lines.shift() ?? null;
  }

  /** Lines up to and including the OK/NO completion (or up to the close). */
  async answer(): Promise<string[]> {
    const out: string[] = [];
    for (let l = await this.line(); l !== null; l = await this.line()) {
      out.push(l);
      if (/^(OK|NO)\b/.test(l)) break;
    }
    return out;
  }

  /** Sends a command (and its data lines, which must end with "."), returns the answer. */
  async command(...lines: string[]): Promise<string[]> {
    this.send(...lines);
    return this.answer();
  }

  close(): void {
    this.socket.destroy();
  }
}
