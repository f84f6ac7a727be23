/**
 * The servers under test, each a child process on 127.0.0.1 with a free port and its store in a
 * fresh temporary folder: Reefknot (`bin/reefknot.js serve`), and for `--compare` Debian's
 * Radicale (auth none, owner_only rights) and Xandikos (`--defaults`). Each is stopped by its own
 * PID. Peak RSS is read from /proc/PID/status (VmHWM), store size by walking the folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, lstatSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { basicAuth, Client } from './dav.js';

export type PeerName = 'reefknot' | 'radicale' | 'xandikos';

export interface Target {
  name: PeerName;
  version: string;
  client: Client;
  /** Path of the calendar collection, ending in '/'. */
  calendar: string;
  pid: number;
  storeDir: string;
  stop(): Promise<void>;
}

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function launch(cmd: string, args: string[], logTo: string[]): ChildProcess {
  const child = spawn(cmd, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    if (logTo.join('').length < 100_000) logTo.push(d);
  });
  // Never leave a server behind if the bench itself dies.
  const orphanGuard = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', orphanGuard);
  child.once('exit', () => process.removeListener('exit', orphanGuard));
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `probe` succeeds, the child dies, or 30 s pass. */
async function waitFor(child: ChildProcess, what: string, log: string[], probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}): ${log.join('').slice(-2000)}`);
    if (await probe().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what} did not start within 30 s: ${log.join('').slice(-2000)}`);
}

function target(name: PeerName, version: string, child: ChildProcess, client: Client, calendar: string, storeDir: string, keep: boolean): Target {
  if (child.pid === undefined) throw new Error(`${name} has no PID`);
  return {
    name, version, client, calendar, pid: child.pid, storeDir,
    async stop() {
      await stopChild(child);
      if (!keep) rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

async function startReefknot(keep: boolean): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'reefknot-bench-'));
  const port = await freePort();
  const log: string[] = [];
  const child = launch(process.execPath, [join(REPO, 'bin/reefknot.js'), 'serve', '--data', dir, '--listen', `127.0.0.1:${port}`, '--log-level', 'warn'], log);
  let password = '';
  await waitFor(child, 'reefknot', log, async () => {
    const text = log.join('');
    password = /password: (\S+)/.exec(text)?.[1] ?? '';
    return password !== '' && /listening on/i.test(text);
  });
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version?: string };
  const client = new Client(`http://127.0.0.1:${port}`, basicAuth('admin', password));
  return target('reefknot', `${pkg.version ?? '?'} (node ${process.version})`, child, client, '/calendars/admin/calendar/', dir, keep);
}

function debVersion(pkg: string): string {
  const status = readFileSync('/var/lib/dpkg/status', 'utf8');
  const block = status.split('\n\n').find((b) => b.startsWith(`Package: ${pkg}\n`));
  return /\nVersion: (.*)/.exec(block ?? '')?.[1] ?? '?';
}

async function startRadicale(keep: boolean): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'radicale-bench-'));
  const port = await freePort();
  const log: string[] = [];
  const child = launch('radicale', [
    '--config', '--server-hosts', `127.0.0.1:${port}`, '--auth-type', 'none', '--rights-type', 'owner_only',
    '--storage-filesystem-folder', dir, '--logging-level', 'warning',
  ], log);
  const client = new Client(`http://127.0.0.1:${port}`, basicAuth('bench', 'bench'));
  await waitFor(child, 'radicale', log, async () => (await client.request('PROPFIND', '/bench/', undefined, { depth: '0' })).status === 207);
  const mk = await client.request('MKCALENDAR', '/bench/calendar/');
  if (mk.status !== 201) throw new Error(`radicale MKCALENDAR: ${mk.status} ${mk.text.slice(0, 300)}`);
  return target('radicale', debVersion('radicale'), child, client, '/bench/calendar/', dir, keep);
}

async function startXandikos(keep: boolean): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'xandikos-bench-'));
  const port = await freePort();
  const log: string[] = [];
  const child = launch('xandikos', ['-d', dir, '--defaults', '-l', '127.0.0.1', '-p', String(port)], log);
  const client = new Client(`http://127.0.0.1:${port}`, null);
  const calendar = '/user/calendars/calendar/';
  await waitFor(child, 'xandikos', log, async () => (await client.request('PROPFIND', calendar, undefined, { depth: '0' })).status === 207);
  return target('xandikos', debVersion('xandikos'), child, client, calendar, dir, keep);
}

export function startTarget(name: PeerName, keep: boolean): Promise<Target> {
  if (name === 'reefknot') return startReefknot(keep);
  if (name === 'radicale') return startRadicale(keep);
  return startXandikos(keep);
}

/** Peak and current resident set size of a process, in kB (null when unreadable). */
export function memoryOf(pid: number): { peakKb: number | null; rssKb: number | null } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number | null => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
      return m ? Number(m[1]) : null;
    };
    return { peakKb: kb('VmHWM'), rssKb: kb('VmRSS') };
  } catch {
    return { peakKb: null, rssKb: null };
  }
}

/** Bytes on disk (allocated blocks) and apparent bytes of everything under `dir`. */
export function storeSize(dir: string): { diskBytes: number; apparentBytes: number; files: number } {
  let diskBytes = 0;
  let apparentBytes = 0;
  let files = 0;
  const walk = (d: string): void => {
    for (const entry of readdirSync(d)) {
      const p = join(d, entry);
      const st = lstatSync(p);
      diskBytes += st.blocks * 512;
      apparentBytes += st.size;
      if (st.isDirectory()) walk(p);
      else files++;
    }
  };
  walk(dir);
  return { diskBytes, apparentBytes, files };
}
