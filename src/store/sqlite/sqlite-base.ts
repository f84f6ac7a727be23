/** Prepared-statement helpers shared by the SQLite transaction classes. */
import type Database from 'better-sqlite3';

export class SqliteBase {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(protected readonly db: Database.Database) {}

  protected st(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
  protected get<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.st(sql).get(...params) as T | undefined;
  }
  protected all<T>(sql: string, ...params: unknown[]): T[] {
    return this.st(sql).all(...params) as T[];
  }
  protected run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.st(sql).run(...params);
  }
}
