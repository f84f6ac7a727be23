import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { storeContract } from './store-contract.js';

storeContract('sqlite', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'reefknot-store-'));
  return {
    store: new SqliteStore({ dataDir }),
    reopen: async () => new SqliteStore({ dataDir }),
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
});

test('sqlite: a store written by a newer version is refused, not misread', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'reefknot-store-'));
  try {
    await new SqliteStore({ dataDir }).close();
    const db = new Database(join(dataDir, 'reefknot.sqlite'));
    const known = Number(db.pragma('user_version', { simple: true }));
    db.pragma(`user_version = ${known + 1}`);
    db.close();
    assert.throws(() => new SqliteStore({ dataDir }), /newer Reefknot/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
