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
