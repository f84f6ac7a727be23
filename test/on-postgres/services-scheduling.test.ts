import { onPostgres } from '../helpers/on-postgres.js';

onPostgres('services/scheduling', () => import('../services/scheduling.test.js'));
