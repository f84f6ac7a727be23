/**
 * PostgreSQL backend of the store (pg). Several `reefknot serve` processes may share one database
 * and nothing else (docs/deploying.md):
 *
 * - every write runs in one READ COMMITTED transaction whose object reads lock the rows they read
 *   (SELECT … FOR UPDATE, sql-tx.ts). Two requests changing the same object queue: the second
 *   reads the first one's committed result, so its preconditions (If-Match, If-None-Match) and
 *   read-modify-write merges see it — a 412, never a lost update. Sync revisions and byte counts
 *   are written last (SqlTx.finish), one UPDATE … RETURNING per calendar in id order: writers of
 *   one calendar queue only for that moment, get revisions in commit order, and cannot deadlock;
 * - what still collides (two creations of one name: a unique violation; a deadlock between
 *   invitations crossing calendars; a lock wait past LOCK_TIMEOUT_MS) rolls the transaction back
 *   and runs the whole request function again, behind a per-calendar lock after the first loss;
 * - reads run in a REPEATABLE READ, READ ONLY transaction: one snapshot per request;
 * - a transaction that queued a delivery sends NOTIFY, and every process LISTENs, so the delivery
 *   worker that is free picks the message up at once; claims use FOR UPDATE SKIP LOCKED;
 * - a database that cannot be reached makes requests fail with StoreUnavailableError (503), and
 *   the pool reconnects by itself when it is back.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Store, StoreTx } from '../types.js';
import { StoreConflictError, StoreUnavailableError } from '../errors.js';
import { SqlTx } from '../sql/sql-tx.js';
import { PG_TYPES, PgDriver } from './pg-driver.js';
import { PG_MIGRATIONS } from './pg-migrations.js';

const WAKE_CHANNEL = 'reefknot_deliveries';
/** Arbitrary, fixed: the advisory lock key that serialises migrations across processes. */
const MIGRATION_LOCK = 7_346_221_905;
/** A request that loses this many races in a row gets a 409 rather than waiting longer. */
const MAX_ATTEMPTS = 30;
/** A unique key that is still taken after this many fresh snapshots is a real duplicate, not a race. */
const MAX_UNIQUE_RETRIES = 3;
/**
 * How long a write waits for a row lock before it is rolled back and run again: long enough for
 * the usual queue behind another write of the same calendar, short of PostgreSQL's one-second
 * deadlock detection, so a deadlock between invitations crossing several calendars costs less.
 */
const LOCK_TIMEOUT_MS = 500;
/** Advisory lock class for "writers retrying on this collection" (the object id is the collection id). */
const RETRY_LOCK_CLASS = 7_346;

/** Whole-request conflicts: the transaction is rolled back and the request function runs again. */
const RETRY_CODES = new Set(['40001', '40P01', '23505', '55P03']);
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300', '53400', '3D000', '28P01', '28000']);
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

export interface PgStoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** Connections this process keeps at most (default 10). */
  poolSize?: number;
}

function pgCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
}

/** Whether an error means "the database is not there right now", as opposed to a bad statement. */
export function isUnavailable(e: unknown): boolean {
  const code = pgCode(e);
  if (code && (code.startsWith('08') || UNAVAILABLE_CODES.has(code) || UNAVAILABLE_ERRNOS.has(code))) return true;
  const message = e instanceof Error ? e.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection/i.test(message);
}

