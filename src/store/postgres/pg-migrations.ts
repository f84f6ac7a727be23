/**
 * Numbered schema migrations of the PostgreSQL store. Each runs once, in its own transaction, under
 * an advisory lock so that several processes starting together migrate once.
 *
 * Expand, then contract: a migration that only adds (tables, nullable or defaulted columns,
 * indexes) leaves `oldestReader` where it was, so processes of the previous version keep serving
 * while the new one rolls out; a migration that drops or changes what older code reads raises
 * `oldestReader` to its own number, and is shipped a release after the code stopped reading it.
 * A process refuses a schema whose `oldestReader` is newer than the newest migration it knows.
 *
 * Column names and meanings are those of the SQLite store (sqlite/migrations.ts), so the shared
 * SQL in sql/ runs on both; integers are BIGINT (milliseconds do not fit in 32 bits), texts that
 * are sorted use the "C" collation so both stores order names and paths the same, bytewise.
 * Foreign keys are DEFERRABLE so `reefknot migrate-store` can copy rows in any order.
 */
export interface PgMigration {
  sql: string;
  /** The oldest schema version whose code still works after this migration (see above). */
  oldestReader: number;
}

const FK = 'ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE';

export const PG_MIGRATIONS: readonly PgMigration[] = [
  // 1: everything the SQLite store has after its migration 10, with migration 12's per-collection
  // byte counters (users.used_bytes stays, unwritten, as on SQLite).
  {
    oldestReader: 1,
    sql: `
  CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    type TEXT NOT NULL DEFAULT 'individual',
    disabled INTEGER NOT NULL DEFAULT 0,
    quota_bytes BIGINT,
    used_bytes BIGINT NOT NULL DEFAULT 0,
    credential_version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
  );
  -- "rowid" keeps the order addresses were added in, as SQLite's implicit rowid does there.
  CREATE TABLE addresses (
    rowid BIGSERIAL UNIQUE,
    address TEXT COLLATE "C" PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ${FK}
  );
  CREATE INDEX addresses_user ON addresses(user_id);
  CREATE TABLE collections (
    id BIGSERIAL PRIMARY KEY,
    path TEXT COLLATE "C" NOT NULL UNIQUE,
    parent_id BIGINT REFERENCES collections(id) ${FK},
    owner_id BIGINT NOT NULL REFERENCES users(id) ${FK},
    kind TEXT NOT NULL,
    components TEXT NOT NULL DEFAULT '',
    revision BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    modified_at BIGINT NOT NULL,
    used_bytes BIGINT NOT NULL DEFAULT 0
  );
  CREATE INDEX collections_parent ON collections(parent_id);
  CREATE INDEX collections_owner ON collections(owner_id);
  CREATE TABLE objects (
    id BIGSERIAL PRIMARY KEY,
    collection_id BIGINT NOT NULL REFERENCES collections(id) ${FK},
    name TEXT COLLATE "C" NOT NULL,
    etag TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BYTEA NOT NULL,
    uid TEXT,
    component TEXT,
    recurring INTEGER NOT NULL DEFAULT 0,
    first_start BIGINT,
    last_end BIGINT,
    organizer TEXT,
    attendees TEXT NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL,
    modified_at BIGINT NOT NULL,
    covered_from BIGINT,
    covered_until BIGINT,
    classification TEXT NOT NULL DEFAULT 'PUBLIC',
    schedule_tag TEXT,
    time_exact INTEGER NOT NULL DEFAULT 0,
    UNIQUE (collection_id, name)
  );
  CREATE INDEX objects_uid ON objects(collection_id, uid);
  CREATE INDEX objects_uid_any ON objects(uid);
  CREATE INDEX objects_uncovered_until ON objects(collection_id, covered_until) WHERE covered_until IS NOT NULL;
  CREATE INDEX objects_uncovered_from ON objects(collection_id, covered_from) WHERE covered_from IS NOT NULL;
  CREATE TABLE properties (
    collection_id BIGINT NOT NULL REFERENCES collections(id) ${FK},
    object_name TEXT COLLATE "C" NOT NULL,
    ns TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (collection_id, object_name, ns, name)
  );
  CREATE TABLE changes (
    collection_id BIGINT NOT NULL REFERENCES collections(id) ${FK},
    revision BIGINT NOT NULL,
    name TEXT NOT NULL,
    deleted INTEGER NOT NULL,
    PRIMARY KEY (collection_id, revision)
  );
  CREATE TABLE instances (
    object_id BIGINT NOT NULL REFERENCES objects(id) ${FK},
    collection_id BIGINT NOT NULL,
    long INTEGER NOT NULL,
    start BIGINT NOT NULL,
    "end" BIGINT NOT NULL,
    busy INTEGER NOT NULL DEFAULT 1
  );
  CREATE INDEX instances_range ON instances(collection_id, long, start);
  CREATE INDEX instances_object ON instances(object_id);
  CREATE TABLE grants (
    id BIGSERIAL PRIMARY KEY,
    collection_id BIGINT NOT NULL REFERENCES collections(id) ${FK},
    principal TEXT NOT NULL,
    privileges TEXT NOT NULL,
    deny INTEGER NOT NULL DEFAULT 0,
    origin TEXT NOT NULL,
    position BIGINT NOT NULL
  );
  CREATE INDEX grants_collection ON grants(collection_id, position);
  CREATE INDEX grants_principal ON grants(principal);
  CREATE TABLE shares (
    id BIGSERIAL PRIMARY KEY,
    collection_id BIGINT NOT NULL REFERENCES collections(id) ${FK},
    sharee_id BIGINT NOT NULL REFERENCES users(id) ${FK},
    access TEXT NOT NULL,
    status TEXT NOT NULL,
    bind_name TEXT,
    summary TEXT NOT NULL DEFAULT '',
    uid TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (collection_id, sharee_id)
  );
  CREATE UNIQUE INDEX shares_bind ON shares(sharee_id, bind_name) WHERE bind_name IS NOT NULL;
  CREATE TABLE proxies (
    owner_id BIGINT NOT NULL REFERENCES users(id) ${FK},
    proxy_id BIGINT NOT NULL REFERENCES users(id) ${FK},
    write INTEGER NOT NULL,
    PRIMARY KEY (owner_id, proxy_id)
  );
  CREATE INDEX proxies_proxy ON proxies(proxy_id);
  CREATE TABLE deliveries (
    id BIGSERIAL PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES users(id) ${FK},
    uid TEXT NOT NULL,
    method TEXT NOT NULL,
    originator TEXT NOT NULL,
    recipient TEXT NOT NULL,
    message TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    route TEXT NOT NULL,
    status TEXT NOT NULL,
    schedule_status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_try BIGINT NOT NULL,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  );
  CREATE INDEX deliveries_due ON deliveries(status, next_try);
  CREATE INDEX deliveries_owner ON deliveries(owner_id, uid);
  CREATE TABLE quarantine (
    id BIGSERIAL PRIMARY KEY,
    received_at BIGINT NOT NULL,
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    reason TEXT NOT NULL,
    raw BYTEA NOT NULL
  );
  CREATE TABLE seen_messages (
    message_id TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL
  );
  CREATE TABLE ischedule_keys (
    domain TEXT COLLATE "C" PRIMARY KEY,
    selector TEXT NOT NULL,
    private_key TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE ischedule_peers (
    domain TEXT COLLATE "C" PRIMARY KEY,
    url TEXT,
    public_key TEXT,
    allow TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE freebusy_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ${FK},
    created_at BIGINT NOT NULL
  );
  CREATE TABLE freebusy_uploads (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ${FK},
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL
  );
  CREATE TABLE cip_peers (
    domain TEXT COLLATE "C" PRIMARY KEY,
    password_hash TEXT NOT NULL,
    password TEXT NOT NULL,
    host TEXT,
    tls INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE cip_redirects (
    address TEXT COLLATE "C" PRIMARY KEY,
    target TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  `,
  },
  // 2: web calendar sessions (SQLite migration 11), shared by every server process.
  {
    oldestReader: 1,
    sql: `
  CREATE TABLE web_sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ${FK},
    user_name TEXT NOT NULL,
    credential_version BIGINT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
  );
  CREATE INDEX web_sessions_user ON web_sessions(user_id, created_at);
  `,
  },
];
