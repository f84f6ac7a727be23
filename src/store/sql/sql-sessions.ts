/** Web calendar sessions (migration 11 on SQLite, 2 on PostgreSQL), shared by every server process. */
import type { WebSessionRow } from '../types.js';
import { SqlCipTx } from './sql-cip.js';

interface SessionRecord { id_hash: string; user_id: number; user_name: string; credential_version: number; csrf_token: string; created_at: number; last_seen_at: number }

const toSession = (r: SessionRecord): WebSessionRow => ({
  idHash: r.id_hash, userId: r.user_id, userName: r.user_name, credentialVersion: r.credential_version, csrfToken: r.csrf_token, createdAt: r.created_at, lastSeenAt: r.last_seen_at,
});

export class SqlSessionTx extends SqlCipTx {
  async addWebSession(s: WebSessionRow): Promise<void> {
    await this.run('INSERT INTO web_sessions (id_hash, user_id, user_name, credential_version, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      s.idHash, s.userId, s.userName, s.credentialVersion, s.csrfToken, s.createdAt, s.lastSeenAt);
  }

  async getWebSession(idHash: string): Promise<WebSessionRow | null> {
    const r = await this.get<SessionRecord>('SELECT * FROM web_sessions WHERE id_hash = ?', idHash);
    return r ? toSession(r) : null;
  }

  async touchWebSession(idHash: string, lastSeenAt: number): Promise<void> {
    await this.run('UPDATE web_sessions SET last_seen_at = ? WHERE id_hash = ? AND last_seen_at < ?', lastSeenAt, idHash, lastSeenAt);
  }

  async deleteWebSession(idHash: string): Promise<boolean> {
    return (await this.run('DELETE FROM web_sessions WHERE id_hash = ?', idHash)).changes > 0;
  }

  async deleteUserWebSessions(userId: number): Promise<number> {
    return (await this.run('DELETE FROM web_sessions WHERE user_id = ?', userId)).changes;
  }

  async listUserWebSessions(userId: number): Promise<WebSessionRow[]> {
    return (await this.all<SessionRecord>('SELECT * FROM web_sessions WHERE user_id = ? ORDER BY created_at, id_hash', userId)).map(toSession);
  }

  async deleteExpiredWebSessions(idleBefore: number, createdBefore: number): Promise<number> {
    return (await this.run('DELETE FROM web_sessions WHERE last_seen_at < ? OR created_at < ?', idleBefore, createdBefore)).changes;
  }
}
