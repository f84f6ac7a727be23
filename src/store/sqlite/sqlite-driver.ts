/** The SQL driver (sql/sql-base.ts) over one better-sqlite3 connection, with prepared statements cached. */
import type Database from 'better-sqlite3';
import type { SqlDriver } from '../sql/sql-base.js';

export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  /** SQLite has one writer at a time: nothing to lock. */
  readonly lockRows = false;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
  async get<T>(sql: string, params: unknown[]): Promise<T | undefined> {
    return this.statement(sql).get(...params) as T | undefined;
  }
  async all<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.statement(sql).all(...params) as T[];
  }
  async run(sql: string, params: unknown[]): Promise<{ changes: number }> {
    return { changes: this.statement(sql).run(...params).changes };
  }
}
