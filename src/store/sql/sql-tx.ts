/** StoreTx over one better-sqlite3 connection: prepared statements, rows mapped to store types. */
import { SqlSessionTx } from './sql-sessions.js';
import type { CalendarComponentType } from '../../domain/ical/analyse.js';
import { NO_LIMIT } from '../../domain/recurrence/time-index.js';
import type {
  ChangeRow, CollectionKind, CollectionRow, DeadProperty, NewCollection, ObjectMeta, ObjectRow,
  PutObjectInput, RangeCandidate, StoreTx, UserRow, UserType,
} from '../types.js';

interface UserRecord {
  id: number; name: string; password_hash: string; type: string; disabled: number;
  quota_bytes: number | null; used_bytes: number; credential_version: number; created_at: number;
}
interface CollectionRecord {
  id: number; path: string; parent_id: number | null; owner_id: number; kind: string;
  components: string; revision: number; created_at: number; modified_at: number;
}
interface ObjectRecord {
  collection_id: number; name: string; classification: string; schedule_tag: string | null; etag: string; content_type: string; size: number;
  uid: string | null; component: string | null; created_at: number; modified_at: number; content?: Buffer;
}

/** Instances longer than this go to a second, small scan, so short ones can be found by start alone. */
const LONG_SPAN_MS = 7 * 86_400_000;
/** Objects per prefetch statement. */
const PREFETCH_BATCH = 200;
/** Change-log rows per INSERT. */
const CHANGE_BATCH = 200;
/** Instance rows per INSERT (6 parameters each; SQLite allows 32,766 parameters per statement). */
const INSTANCE_BATCH = 100;

/**
 * A user's row with the bytes they use, summed from their collections' counters: each write
 * updates only its own collection's row (which it locks anyway for the sync revision), so writers
 * of one user's different calendars never contend on the user's row.
 */
const USER_COLUMNS = `u.id, u.name, u.password_hash, u.type, u.disabled, u.quota_bytes, u.credential_version, u.created_at,
  (SELECT COALESCE(SUM(c.used_bytes), 0) FROM collections c WHERE c.owner_id = u.id) AS used_bytes`;

const META_COLUMNS = 'collection_id, name, classification, schedule_tag, etag, content_type, size, uid, component, created_at, modified_at';

const toUser = (r: UserRecord): UserRow => ({
  id: r.id, name: r.name, passwordHash: r.password_hash, type: r.type as UserType, disabled: r.disabled !== 0,
  quotaBytes: r.quota_bytes, usedBytes: r.used_bytes, credentialVersion: r.credential_version, createdAt: r.created_at,
});
const toCollection = (r: CollectionRecord): CollectionRow => ({
  id: r.id, path: r.path, parentId: r.parent_id, ownerId: r.owner_id, kind: r.kind as CollectionKind,
  components: r.components === '' ? [] : (r.components.split(',') as CalendarComponentType[]),
  revision: r.revision, createdAt: r.created_at, modifiedAt: r.modified_at,
});
const toMeta = (r: ObjectRecord): ObjectMeta => ({
  collectionId: r.collection_id, name: r.name, classification: r.classification as ObjectMeta['classification'], scheduleTag: r.schedule_tag, etag: r.etag, contentType: r.content_type, size: r.size,
  uid: r.uid, componentType: r.component, createdAt: r.created_at, modifiedAt: r.modified_at,
});

