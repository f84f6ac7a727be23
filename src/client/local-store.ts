/**
 * The client's local database (the seed's §4 "records the event in its local database"): one
 * SQLite file holding each calendar object (RFC 5545 §3.4, one UID per row) with its server href
 * and ETag (RFC 4791 §5.3.4), the last synced text, and dirty/deleted flags for sync; the inbox
 * of iTIP messages received (RFC 5546 §1.4); every version that a sync or an answer replaced
 * (nothing is ever lost); and sync state (RFC 6578 sync-token, CalendarServer ctag).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface StoredObject {
  uid: string;
  ical: string;
  href: string | null;
  etag: string | null;
  /** The text as last seen on (or sent to) the server, for three-way conflict checks. */
  synced: string | null;
  dirty: boolean;
  deleted: boolean;
  localOnly: boolean;
}

export interface InboxItem {
  id: number;
  received: string;
  method: string;
  uid: string;
  sender: string;
  ical: string;
  state: 'new' | 'done' | 'refused';
  description: string;
}

export interface HistoryItem {
  id: number;
  at: string;
  uid: string;
  reason: string;
  ical: string;
}

interface ObjectRow {
  uid: string; ical: string; href: string | null; etag: string | null; synced: string | null; dirty: number; deleted: number; local_only: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS objects (uid TEXT PRIMARY KEY, ical TEXT NOT NULL, href TEXT, etag TEXT, synced TEXT,
  dirty INTEGER NOT NULL DEFAULT 1, deleted INTEGER NOT NULL DEFAULT 0, local_only INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS inbox (id INTEGER PRIMARY KEY AUTOINCREMENT, received TEXT NOT NULL, method TEXT NOT NULL,
  uid TEXT NOT NULL, sender TEXT NOT NULL, ical TEXT NOT NULL, state TEXT NOT NULL, description TEXT NOT NULL,
  message_id TEXT UNIQUE);
CREATE TABLE IF NOT EXISTS history (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, uid TEXT NOT NULL,
  reason TEXT NOT NULL, ical TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

const toObject = (r: ObjectRow): StoredObject => ({
  uid: r.uid, ical: r.ical, href: r.href, etag: r.etag, synced: r.synced, dirty: r.dirty === 1, deleted: r.deleted === 1, localOnly: r.local_only === 1,
});

export class LocalStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  get(uid: string): StoredObject | null {
    const r = this.db.prepare('SELECT * FROM objects WHERE uid = ?').get(uid) as ObjectRow | undefined;
    return r ? toObject(r) : null;
  }

  byHref(href: string): StoredObject | null {
    const r = this.db.prepare('SELECT * FROM objects WHERE href = ?').get(href) as ObjectRow | undefined;
    return r ? toObject(r) : null;
  }

  /** Live objects (not deleted), or every row with `all`. */
  list(all = false): StoredObject[] {
    const rows = this.db.prepare(`SELECT * FROM objects ${all ? '' : 'WHERE deleted = 0'} ORDER BY uid`).all() as ObjectRow[];
    return rows.map(toObject);
  }

  put(o: StoredObject): void {
    this.db.prepare(`INSERT INTO objects (uid, ical, href, etag, synced, dirty, deleted, local_only) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(uid) DO UPDATE SET ical = excluded.ical, href = excluded.href, etag = excluded.etag, synced = excluded.synced,
      dirty = excluded.dirty, deleted = excluded.deleted, local_only = excluded.local_only`)
      .run(o.uid, o.ical, o.href, o.etag, o.synced, o.dirty ? 1 : 0, o.deleted ? 1 : 0, o.localOnly ? 1 : 0);
  }

  /** A local change by the user: the row becomes dirty (to be sent at the next sync). */
  saveLocal(uid: string, ical: string, localOnly = false): void {
    const old = this.get(uid);
    if (old && old.ical !== ical) this.keep(uid, 'replaced by a local edit', old.ical);
    this.put({ uid, ical, href: old?.href ?? null, etag: old?.etag ?? null, synced: old?.synced ?? null, dirty: true, deleted: false, localOnly });
  }

  /** Marks for deletion (the server copy is removed at the next sync); the text goes to history. */
  remove(uid: string): void {
    const old = this.get(uid);
    if (!old) return;
    this.keep(uid, 'deleted', old.ical);
    if (!old.href) this.purge(uid);
    else this.put({ ...old, dirty: true, deleted: true });
  }

  purge(uid: string): void {
    this.db.prepare('DELETE FROM objects WHERE uid = ?').run(uid);
  }

  keep(uid: string, reason: string, ical: string): void {
    this.db.prepare('INSERT INTO history (at, uid, reason, ical) VALUES (?, ?, ?, ?)').run(new Date().toISOString(), uid, reason, ical);
  }

  history(uid?: string): HistoryItem[] {
    return (uid
      ? this.db.prepare('SELECT * FROM history WHERE uid = ? ORDER BY id').all(uid)
      : this.db.prepare('SELECT * FROM history ORDER BY id').all()) as HistoryItem[];
  }

  /** Adds an inbox item; false when this Message-ID was already read. */
  addInbox(item: Omit<InboxItem, 'id'>, messageId: string | null): boolean {
    const r = this.db.prepare(`INSERT OR IGNORE INTO inbox (received, method, uid, sender, ical, state, description, message_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(item.received, item.method, item.uid, item.sender, item.ical, item.state, item.description, messageId);
    return r.changes === 1;
  }

  inbox(all = false): InboxItem[] {
    return this.db.prepare(`SELECT id, received, method, uid, sender, ical, state, description FROM inbox ${all ? '' : "WHERE state = 'new'"} ORDER BY id`).all() as InboxItem[];
  }

  inboxItem(id: number): InboxItem | null {
    return (this.db.prepare('SELECT id, received, method, uid, sender, ical, state, description FROM inbox WHERE id = ?').get(id) as InboxItem | undefined) ?? null;
  }

  /** Whether a message (by Message-ID, or a server inbox item's href) was already read. */
  hasMessage(messageId: string): boolean {
    return this.db.prepare('SELECT 1 FROM inbox WHERE message_id = ?').get(messageId) !== undefined;
  }

  setInboxItemState(id: number, state: InboxItem['state']): void {
    this.db.prepare('UPDATE inbox SET state = ? WHERE id = ?').run(state, id);
  }

  /** Marks the waiting items of a UID; returns how many there were. */
  setInboxState(uid: string, state: InboxItem['state']): number {
    return this.db.prepare("UPDATE inbox SET state = ? WHERE uid = ? AND state = 'new'").run(state, uid).changes;
  }

  getMeta(key: string): string | null {
    const r = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return r ? r.value : null;
  }

  setMeta(key: string, value: string | null): void {
    if (value === null) this.db.prepare('DELETE FROM meta WHERE key = ?').run(key);
    else this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
