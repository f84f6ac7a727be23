import { onPostgres } from '../helpers/on-postgres.js';

onPostgres('protocols/freebusy-url', () => import('../protocols/freebusy-url.test.js'));
