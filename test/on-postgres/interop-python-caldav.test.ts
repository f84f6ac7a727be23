import { onPostgres } from '../helpers/on-postgres.js';

onPostgres('interop/python-caldav', () => import('../interop/python-caldav.test.js'));
