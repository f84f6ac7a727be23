/** Free-busy URL tables of the SQLite store: upload tokens (hashed) and uploaded busy time. */
import { SqlIScheduleTx } from './sql-ischedule.js';

export class SqlFreeBusyTx extends SqlIScheduleTx {
  async addFreeBusyToken(userId: number, tokenHash: string, now: number): Promise<void> {
    await this.run('INSERT INTO freebusy_tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)', tokenHash, userId, now);
  }

  async userForFreeBusyToken(tokenHash: string): Promise<number | null> {
    return (await this.get<{ user_id: number }>('SELECT user_id FROM freebusy_tokens WHERE token_hash = ?', tokenHash))?.user_id ?? null;
  }

  async revokeFreeBusyTokens(userId: number): Promise<number> {
    return (await this.run('DELETE FROM freebusy_tokens WHERE user_id = ?', userId)).changes;
  }

  async setFreeBusyUpload(userId: number, body: string, now: number): Promise<void> {
    await this.run('INSERT INTO freebusy_uploads (user_id, body, updated_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at', userId, body, now);
  }

  async getFreeBusyUpload(userId: number): Promise<string | null> {
    return (await this.get<{ body: string }>('SELECT body FROM freebusy_uploads WHERE user_id = ?', userId))?.body ?? null;
  }
}
