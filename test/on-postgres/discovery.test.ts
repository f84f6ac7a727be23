import { onPostgres } from '../helpers/on-postgres.js';

onPostgres('protocols/discovery', () => import('../protocols/discovery.test.js'));
