import { onPostgres } from '../helpers/on-postgres.js';

onPostgres('protocols/rfc4791-appendix-b', () => import('../protocols/rfc4791-appendix-b.test.js'));
