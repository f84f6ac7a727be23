import { onPostgres } from '../helpers/on-postgres.js';

onPostgres('protocols/principal-search', () => import('../protocols/principal-search.test.js'));
