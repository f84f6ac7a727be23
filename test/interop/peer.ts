/**
 * Helpers for peer-interop tests: run an external program without blocking the event loop (the
 * server under test lives in this same process), and decide what to do when a peer is missing:
 * under CI (process.env.CI set) a missing peer is a failure, so CI cannot silently skip; on a
 * developer's machine the test is skipped with a clear message.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/** Spawns `cmd args`, collects its output, and kills it (by PID, with its process group) on timeout. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      // The server is on loopback: never send a peer's requests through a configured proxy.
      env: { ...process.env, NO_PROXY: noProxy(process.env.NO_PROXY), no_proxy: noProxy(process.env.no_proxy), ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // own process group, so a timeout kills the program and its children
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child.pid);
    }, opts.timeoutMs ?? 45_000);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    child.stdin.on('error', () => { /* the program may exit before reading its input */ });
    child.stdin.end(opts.input ?? '');
  });
}

const noProxy = (v: string | undefined): string => ['127.0.0.1', 'localhost', ...(v ? [v] : [])].join(',');

function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  try { process.kill(-pid, 'SIGKILL'); } catch { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
}

/** True when `name` is an executable on PATH (or an existing absolute path). */
export function hasCommand(name: string): boolean {
  if (name.startsWith('/')) return existsSync(name);
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Call when a peer is missing. Under CI it throws (the test fails); otherwise it marks the test
 * skipped. Returns nothing: the caller returns right after.
 */
export function missingPeer(t: TestContext, what: string): void {
  const msg = `${what} not installed (Debian: see .ci/run)`;
  if (process.env.CI) throw new Error(`${msg}; CI must run every peer test`);
  t.skip(msg);
}

/** Basic auth header value. */
export const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
