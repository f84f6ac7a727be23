/**
 * SQLite backend of the store (better-sqlite3, WAL). One connection writes, inside transactions
 * serialised by a promise chain (SQLite has one writer anyway); a second connection serves reads
 * so a read never sees another request's uncommitted writes.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Store, StoreTx } from '../types.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { SqliteTx } from './sqlite-tx.js';

export interface SqliteStoreOptions {
  /** Data folder; the database file is `reefknot.sqlite` inside it. */
  dataDir: string;
}

export class SqliteStore implements Store {
  private readonly writer: Database.Database;
  private readonly reader: Database.Database;
  private readonly writeTx: SqliteTx;
  private readonly readTx: SqliteTx;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(options: SqliteStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const file = join(options.dataDir, 'reefknot.sqlite');
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
    this.writeTx = new SqliteTx(this.writer);
    this.readTx = new SqliteTx(this.reader);
  }

  write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.closed) throw new Error('the store is closed');
      // IMMEDIATE takes the write lock at once, so another process (a CLI command while `serve`
      // runs) waits on busy_timeout instead of failing half-way.
      this.writer.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.writeTx);
        this.writer.exec('COMMIT');
        return result;
      } catch (e) {
        if (this.writer.inTransaction) this.writer.exec('ROLLBACK');
        throw e;
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
