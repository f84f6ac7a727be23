import { onPostgres } from '../helpers/on-postgres.js';

onPostgres('interop/vdirsyncer', () => import('../interop/vdirsyncer.test.js'));
