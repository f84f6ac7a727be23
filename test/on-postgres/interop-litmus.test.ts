import { onPostgres } from '../helpers/on-postgres.js';

onPostgres('interop/litmus', () => import('../interop/litmus.test.js'));
