import { onPostgres } from '../helpers/on-postgres.js';

onPostgres('protocols/time-index', () => import('../protocols/time-index.test.js'));
