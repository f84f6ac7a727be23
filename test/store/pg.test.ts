import { after, before, describe } from 'node:test';
import { PgStore } from '../../src/store/postgres/pg-store.js';
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
});
