/**
 * Test helper: a real Reefknot server on 127.0.0.1 (a free port) over a fresh data folder, with
 * users created through the services, and a small HTTP client for requests with Basic auth.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { buildApp, type App } from '../../src/server/app.js';
import { PgStore } from '../../src/store/postgres/pg-store.js';
import type { Store } from '../../src/store/types.js';
import { loadConfig, type ConfigOverrides } from '../../src/server/config.js';
import { startHttpServer, type RunningServer } from '../../src/server/http-server.js';
import { createLogger } from '../../src/server/logger.js';

export interface TestServer {
  app: App;
  http: RunningServer;
  url: string;
  dataDir: string;
  /** Sends a request as `user` (password 'secret-USER'), or anonymously when user is null. */
  request(method: string, path: string, opts?: { user?: string | null; body?: string | Buffer; headers?: Record<string, string> }): Promise<TestResponse>;
  stop(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
}

export const passwordOf = (user: string): string => `secret-${user}`;

export async function startTestServer(opts: { users?: string[]; flags?: ConfigOverrides } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'reefknot-test-'));
  const config = loadConfig({ env: {}, flags: { data: dataDir, listen: '127.0.0.1:0', logLevel: 'silent', ...opts.flags } });
  const app = buildApp(config, await testStore());
  for (const u of opts.users ?? ['alice']) {
    await app.users.create(u, { addresses: [`${u}@example.com`], password: passwordOf(u) });
  }
  const http = await startHttpServer(app, createLogger('silent'));
  const url = http.url;
  return {
    app, http, url, dataDir,
    async request(method, path, o = {}) {
      const user = o.user === undefined ? (opts.users ?? ['alice'])[0] : o.user;
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      if (user) headers.authorization = `Basic ${Buffer.from(`${user}:${passwordOf(user)}`).toString('base64')}`;
      const body = typeof o.body === "string" || o.body === undefined ? o.body : new Uint8Array(o.body);
      const res = await fetch(url + path, { method, headers, body });
      return { status: res.status, headers: res.headers, text: await res.text() };
    },
    async stop() {
      await http.close();
      await app.store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function ics(uid: string, extra = '', component = 'VEVENT'): string {
  const times = component === 'VEVENT' ? 'DTSTART:20260110T100000Z\r\nDTEND:20260110T110000Z\r\n' : '';
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Reefknot tests//EN\r\nBEGIN:${component}\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\n${times}SUMMARY:Test ${uid}\r\n${extra}END:${component}\r\nEND:VCALENDAR\r\n`;
}

/**
 * The store the test servers use: SQLite in the data folder, or — when REEFKNOT_TEST_POSTGRES
 * names a cluster (test/helpers/on-postgres.ts) — a new database on that PostgreSQL cluster, so
 * the same protocol tests run against both backends.
 */
async function testStore(): Promise<Store | undefined> {
  const cluster = process.env.REEFKNOT_TEST_POSTGRES;
  if (!cluster) return undefined;
  const name = `rk_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: cluster });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(cluster);
  url.pathname = `/${name}`;
  return PgStore.open({ url: url.toString() });
}
