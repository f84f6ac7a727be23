/**
 * SQLite backend of the store (better-sqlite3, WAL). One connection writes, inside transactions
 * serialised by a promise chain (SQLite has one writer anyway); a second connection serves reads
 * so a read never sees another request's uncommitted writes.
 */
import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Store, StoreTx } from '../types.js';
import { StoreFullError } from '../errors.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { SqlTx } from '../sql/sql-tx.js';
import { SqliteDriver } from './sqlite-driver.js';

/** The store's file inside the data folder. */
const STORE_FILE = 'reefknot.sqlite';

export interface SqliteStoreOptions {
  /** Data folder; the database file is `reefknot.sqlite` inside it. */
  dataDir: string;
}

export class SqliteStore implements Store {
  private readonly writer: Database.Database;
  private readonly reader: Database.Database;
  private readonly writeTx: SqlTx;
  private readonly readTx: SqlTx;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly events = new EventEmitter();

  constructor(options: SqliteStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const file = join(options.dataDir, STORE_FILE);
    this.writer = new Database(file);
    this.writer.pragma('journal_mode = WAL');
    this.writer.pragma('synchronous = NORMAL');
    this.writer.pragma('foreign_keys = ON');
    this.writer.pragma('busy_timeout = 5000');
    try {
      migrate(this.writer);
    } catch (err) {
      this.writer.close();
      throw err;
    }
    this.reader = new Database(file, { readonly: true });
    this.reader.pragma('busy_timeout = 5000');
    this.writeTx = new SqlTx(new SqliteDriver(this.writer));
    this.readTx = new SqlTx(new SqliteDriver(this.reader));
  }

  write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.closed) throw new Error('the store is closed');
      // IMMEDIATE takes the write lock at once, so another process (a CLI command while `serve`
      // runs) waits on busy_timeout instead of failing half-way.
      this.writer.exec('BEGIN IMMEDIATE');
      this.writeTx.begin();
      try {
        const result = await fn(this.writeTx);
        await this.writeTx.finish();
        this.writer.exec('COMMIT');
        if (this.writeTx.deliveriesQueued) this.events.emit('delivery');
        return result;
      } catch (e) {
        if (this.writer.inTransaction) this.writer.exec('ROLLBACK');
        throw full(e) ?? e;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the store is closed');
    return fn(this.readTx);
  }

  onDeliveryQueued(listener: () => void): () => void {
    this.events.on('delivery', listener);
    return () => this.events.off('delivery', listener);
  }

  async backup(file: string): Promise<void> {
    // SQLite's online backup API copies pages while writers go on; the copy is consistent.
    await this.writer.backup(file);
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.closed) return;
    this.closed = true;
    this.reader.close();
    this.writer.close();
  }
}

/** SQLite's "database or disk is full": the transaction was rolled back, the file is intact. */
function full(e: unknown): StoreFullError | null {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' ? new StoreFullError('The disk holding the store is full: nothing was written. Free some space and try again.') : null;
}

function migrate(db: Database.Database): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  // A newer Reefknot wrote this store: its tables may mean things this version does not know.
  if (current > SQLITE_MIGRATIONS.length) {
    throw new Error(`This store was written by a newer Reefknot (schema ${current}; this version knows up to ${SQLITE_MIGRATIONS.length}); run the newer version or restore a backup`);
  }
  for (let i = current; i < SQLITE_MIGRATIONS.length; i++) {
    const sql = SQLITE_MIGRATIONS[i] ?? '';
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${i + 1}`);
    }).immediate();
  }
}

/**
 * Puts a backup (from Store.backup) back as the store of `dataDir`, with no server running on it.
 * The file is checked with SQLite's integrity_check first, so a damaged copy never replaces a store.
 */
export function restoreSqliteBackup(source: string, dataDir: string, options: { force?: boolean } = {}): void {
  if (!existsSync(source)) throw new Error(`There is no backup file ${source}`);
  const check = new Database(source, { readonly: true, fileMustExist: true });
  try {
    const verdict = check.pragma('integrity_check', { simple: true });
    if (verdict !== 'ok') throw new Error(`${source} is damaged: ${String(verdict)}`);
  } finally {
    check.close();
  }
  const target = join(dataDir, STORE_FILE);
  if (existsSync(target) && !options.force) throw new Error(`${dataDir} already has a store; stop serve and pass --force to replace it`);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // A stale write-ahead log would be replayed over the restored file.
  for (const extra of ['-wal', '-shm']) rmSync(target + extra, { force: true });
  copyFileSync(source, target);
}