function unavailable(e: unknown): StoreUnavailableError {
  return new StoreUnavailableError(`The database cannot be reached: ${e instanceof Error ? e.message : String(e)}`, e);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class PgStore implements Store {
  private readonly pool: pg.Pool;
  private readonly events = new EventEmitter();
  private listener: pg.Client | null = null;
  private closed = false;

  private constructor(private readonly options: PgStoreOptions) {
    this.pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, connectionTimeoutMillis: 5_000, types: PG_TYPES });
    // An idle connection dies when PostgreSQL restarts; the pool drops it and opens a new one later.
    this.pool.on('error', () => undefined);
    this.events.setMaxListeners(0);
  }

  /** Connects, migrates (once across processes) and starts listening for delivery wake-ups. */
  static async open(options: PgStoreOptions): Promise<PgStore> {
    const store = new PgStore(options);
    try {
      await store.migrate();
    } catch (e) {
      await store.pool.end().catch(() => undefined);
      throw isUnavailable(e) ? unavailable(e) : e;
    }
    void store.listen();
    return store;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, oldest_reader INTEGER NOT NULL, applied_at BIGINT NOT NULL)`);
      const r = await client.query<{ version: number; oldest_reader: number }>('SELECT version, oldest_reader FROM schema_migrations ORDER BY version');
      const applied = new Set(r.rows.map((x) => x.version));
      const needs = Math.max(0, ...r.rows.map((x) => x.oldest_reader));
      if (needs > PG_MIGRATIONS.length) {
        throw new Error(`This database's schema needs Reefknot code that knows migration ${needs}; this version knows up to ${PG_MIGRATIONS.length}: run the newer version`);
      }
      for (const [i, m] of PG_MIGRATIONS.entries()) {
        const version = i + 1;
        if (applied.has(version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, oldest_reader, applied_at) VALUES ($1, $2, $3)', [version, m.oldestReader, Date.now()]);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw e;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      client.release();
    }
  }

  /** One connection LISTENs for wake-ups; it reconnects after PostgreSQL restarts. */
  private async listen(): Promise<void> {
    let delay = 250;
    while (!this.closed) {
      const client = new pg.Client({ connectionString: this.options.url, connectionTimeoutMillis: 5_000 });
      // Set before connecting, so close() can end a connection still being made.
      this.listener = client;
      try {
        const ended = new Promise<void>((resolve) => {
          client.on('error', () => resolve());
          client.on('end', () => resolve());
        });
        await client.connect();
        if (this.closed) {
          await client.end().catch(() => undefined);
          return;
        }
        client.on('notification', () => this.events.emit('delivery'));
        await client.query(`LISTEN ${WAKE_CHANNEL}`);
        delay = 250;
        // Messages queued while we were away are found by the workers' regular poll.
        await ended;
      } catch {
        // PostgreSQL is down: try again below.
      }
      this.listener = null;
      await client.end().catch(() => undefined);
      if (this.closed) return;
      await sleep(delay);
      delay = Math.min(delay * 2, 5_000);
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    if (this.closed) throw new Error('the store is closed');
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw unavailable(e);
    }
    // A connection that dies while checked out (PostgreSQL restarting) emits 'error' besides
    // failing its query; unheard, that event would end the process. The query's own failure is
    // what the request sees (503), and the broken client is discarded on release.
    if (client.listenerCount('error') === 0) client.on('error', () => undefined);
    return client;
  }

  private async writeTransaction<T>(begin: string, fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    let contended: number | null = null;
    let uniqueRetries = 0;
    for (let attempt = 1; ; attempt++) {
      const client = await this.connect();
      let broken = false;
      let locked: number | null = null;
      let tx: SqlTx | null = null;
      try {
        // A write that lost a race retries behind a lock on the collection it collided on, taken
        // before its snapshot: retrying writers of one collection go one at a time instead of
        // colliding again, while first attempts and other collections go on in parallel.
        if (contended !== null) {
          locked = contended % 2_147_483_647;
          await client.query('SELECT pg_advisory_lock($1, $2)', [RETRY_LOCK_CLASS, locked]);
        }
        await client.query(begin);
        tx = new SqlTx(new PgDriver(client, true));
        const result = await fn(tx);
        await tx.finish();
        if (tx.deliveriesQueued) await client.query(`NOTIFY ${WAKE_CHANNEL}`);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        if (isUnavailable(e)) {
          broken = true;
          throw unavailable(e);
        }
        await client.query('ROLLBACK').catch(() => { broken = true; });
        const code = pgCode(e);
        if (!code || !RETRY_CODES.has(code)) throw e;
        if (code === '23505' && ++uniqueRetries > MAX_UNIQUE_RETRIES) throw e;
        if (attempt >= MAX_ATTEMPTS) throw new StoreConflictError();
        contended = tx?.revisedCollection ?? contended;
        // Let the winner finish before trying again; the jitter keeps losers from colliding again.
        await sleep(Math.random() * 3 * Math.min(attempt, 10));
      } finally {
        if (locked !== null && !broken) await client.query('SELECT pg_advisory_unlock($1, $2)', [RETRY_LOCK_CLASS, locked]).catch(() => { broken = true; });
        client.release(broken);
      }
    }
  }

  write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.writeTransaction(`BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = '${LOCK_TIMEOUT_MS}ms'`, fn);
  }

  async read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let done = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await fn(new SqlTx(new PgDriver(client, false)));
      // A read has nothing to make durable: the answer goes out while COMMIT ends the snapshot,
      // and the connection returns to the pool once it has.
      done = true;
      client.query('COMMIT').then(() => client.release(), () => client.release(true));
      return result;
    } catch (e) {
      if (isUnavailable(e)) {
        done = true;
        client.release(true);
        throw unavailable(e);
      }
      throw e;
    } finally {
      if (!done) {
        let broken = false;
        await client.query('ROLLBACK').catch(() => { broken = true; });
        client.release(broken);
      }
    }
  }

  onDeliveryQueued(listener: () => void): () => void {
    this.events.on('delivery', listener);
    return () => this.events.off('delivery', listener);
  }

  /** A consistent dump with pg_dump (custom format, for pg_restore) taken while serving goes on. */
  async backup(file: string): Promise<void> {
    await runTool('pg_dump', ['--format=custom', '--no-owner', '--file', file, '--dbname', this.options.url]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }
}

/**
 * Puts a pg_dump backup back into the database at `url` (pg_restore, one transaction). The
 * database must be empty unless `force`, which drops what is there first.
 */
export async function restorePgBackup(file: string, url: string, options: { force?: boolean } = {}): Promise<void> {
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await probe.connect().catch((e: unknown) => { throw unavailable(e); });
  try {
    const r = await probe.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'users'`);
    if ((r.rows[0] as { n: number }).n > 0 && !options.force) throw new Error('That database already has a Reefknot store; stop every serve process on it and pass --force to replace it');
  } finally {
    await probe.end();
  }
  await runTool('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', '--dbname', url, file]);
}

function runTool(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', (e) => reject(new Error(`${command} could not be run (install PostgreSQL's client programs): ${e.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} failed: ${stderr.trim() || `exit ${code}`}`))));
  });
}
