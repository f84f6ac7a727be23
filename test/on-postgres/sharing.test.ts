import { onPostgres } from '../helpers/on-postgres.js';

onPostgres('protocols/sharing', () => import('../protocols/sharing.test.js'));
