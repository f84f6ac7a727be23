// Runs every compiled test file (dist/test/**/*.test.js) with node's own test runner.
// Node 20 has no glob support in `node --test`, so the files are listed here.
// Usage: node scripts/run-tests.mjs [substring filter ...]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = collect('dist/test', [])
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files found under dist/test (did the build run?)');
  process.exit(1);
}
// The files under test/on-postgres/ run protocol suites again on PostgreSQL: one throwaway cluster
// serves them all (each test server gets its own database on it).
const env = { ...process.env };
let cluster = null;
if (files.some((f) => f.includes(join('test', 'on-postgres')))) {
  const { postgresMissing, startPostgres } = await import('../dist/test/helpers/postgres.js');
  if (!postgresMissing()) {
    cluster = await startPostgres();
    env.REEFKNOT_TEST_PG_CLUSTER = `postgres://reefknot@127.0.0.1:${cluster.port}/postgres`;
  }
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit', env });
await cluster?.destroy();
process.exit(result.status ?? 1);
