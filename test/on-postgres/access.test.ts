import { onPostgres } from '../helpers/on-postgres.js';

onPostgres('protocols/access', () => import('../protocols/access.test.js'));
