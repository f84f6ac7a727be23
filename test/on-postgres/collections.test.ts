import { onPostgres } from '../helpers/on-postgres.js';

onPostgres('protocols/collections', () => import('../protocols/collections.test.js'));
