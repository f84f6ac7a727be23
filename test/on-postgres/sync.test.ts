import { onPostgres } from '../helpers/on-postgres.js';

onPostgres('protocols/sync', () => import('../protocols/sync.test.js'));
