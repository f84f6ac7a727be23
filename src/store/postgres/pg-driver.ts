/**
 * The SQL driver (sql/sql-base.ts) over one pg client inside a transaction. The shared SQL uses `?`
 * placeholders; each statement is turned into `$1 … $n` once and sent as a named prepared
 * statement, which pg prepares once per connection.
 */
import pg, { type PoolClient } from 'pg';
import type { SqlDriver } from '../sql/sql-base.js';

interface Prepared { name: string; text: string }
const prepared = new Map<string, Prepared>();

function prepare(sql: string): Prepared {
  let p = prepared.get(sql);
  if (!p) {
    let n = 0;
    // The shared SQL never has a '?' inside a string literal, so every '?' is a placeholder.
    p = { name: `rk${prepared.size}`, text: sql.replace(/\?/g, () => `$${++n}`) };
    prepared.set(sql, p);
  }
  return p;
}

export class PgDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;

  constructor(private readonly client: PoolClient, readonly lockRows: boolean) {}

  async get<T>(sql: string, params: unknown[]): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }
  async all<T>(sql: string, params: unknown[]): Promise<T[]> {
    const p = prepare(sql);
    const r = await this.client.query({ name: p.name, text: p.text, values: params });
    return r.rows as T[];
  }
  async run(sql: string, params: unknown[]): Promise<{ changes: number }> {
    const p = prepare(sql);
    const r = await this.client.query({ name: p.name, text: p.text, values: params });
    return { changes: r.rowCount ?? 0 };
  }
}

/** BIGINT columns hold milliseconds and sizes, all well inside 2^53: read them (and sums) as numbers. */
export const PG_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};
