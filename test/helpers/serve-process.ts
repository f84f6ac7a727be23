/** `reefknot serve` as a real process on a free loopback port, stopped by PID (SIGTERM). */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(process.cwd(), 'bin', 'reefknot.js');

export interface ServeProcess { child: ChildProcess; url: string; out: () => string; err: () => string }

/** Starts serve on `data` with extra arguments; resolves once it listens (or has exited). */
export async function startServe(data: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--data', data, '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const deadline = Date.now() + 15_000;
  while (!/listening on (\S+)\//.test(err) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const url = /listening on (\S+)\//.exec(err)?.[1] ?? '';
  return { child, url, out: () => out, err: () => err };
}

export async function stopServe(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

/** Runs one `reefknot` command to completion. */
export function reefknot(args: string[], input?: string): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', timeout: 90_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
