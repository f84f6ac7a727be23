import { onPostgres } from '../helpers/on-postgres.js';

onPostgres('interop/tsdav', () => import('../interop/tsdav.test.js'));
