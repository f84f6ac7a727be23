/**
 * What the shared SQL transaction classes need of a database: one statement at a time, `?`
 * placeholders, rows as plain objects. SQLite (better-sqlite3) and PostgreSQL (pg) each give one;
 * the SQL the classes write is the common subset of both (RETURNING, ON CONFLICT … DO UPDATE with
 * a target, CASE instead of boolean-valued expressions, "end" quoted).
 */
export interface SqlDriver {
  /** For the few statements that differ (row locks exist only on PostgreSQL). */
  readonly dialect: 'sqlite' | 'postgres';
  /** Object reads lock the rows they return (FOR UPDATE): PostgreSQL write transactions. */
  readonly lockRows: boolean;
  get<T>(sql: string, params: unknown[]): Promise<T | undefined>;
  all<T>(sql: string, params: unknown[]): Promise<T[]>;
  /** Runs a statement; `changes` is the number of rows it inserted, updated or deleted. */
  run(sql: string, params: unknown[]): Promise<{ changes: number }>;
}

export class SqlBase {
  constructor(protected readonly db: SqlDriver) {}

  protected get<T>(sql: string, ...params: unknown[]): Promise<T | undefined> {
    return this.db.get<T>(sql, params);
  }
  protected all<T>(sql: string, ...params: unknown[]): Promise<T[]> {
    return this.db.all<T>(sql, params);
  }
  protected run(sql: string, ...params: unknown[]): Promise<{ changes: number }> {
    return this.db.run(sql, params);
  }
}
