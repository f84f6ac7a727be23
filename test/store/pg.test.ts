import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { PgStore } from '../../src/store/postgres/pg-store.js';
import { PG_MIGRATIONS } from '../../src/store/postgres/pg-migrations.js';
import { postgresMissing, startPostgres, type PgCluster } from '../helpers/postgres.js';
import { storeContract } from './store-contract.js';

const skip = postgresMissing();

describe('postgres store', { skip: skip ?? false }, () => {
  let cluster: PgCluster;
  before(async () => { cluster = await startPostgres(); });
  after(async () => { await cluster.destroy(); });
  storeContract('postgres', async () => {
    const url = await cluster.createDatabase();
    return { store: await PgStore.open({ url }), reopen: () => PgStore.open({ url }), cleanup: () => undefined };
  });

  test('postgres: expand, then contract — old code serves a newer schema that only added, and refuses one that removed', async () => {
    const url = await cluster.createDatabase();
    await (await PgStore.open({ url })).close();
    const sql = new pg.Client({ connectionString: url });
    await sql.connect();
    try {
      const next = PG_MIGRATIONS.length + 1;
      // A newer release's expand migration: old processes keep running beside the new ones.
      await sql.query('INSERT INTO schema_migrations (version, oldest_reader, applied_at) VALUES ($1, 1, 0)', [next]);
      await (await PgStore.open({ url })).close();
      // Its contract migration: code older than it must not touch the data.
      await sql.query('INSERT INTO schema_migrations (version, oldest_reader, applied_at) VALUES ($1, $1, 0)', [next + 1]);
      await assert.rejects(PgStore.open({ url }), /needs Reefknot code that knows migration/);
    } finally {
      await sql.end();
    }
  });

  test('postgres: several processes starting at once migrate once', async () => {
    const url = await cluster.createDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => PgStore.open({ url })));
    await Promise.all(stores.map((s) => s.close()));
    const sql = new pg.Client({ connectionString: url });
    await sql.connect();
    const r = await sql.query('SELECT version FROM schema_migrations ORDER BY version');
    await sql.end();
    assert.deepEqual(r.rows.map((x: { version: number }) => x.version), PG_MIGRATIONS.map((_, i) => i + 1));
  });

  test('postgres: a database that cannot be reached is reported as unavailable, not as a bug', async () => {
    await assert.rejects(PgStore.open({ url: 'postgres://reefknot@127.0.0.1:1/nowhere' }), (e: Error) => e.name === 'StoreUnavailableError' && /cannot be reached/.test(e.message));
  });
});
