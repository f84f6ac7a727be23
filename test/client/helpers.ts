/**
 * Helpers for the calendar client's tests: profiles made through the real CLI (`node
 * bin/reefknot.js cal ...` as a child process), and Radicale on loopback as a second CalDAV server.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/smtp.js';

export interface CliResult { code: number; stdout: string; stderr: string }

/** Runs `reefknot cal --profile DIR ...args` as a real process. */
export function cal(profile: string, args: string[], stdin?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['bin/reefknot.js', 'cal', '--profile', profile, ...args], { env: { ...process.env, TZ: 'UTC' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

/** Runs `cal` and fails the test unless it exits 0; returns its standard output. */
export async function ok(profile: string, args: string[]): Promise<string> {
  const r = await cal(profile, args);
  assert.equal(r.code, 0, `cal ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface Radicale { url: string; stop(): Promise<void> }

function which(cmd: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => {
    try {
      return require_exists(join(d, cmd));
    } catch {
      return false;
    }
  });
}

import { existsSync } from 'node:fs';
const require_exists = (p: string): boolean => existsSync(p);

/** Radicale on 127.0.0.1 with no authentication, or null (with a reason) when it is not installed. */
export async function startRadicale(): Promise<Radicale | null> {
  if (!which('radicale')) {
    if (process.env.CI) throw new Error('radicale is not installed (Debian package radicale) and CI is set');
    return null;
  }
  const port = await freePort();
  const dir = tempDir('reefknot-radicale-');
  const proc: ChildProcess = spawn('radicale', ['--server-hosts', `127.0.0.1:${port}`, '--storage-filesystem-folder', join(dir, 'collections'), '--auth-type', 'none'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    async stop() {
      if (proc.pid) process.kill(proc.pid);
      await new Promise((r) => proc.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
