/**
 * `reefknot migrate-store`: copies a server's whole SQLite store into an empty PostgreSQL database,
 * table by table with every column and id as it was, in one PostgreSQL transaction (a failure
 * leaves the target empty), then checks that every table holds the same rows on both sides: the
 * same count and the same set of rows, compared by a digest of each row.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PG_TYPES } from './postgres/pg-driver.js';
import { PgStore } from './postgres/pg-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

/** Every table, parents before children; `serial` names the column a sequence feeds on PostgreSQL. */
const TABLES: { name: string; serial?: string }[] = [
  { name: 'users', serial: 'id' }, { name: 'addresses', serial: 'rowid' }, { name: 'collections', serial: 'id' },
  { name: 'objects', serial: 'id' }, { name: 'instances' }, { name: 'properties' }, { name: 'changes' },
  { name: 'grants', serial: 'id' }, { name: 'shares', serial: 'id' }, { name: 'proxies' },
  { name: 'deliveries', serial: 'id' }, { name: 'quarantine', serial: 'id' }, { name: 'seen_messages' },
  { name: 'ischedule_keys' }, { name: 'ischedule_peers' }, { name: 'freebusy_tokens' }, { name: 'freebusy_uploads' },
  { name: 'cip_peers' }, { name: 'cip_redirects' }, { name: 'web_sessions' },
];

const BATCH = 500;

export interface MigrationProgress {
  table: string;
  /** Rows copied so far, over all tables, and how many there are in all. */
  done: number;
  total: number;
}

export interface TableCheck { table: string; source: number; target: number; same: boolean }

export interface MigrationReport { tables: TableCheck[]; rows: number; ok: boolean }

type Row = Record<string, unknown>;

/** A digest of one row that is the same whichever store it was read from. */
function rowDigest(columns: string[], row: Row): string {
  const h = createHash('sha256');
  for (const c of columns) {
    const v = row[c];
    if (v === null || v === undefined) h.update('\u0000N');
    else if (Buffer.isBuffer(v)) h.update(`\u0000B${v.toString('hex')}`);
    else h.update(`\u0000V${String(v)}`);
  }
  return h.digest('hex');
}

/** Order-free digest of a set of row digests. */
function setDigest(digests: string[]): string {
  return createHash('sha256').update(digests.sort().join('\n')).digest('hex');
}

function sqliteColumns(db: Database.Database, table: string): string[] {
  const cols = (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
  // SQLite's implicit rowid keeps address order; PostgreSQL has it as a real column.
  return table === 'addresses' ? ['rowid', ...cols] : cols;
}

const quote = (c: string): string => `"${c}"`;

export async function migrateSqliteToPostgres(dataDir: string, url: string, onProgress: (p: MigrationProgress) => void = () => undefined): Promise<MigrationReport> {
  if (!existsSync(join(dataDir, 'reefknot.sqlite'))) throw new Error(`There is no Reefknot store in ${dataDir}`);
  // Opening the SQLite store brings its schema up to date; opening the PostgreSQL one creates it.
  await new SqliteStore({ dataDir }).close();
  await (await PgStore.open({ url })).close();
  const source = new Database(join(dataDir, 'reefknot.sqlite'), { readonly: true, fileMustExist: true });
  const target = new pg.Client({ connectionString: url, types: PG_TYPES });
  await target.connect();
  try {
    const present = await target.query<{ n: number }>('SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM collections) AS n');
    if ((present.rows[0]?.n ?? 0) > 0) throw new Error('The PostgreSQL database already holds Reefknot data; migrate into an empty database');
    // A read transaction on SQLite: the copy is of one moment even if a CLI command writes meanwhile.
    source.exec('BEGIN');
    const total = TABLES.reduce((n, t) => n + (source.prepare(`SELECT count(*) AS n FROM ${t.name}`).get() as { n: number }).n, 0);
    let done = 0;
    await target.query('BEGIN');
    try {
      await target.query('SET CONSTRAINTS ALL DEFERRED');
      for (const t of TABLES) {
        const columns = sqliteColumns(source, t.name);
        const select = source.prepare(`SELECT ${columns.join(', ')} FROM ${t.name}`);
        let batch: Row[] = [];
        const flush = async (): Promise<void> => {
          if (batch.length === 0) return;
          const values: unknown[] = [];
          const tuples = batch.map((row) => `(${columns.map((c) => { values.push(row[c]); return `$${values.length}`; }).join(', ')})`);
          await target.query(`INSERT INTO ${t.name} (${columns.map(quote).join(', ')}) VALUES ${tuples.join(', ')}`, values);
          done += batch.length;
          batch = [];
          onProgress({ table: t.name, done, total });
        };
        for (const row of select.iterate() as IterableIterator<Row>) {
          batch.push(row);
          if (batch.length >= BATCH) await flush();
        }
        await flush();
        if (t.serial) {
          await target.query(`SELECT setval(pg_get_serial_sequence('${t.name}', '${t.serial}'), COALESCE((SELECT MAX(${t.serial}) FROM ${t.name}), 0) + 1, false)`);
        }
      }
      await target.query('COMMIT');
    } catch (e) {
      await target.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
    const tables = await verify(source, target);
    source.exec('COMMIT');
    return { tables, rows: total, ok: tables.every((t) => t.same) };
  } finally {
    if (source.inTransaction) source.exec('ROLLBACK');
    source.close();
    await target.end();
  }
}

/** Compares every table: counts, and the set of row digests, read back from PostgreSQL. */
async function verify(source: Database.Database, target: pg.Client): Promise<TableCheck[]> {
  const checks: TableCheck[] = [];
  await target.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    for (const t of TABLES) {
      const columns = sqliteColumns(source, t.name);
      const sourceDigests: string[] = [];
      for (const row of source.prepare(`SELECT ${columns.join(', ')} FROM ${t.name}`).iterate() as IterableIterator<Row>) sourceDigests.push(rowDigest(columns, row));
      const targetDigests: string[] = [];
      // A cursor, so a large table is read back in pages rather than all at once.
      await target.query(`DECLARE verify_rows NO SCROLL CURSOR FOR SELECT ${columns.map(quote).join(', ')} FROM ${t.name}`);
      for (;;) {
        const page = await target.query<Row>('FETCH 1000 FROM verify_rows');
        for (const row of page.rows) targetDigests.push(rowDigest(columns, row));
        if (page.rows.length < 1000) break;
      }
      await target.query('CLOSE verify_rows');
      checks.push({ table: t.name, source: sourceDigests.length, target: targetDigests.length, same: sourceDigests.length === targetDigests.length && setDigest(sourceDigests) === setDigest(targetDigests) });
    }
  } finally {
    await target.query('COMMIT');
  }
  return checks;
}
