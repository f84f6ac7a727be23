import { onPostgres } from '../helpers/on-postgres.js';

onPostgres('web/session', () => import('../web/session.test.js'));
