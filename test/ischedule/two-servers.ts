/**
 * Test rig for iSchedule: two Reefknot servers on 127.0.0.1 (foo.example and bar.example, each
 * with its own data folder and key) and Debian's dnsmasq on a free loopback port answering the
 * SRV, A and TXT records that discovery and key lookup ask for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type App } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { startHttpServer, type RunningServer } from '../../src/server/http-server.js';
import { createLogger } from '../../src/server/logger.js';
import { dkimKeyRecord } from '../../src/services/scheduling/ischedule-peers.js';

export interface Side {
  domain: string;
  app: App;
  http: RunningServer;
  url: string;
  data: string;
  request(method: string, path: string, user: string | null, body?: string, headers?: Record<string, string>): Promise<{ status: number; text: string; headers: Headers }>;
}

export interface Rig {
  foo: Side;
  bar: Side;
  dnsPort: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function side(domain: string, users: { name: string; type?: 'room' }[], dnsPort: number): Promise<Side> {
  const data = mkdtempSync(join(tmpdir(), `reefknot-${domain}-`));
  const config = loadConfig({ env: {}, flags: { data, listen: '127.0.0.1:0', logLevel: 'silent', dnsServer: `127.0.0.1:${dnsPort}` } });
  const app = buildApp(config);
  for (const u of users) await app.users.create(u.name, { addresses: [`${u.name}@${domain}`], password: `secret-${u.name}`, ...(u.type ? { type: u.type } : {}) });
  const http = await startHttpServer(app, createLogger('silent'));
  return {
    domain, app, http, url: http.url, data,
    async request(method, path, user, body, headers = {}) {
      const h: Record<string, string> = { ...headers };
      if (user) h.authorization = `Basic ${Buffer.from(`${user}:secret-${user}`).toString('base64')}`;
      const res = await fetch(http.url + path, { method, headers: h, body });
      return { status: res.status, text: await res.text(), headers: res.headers };
    },
  };
}

/** A throwaway dnsmasq on loopback answering for `.example` names; resolves once it runs. */
export function startDnsmasq(port: number, args: string[]): Promise<ChildProcess> {
  const child = spawn('dnsmasq', ['--no-daemon', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts',
    '--conf-file=/dev/null', '--pid-file=', '--local=/example/', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr?.on('data', (c: Buffer) => {
      log += c.toString();
      if (/started, version/.test(log)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`dnsmasq exited (${code}): ${log}`)));
  });
}

/** Two servers that trust each other: foo pins bar's key; bar reads foo's key from DNS TXT. */
export async function startRig(opts: { barAllowsFoo?: ('deliver' | 'freebusy' | 'rooms')[] } = {}): Promise<Rig> {
  const dnsPort = await freePort();
  const foo = await side('foo.example', [{ name: 'alice' }], dnsPort);
  const bar = await side('bar.example', [{ name: 'bob' }, { name: 'room1', type: 'room' }], dnsPort);
  const fooKey = await foo.app.ischedule.peers.keygen('foo.example');
  const barKey = await bar.app.ischedule.peers.keygen('bar.example');
  await foo.app.ischedule.peers.addPeer('bar.example', { publicKeyPem: barKey.publicKeyPem });
  await bar.app.ischedule.peers.addPeer('foo.example', { allow: opts.barAllowsFoo ?? ['deliver', 'freebusy'] });
  const txt = dkimKeyRecord(fooKey.publicKeyPem).match(/.{1,200}/g) ?? [];
  const dns = await startDnsmasq(dnsPort, [
    `--srv-host=_ischedule._tcp.bar.example,cal.bar.example,${bar.http.port}`, '--address=/cal.bar.example/127.0.0.1',
    `--srv-host=_ischedule._tcp.foo.example,cal.foo.example,${foo.http.port}`, '--address=/cal.foo.example/127.0.0.1',
    `--txt-record=ischedule._domainkey.foo.example,${txt.join(',')}`,
  ]);
  return {
    foo, bar, dnsPort,
    async stop() {
      dns.kill('SIGTERM');
      for (const s of [foo, bar]) {
        await s.http.close();
        await s.app.store.close();
        rmSync(s.data, { recursive: true, force: true });
      }
    },
  };
}
