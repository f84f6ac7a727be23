/**
 * Runs a test file again with its test servers on PostgreSQL: scripts/run-tests.mjs starts one
 * throwaway cluster and passes its URL in REEFKNOT_TEST_PG_CLUSTER; test/helpers/server.ts then
 * gives every test server a new database on it (REEFKNOT_TEST_POSTGRES). The wrappers in
 * test/on-postgres/ call this with the file to run, so the protocol suites pass on both stores.
 */
import { describe } from 'node:test';

export function onPostgres(file: string, load: () => Promise<unknown>): void {
  const cluster = process.env.REEFKNOT_TEST_PG_CLUSTER;
  if (!cluster && process.env.REEFKNOT_REQUIRE_POSTGRES) throw new Error('REEFKNOT_REQUIRE_POSTGRES is set but no cluster was started (run the tests with scripts/run-tests.mjs)');
  describe(`on PostgreSQL: ${file}`, { skip: cluster ? false : 'no PostgreSQL cluster (PostgreSQL is not installed)' }, async () => {
    process.env.REEFKNOT_TEST_POSTGRES = cluster;
    await load();
  });
}
