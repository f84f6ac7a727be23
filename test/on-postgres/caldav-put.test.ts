import { onPostgres } from '../helpers/on-postgres.js';

onPostgres('protocols/caldav-put', () => import('../protocols/caldav-put.test.js'));
