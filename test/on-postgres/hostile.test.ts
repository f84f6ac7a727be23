import { onPostgres } from '../helpers/on-postgres.js';

onPostgres('protocols/hostile', () => import('../protocols/hostile.test.js'));