export class SqlTx extends SqlSessionTx implements StoreTx {
  // Users ------------------------------------------------------------------------------------
  async createUser(u: { name: string; passwordHash: string; type: UserType; quotaBytes: number | null; now: number }): Promise<UserRow> {
    const r = await this.get<UserRecord>('INSERT INTO users (name, password_hash, type, quota_bytes, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *',
      u.name, u.passwordHash, u.type, u.quotaBytes, u.now);
    return toUser({ ...(r as UserRecord), used_bytes: 0 });
  }
  async getUserByName(name: string): Promise<UserRow | null> {
    const r = await this.get<UserRecord>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.name = ?`, name);
    return r ? this.withPendingBytes(toUser(r)) : null;
  }
  async getUserById(id: number): Promise<UserRow | null> {
    const r = await this.get<UserRecord>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ?`, id);
    return r ? this.withPendingBytes(toUser(r)) : null;
  }
  async getUserByAddress(address: string): Promise<UserRow | null> {
    const r = await this.get<UserRecord>(`SELECT ${USER_COLUMNS} FROM users u JOIN addresses a ON a.user_id = u.id WHERE a.address = ?`, address);
    return r ? this.withPendingBytes(toUser(r)) : null;
  }
  async listUsers(): Promise<UserRow[]> {
    return (await this.all<UserRecord>(`SELECT ${USER_COLUMNS} FROM users u ORDER BY u.name`)).map(toUser);
  }
  async updateUser(id: number, patch: { passwordHash?: string; disabled?: boolean; quotaBytes?: number | null }): Promise<void> {
    if (patch.passwordHash !== undefined) await this.run('UPDATE users SET password_hash = ?, credential_version = credential_version + 1 WHERE id = ?', patch.passwordHash, id);
    if (patch.disabled !== undefined) await this.run('UPDATE users SET disabled = ?, credential_version = credential_version + 1 WHERE id = ?', patch.disabled ? 1 : 0, id);
    if (patch.quotaBytes !== undefined) await this.run('UPDATE users SET quota_bytes = ? WHERE id = ?', patch.quotaBytes, id);
  }
  async deleteUser(id: number): Promise<void> {
    await this.run('DELETE FROM users WHERE id = ?', id);
  }
  async addAddress(userId: number, address: string): Promise<void> {
    await this.run('INSERT INTO addresses (address, user_id) VALUES (?, ?)', address, userId);
  }
  async removeAddress(userId: number, address: string): Promise<boolean> {
    return (await this.run('DELETE FROM addresses WHERE user_id = ? AND address = ?', userId, address)).changes > 0;
  }
  async listAddresses(userId: number): Promise<string[]> {
    return (await this.all<{ address: string }>('SELECT address FROM addresses WHERE user_id = ? ORDER BY rowid', userId)).map((r) => r.address);
  }

  // Collections ------------------------------------------------------------------------------
  async getCollection(path: string): Promise<CollectionRow | null> {
    const r = await this.get<CollectionRecord>('SELECT * FROM collections WHERE path = ?', path);
    return r ? toCollection(r) : null;
  }
  async getCollectionById(id: number): Promise<CollectionRow | null> {
    const r = await this.get<CollectionRecord>('SELECT * FROM collections WHERE id = ?', id);
    return r ? toCollection(r) : null;
  }
  async listChildCollections(parentId: number): Promise<CollectionRow[]> {
    return (await this.all<CollectionRecord>('SELECT * FROM collections WHERE parent_id = ? ORDER BY path', parentId)).map(toCollection);
  }
  async listCollectionsOwnedBy(ownerId: number): Promise<CollectionRow[]> {
    return (await this.all<CollectionRecord>('SELECT * FROM collections WHERE owner_id = ? ORDER BY path', ownerId)).map(toCollection);
  }
  async createCollection(c: NewCollection): Promise<CollectionRow> {
    const r = await this.get<CollectionRecord>('INSERT INTO collections (path, parent_id, owner_id, kind, components, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *',
      c.path, c.parentId, c.ownerId, c.kind, (c.components ?? []).join(','), c.now, c.now);
    return toCollection(r as CollectionRecord);
  }
  async deleteCollection(id: number): Promise<void> {
    const c = await this.getCollectionById(id);
    if (!c) return;
    // length() counts characters in both SQL dialects (JS .length would count UTF-16 units). The
    // bytes the subtree used go with its rows (per-collection counters).
    await this.run('DELETE FROM collections WHERE substr(path, 1, length(?)) = ?', c.path, c.path);
  }
  async moveCollection(id: number, newPath: string, newParentId: number, now: number): Promise<void> {
    const c = await this.getCollectionById(id);
    if (!c) return;
    await this.run('UPDATE collections SET path = CAST(? AS TEXT) || substr(path, length(?) + 1), modified_at = ? WHERE substr(path, 1, length(?)) = ?',
      newPath, c.path, now, c.path, c.path);
    await this.run('UPDATE collections SET parent_id = ? WHERE id = ?', newParentId, id);
  }
  async setCollectionComponents(id: number, components: CalendarComponentType[]): Promise<void> {
    await this.run('UPDATE collections SET components = ? WHERE id = ?', components.join(','), id);
  }
  async touchCollection(id: number, now: number): Promise<void> {
    await this.run('UPDATE collections SET revision = revision + 1, modified_at = ? WHERE id = ?', now, id);
  }

  // Objects ----------------------------------------------------------------------------------
  async getObject(collectionId: number, name: string): Promise<ObjectRow | null> {
    const fetched = this.prefetched.get(`${collectionId}/${name}`);
    if (fetched) {
      this.prefetched.delete(`${collectionId}/${name}`);
      return fetched;
    }
    await this.lockName(collectionId, name);
    const r = await this.get<ObjectRecord>(`SELECT ${META_COLUMNS}, content FROM objects WHERE collection_id = ? AND name = ?${this.forUpdate}`, collectionId, name);
    return r ? { ...toMeta(r), content: r.content as Buffer } : null;
  }
  async prefetchObjects(collectionId: number, names: string[]): Promise<void> {
    // Only where a transaction object serves one read (PostgreSQL); SQLite's read transaction
    // object is shared by concurrent reads, and its reads cost no round trip anyway.
    if (this.db.dialect !== 'postgres' || this.db.lockRows) return;
    for (let i = 0; i < names.length; i += PREFETCH_BATCH) {
      const batch = names.slice(i, i + PREFETCH_BATCH);
      const rows = await this.all<ObjectRecord>(`SELECT ${META_COLUMNS}, content FROM objects WHERE collection_id = ? AND name IN (${batch.map(() => '?').join(', ')})`, collectionId, ...batch);
      for (const r of rows) this.prefetched.set(`${collectionId}/${r.name}`, { ...toMeta(r), content: r.content as Buffer });
    }
  }
  private readonly prefetched = new Map<string, ObjectRow>();
  async getObjectMeta(collectionId: number, name: string): Promise<ObjectMeta | null> {
    await this.lockName(collectionId, name);
    const r = await this.get<ObjectRecord>(`SELECT ${META_COLUMNS} FROM objects WHERE collection_id = ? AND name = ?${this.forUpdate}`, collectionId, name);
    return r ? toMeta(r) : null;
  }
  /**
   * In a PostgreSQL write transaction (READ COMMITTED) an object read before it is written locks
   * its row: a concurrent writer of the same object waits, then reads the committed result, so
   * If-Match and read-modify-write (an attendee's answer merged into the organizer's copy) see
   * the latest version and never overwrite a change they did not see.
   */
  private get forUpdate(): string {
    return this.db.lockRows ? ' FOR UPDATE' : '';
  }
  /**
   * A name that does not exist yet has no row to lock, so two creations of it would both see it
   * absent and the second would silently replace the first: a transaction-scoped advisory lock on
   * (collection, name), taken before the name is looked up, makes the second wait and see it.
   */
  private async lockName(collectionId: number, name: string): Promise<void> {
    if (!this.db.lockRows) return;
    const key = `${collectionId}/${name}`;
    if (this.lockedNames.has(key)) return;
    this.lockedNames.add(key);
    await this.run('SELECT pg_advisory_xact_lock((CAST(? AS BIGINT) << 32) | (CAST(hashtext(?) AS BIGINT) & 4294967295))', collectionId, name);
  }
  private readonly lockedNames = new Set<string>();
  async listObjects(collectionId: number): Promise<ObjectMeta[]> {
    return (await this.all<ObjectRecord>(`SELECT ${META_COLUMNS} FROM objects WHERE collection_id = ? ORDER BY name`, collectionId)).map(toMeta);
  }
  async findObjectByUid(collectionId: number, uid: string): Promise<ObjectMeta | null> {
    // In a write, the UID is locked like a name: two creations of one UID under different names
    // queue, and the second finds the first (CALDAV:no-uid-conflict), as on SQLite.
    await this.lockName(collectionId, `/uid ${uid}`); // a name never holds a slash
    const r = await this.get<ObjectRecord>(`SELECT ${META_COLUMNS} FROM objects WHERE collection_id = ? AND uid = ?`, collectionId, uid);
    return r ? toMeta(r) : null;
  }
  async putObject(collectionId: number, o: PutObjectInput): Promise<boolean> {
    await this.lockName(collectionId, o.name);
    const old = await this.get<{ id: number; size: number }>(`SELECT id, size FROM objects WHERE collection_id = ? AND name = ?${this.forUpdate}`, collectionId, o.name);
    const s = o.summary;
    const t = s?.timeIndex ?? null;
    const values = [o.etag, o.contentType, o.content.length, o.content, s?.uid ?? null, s?.componentType ?? null,
      s?.recurring ? 1 : 0, s?.firstStart ?? null, s?.lastEnd ?? null, s?.organizer ?? null, JSON.stringify(s?.attendees ?? []),
      t && t.coveredFrom > -NO_LIMIT ? t.coveredFrom : null, t && t.coveredUntil < NO_LIMIT ? t.coveredUntil : null, s?.classification ?? 'PUBLIC', o.now];
    let id: number;
    if (old) {
      await this.run(`UPDATE objects SET etag = ?, content_type = ?, size = ?, content = ?, uid = ?, component = ?, recurring = ?,
        first_start = ?, last_end = ?, organizer = ?, attendees = ?, covered_from = ?, covered_until = ?, classification = ?, modified_at = ?
        WHERE collection_id = ? AND name = ?`, ...values, collectionId, o.name);
      await this.run('DELETE FROM instances WHERE object_id = ?', old.id);
      id = old.id;
    } else {
      id = Number((await this.get<{ id: number }>(`INSERT INTO objects (etag, content_type, size, content, uid, component, recurring, first_start, last_end,
        organizer, attendees, covered_from, covered_until, classification, modified_at, collection_id, name, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, ...values, collectionId, o.name, o.now))?.id);
    }
    if (o.scheduleTag !== undefined) await this.run('UPDATE objects SET schedule_tag = ? WHERE id = ?', o.scheduleTag, id);
    await this.run('UPDATE objects SET time_exact = ? WHERE id = ?', t?.exact ? 1 : 0, id);
    // Many rows per statement: a recurring event has hundreds of spans, and each statement is a
    // round trip on PostgreSQL.
    const spans = t?.spans ?? [];
    for (let i = 0; i < spans.length; i += INSTANCE_BATCH) {
      const batch = spans.slice(i, i + INSTANCE_BATCH);
      await this.run(`INSERT INTO instances (object_id, collection_id, long, start, "end", busy) VALUES ${batch.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
        ...batch.flatMap((span) => [id, collectionId, span.end - span.start > LONG_SPAN_MS ? 1 : 0, span.start, span.end, span.busy ?? 1]));
    }
    this.adjustUsedBytes(collectionId, o.content.length - (old?.size ?? 0));
    this.logChange(collectionId, o.name, false, o.now);
    return !old;
  }
  async objectsInRange(collectionId: number, start: number, end: number): Promise<RangeCandidate[]> {
    const rows = await this.all<ObjectRecord & { decided: number; hit: number }>(`SELECT ${META_COLUMNS},
        CASE WHEN time_exact = 1 AND (covered_from IS NULL OR covered_from <= ?) AND (covered_until IS NULL OR covered_until >= ?) THEN 1 ELSE 0 END AS decided,
        CASE WHEN EXISTS (SELECT 1 FROM instances i WHERE i.object_id = objects.id AND i.start < ? AND i."end" > ?) THEN 1 ELSE 0 END AS hit
      FROM objects WHERE id IN (
        SELECT object_id FROM instances WHERE collection_id = ? AND long = 0 AND start >= ? AND start <= ? AND "end" >= ?
        UNION SELECT object_id FROM instances WHERE collection_id = ? AND long = 1 AND start <= ? AND "end" >= ?
        UNION SELECT id FROM objects WHERE collection_id = ? AND covered_until IS NOT NULL AND covered_until < ?
        UNION SELECT id FROM objects WHERE collection_id = ? AND covered_from IS NOT NULL AND covered_from > ?
      ) ORDER BY name`, start, end, end, start,
    collectionId, start - LONG_SPAN_MS, end, start, collectionId, end, start, collectionId, end, collectionId, start);
    return rows.map((r) => ({ ...toMeta(r), decided: r.decided === 1, hit: r.hit === 1 }));
  }
  async busySpans(collectionId: number, start: number, end: number): Promise<{ decided: Set<string>; spans: { start: number; end: number; tentative: boolean }[] }> {
    const indexDecides = 'o.time_exact = 1 AND (o.covered_from IS NULL OR o.covered_from <= ?) AND (o.covered_until IS NULL OR o.covered_until >= ?)';
    const decided = await this.all<{ name: string }>(`SELECT o.name FROM objects o WHERE o.collection_id = ? AND ${indexDecides}
      AND o.id IN (SELECT object_id FROM instances WHERE collection_id = ? AND start < ? AND "end" > ?)`, collectionId, start, end, collectionId, end, start);
    const spans = await this.all<{ start: number; end: number; busy: number }>(`SELECT i.start, i."end", i.busy FROM instances i JOIN objects o ON o.id = i.object_id
      WHERE i.collection_id = ? AND i.start < ? AND i."end" > ? AND i.busy > 0 AND ${indexDecides}`, collectionId, end, start, start, end);
    return { decided: new Set(decided.map((d) => d.name)), spans: spans.map((x) => ({ start: x.start, end: x.end, tentative: x.busy === 2 })) };
  }
  async findObjectsByUidForOwner(ownerId: number, uid: string): Promise<{ collection: CollectionRow; object: ObjectMeta }[]> {
    const rows = await this.all<ObjectRecord & { cid: number }>(`SELECT o.collection_id AS cid, ${META_COLUMNS.split(', ').map((c) => `o.${c}`).join(', ')}
      FROM objects o JOIN collections c ON c.id = o.collection_id WHERE o.uid = ? AND c.owner_id = ? ORDER BY c.path, o.name`, uid, ownerId);
    const out: { collection: CollectionRow; object: ObjectMeta }[] = [];
    for (const r of rows) {
      const collection = await this.getCollectionById(r.cid);
      if (collection) out.push({ collection, object: toMeta(r) });
    }
    return out;
  }
  async deleteObject(collectionId: number, name: string, now: number): Promise<boolean> {
    await this.lockName(collectionId, name);
    const old = await this.get<{ size: number }>(`SELECT size FROM objects WHERE collection_id = ? AND name = ?${this.forUpdate}`, collectionId, name);
    if (!old) return false;
    await this.run('DELETE FROM objects WHERE collection_id = ? AND name = ?', collectionId, name);
    await this.run('DELETE FROM properties WHERE collection_id = ? AND object_name = ?', collectionId, name);
    this.adjustUsedBytes(collectionId, -old.size);
    this.logChange(collectionId, name, true, now);
    return true;
  }
  /** A user's bytes used as this transaction will leave them (its own writes not yet counted in). */
  private async withPendingBytes(user: UserRow): Promise<UserRow> {
    if (this.pending.size === 0) return user;
    return { ...user, usedBytes: await this.usedBytes(user.id) };
  }
  async usedBytes(ownerId: number): Promise<number> {
    const rows = await this.all<{ id: number; used_bytes: number }>('SELECT id, used_bytes FROM collections WHERE owner_id = ?', ownerId);
    return rows.reduce((n, r) => n + r.used_bytes + (this.pending.get(r.id)?.bytes ?? 0), 0);
  }

  /**
   * What this transaction changed per collection, written by finish() just before commit: the
   * collection rows (revision, bytes used) are then locked for the last moment of the transaction
   * only, and always in the same order (by id), so writers of one calendar queue briefly and
   * writers crossing several calendars (invitations) cannot deadlock on them.
   */
  private readonly pending = new Map<number, { bytes: number; changes: { name: string; deleted: boolean }[]; now: number }>();
  /** The collection this transaction changed last: where a concurrent writer most likely collided. */
  revisedCollection: number | null = null;

  private pendingFor(collectionId: number, now: number): { bytes: number; changes: { name: string; deleted: boolean }[]; now: number } {
    let p = this.pending.get(collectionId);
    if (!p) {
      p = { bytes: 0, changes: [], now };
      this.pending.set(collectionId, p);
    }
    p.now = Math.max(p.now, now);
    return p;
  }
  private adjustUsedBytes(collectionId: number, delta: number): void {
    this.pendingFor(collectionId, 0).bytes += delta;
  }
  private logChange(collectionId: number, name: string, deleted: boolean, now: number): void {
    this.revisedCollection = collectionId;
    this.pendingFor(collectionId, now).changes.push({ name, deleted });
  }

  /** Starts a transaction's bookkeeping afresh (a reused SQLite transaction object, a retry). */
  begin(): void {
    this.pending.clear();
    this.deliveriesQueued = false;
  }

  /** Writes the change log and counters of every collection changed; call just before COMMIT. */
  async finish(): Promise<void> {
    for (const id of [...this.pending.keys()].sort((a, b) => a - b)) {
      const p = this.pending.get(id);
      if (!p) continue;
      this.revisedCollection = id;
      const k = p.changes.length;
      const r = await this.get<{ revision: number }>(`UPDATE collections SET revision = revision + ?, used_bytes = CASE WHEN used_bytes + ? > 0 THEN used_bytes + ? ELSE 0 END,
        modified_at = CASE WHEN ? > 0 THEN ? ELSE modified_at END WHERE id = ? RETURNING revision`, k, p.bytes, p.bytes, k, p.now, id);
      // The collection was deleted in this transaction: its change log went with it.
      if (!r || k === 0) continue;
      for (let i = 0; i < k; i += CHANGE_BATCH) {
        const batch = p.changes.slice(i, i + CHANGE_BATCH);
        await this.run(`INSERT INTO changes (collection_id, revision, name, deleted) VALUES ${batch.map(() => '(?, ?, ?, ?)').join(', ')}`,
          ...batch.flatMap((c, j) => [id, r.revision - k + 1 + i + j, c.name, c.deleted ? 1 : 0]));
      }
    }
    this.pending.clear();
  }

  // Dead properties ----------------------------------------------------------------------------
  async getProperties(collectionId: number, objectName: string): Promise<DeadProperty[]> {
    return this.all<DeadProperty>('SELECT ns, name, value FROM properties WHERE collection_id = ? AND object_name = ?', collectionId, objectName);
  }
  async setProperty(collectionId: number, objectName: string, p: DeadProperty): Promise<void> {
    await this.run('INSERT INTO properties (collection_id, object_name, ns, name, value) VALUES (?, ?, ?, ?, ?) ON CONFLICT (collection_id, object_name, ns, name) DO UPDATE SET value = excluded.value',
      collectionId, objectName, p.ns, p.name, p.value);
  }
  async removeProperty(collectionId: number, objectName: string, ns: string, name: string): Promise<void> {
    await this.run('DELETE FROM properties WHERE collection_id = ? AND object_name = ? AND ns = ? AND name = ?', collectionId, objectName, ns, name);
  }

  // Change log ---------------------------------------------------------------------------------
  async changesSince(collectionId: number, revision: number): Promise<ChangeRow[]> {
    return (await this.all<{ revision: number; name: string; deleted: number }>(
      'SELECT revision, name, deleted FROM changes WHERE collection_id = ? AND revision > ? ORDER BY revision', collectionId, revision,
    )).map((r) => ({ revision: r.revision, name: r.name, deleted: r.deleted !== 0 }));
  }
}
