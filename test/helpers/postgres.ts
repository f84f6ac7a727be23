/**
 * A throwaway PostgreSQL cluster for tests: initdb into a temporary folder, the server on a free
 * loopback port (unix socket in the same folder), stopped by PID. Debian's postgresql package
 * provides the programs; CI installs it (.ci/run) and sets REEFKNOT_REQUIRE_POSTGRES=1 so that a
 * missing PostgreSQL fails the run instead of skipping these tests.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './smtp.js';

export interface PgCluster {
  port: number;
  /** A new, empty database on the cluster; its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server (fast shutdown), keeping its data. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and removes every file. */
  destroy(): Promise<void>;
}

/** Where PostgreSQL's server programs are, or null when it is not installed. */
export function postgresBin(): string | null {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(base, versions[0], 'bin');
  }
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** Why PostgreSQL tests cannot run here (skip reason), or null when they can. */
export function postgresMissing(): string | null {
  if (postgresBin()) return null;
  if (process.env.REEFKNOT_REQUIRE_POSTGRES) throw new Error('REEFKNOT_REQUIRE_POSTGRES is set but PostgreSQL is not installed (apt-get install postgresql)');
  return 'PostgreSQL is not installed (apt-get install postgresql); CI runs these tests';
}

/** initdb refuses to run as root: as root, the cluster belongs to the postgres user. */
function owner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export async function startPostgres(): Promise<PgCluster> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'reefknot-pg-'));
  const data = join(dir, 'data');
  const as = owner();
  if (as) chownSync(dir, as.uid, as.gid);
  execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'reefknot', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], { stdio: 'ignore', ...as });
  const port = await freePort();
  let server: ChildProcess | null = null;
  let databases = 0;
  const url = (db: string): string => `postgres://reefknot@127.0.0.1:${port}/${db}`;

  const start = async (): Promise<void> => {
    // Durability settings off: a test cluster trades crash safety for speed.
    server = spawn(join(bin, 'postgres'), ['-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', dir,
      '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=200'], { stdio: 'ignore', ...as });
    for (let i = 0; i < 200; i++) {
      const c = new pg.Client({ connectionString: url('postgres') });
      try {
        await c.connect();
        await c.end();
        return;
      } catch {
        await c.end().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error('PostgreSQL did not start');
  };
  const stop = async (): Promise<void> => {
    const s = server;
    server = null;
    if (!s || s.exitCode !== null) return;
    const exited = new Promise((r) => s.once('exit', r));
    s.kill('SIGINT'); // fast shutdown: aborts sessions, like an administrator's restart
    await exited;
  };
  await start();
  return {
    port,
    async createDatabase() {
      const name = `rk_${process.pid}_${++databases}`;
      const c = new pg.Client({ connectionString: url('postgres') });
      await c.connect();
      await c.query(`CREATE DATABASE ${name}`);
      await c.end();
      return url(name);
    },
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
