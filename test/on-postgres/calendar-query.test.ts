import { onPostgres } from '../helpers/on-postgres.js';

onPostgres('protocols/calendar-query', () => import('../protocols/calendar-query.test.js'));
