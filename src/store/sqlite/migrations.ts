/**
 * Numbered schema migrations for the SQLite store, applied in order at start-up inside one
 * transaction each; `PRAGMA user_version` records the last applied number.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  // 1: users, addresses, collections, objects, dead properties, change log.
  `
  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    type TEXT NOT NULL DEFAULT 'individual',
    disabled INTEGER NOT NULL DEFAULT 0,
    quota_bytes INTEGER,
    used_bytes INTEGER NOT NULL DEFAULT 0,
    credential_version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE addresses (
    address TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE
  );
  CREATE INDEX addresses_user ON addresses(user_id);
  CREATE TABLE collections (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    parent_id INTEGER REFERENCES collections(id) ON DELETE CASCADE,
    owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    components TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    modified_at INTEGER NOT NULL
  );
  CREATE INDEX collections_parent ON collections(parent_id);
  CREATE INDEX collections_owner ON collections(owner_id);
  CREATE TABLE objects (
    id INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    etag TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    content BLOB NOT NULL,
    uid TEXT,
    component TEXT,
    recurring INTEGER NOT NULL DEFAULT 0,
    first_start INTEGER,
    last_end INTEGER,
    organizer TEXT,
    attendees TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    modified_at INTEGER NOT NULL,
    UNIQUE (collection_id, name)
  );
  CREATE INDEX objects_uid ON objects(collection_id, uid);
  CREATE TABLE properties (
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    object_name TEXT NOT NULL,
    ns TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (collection_id, object_name, ns, name)
  );
  CREATE TABLE changes (
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    revision INTEGER NOT NULL,
    name TEXT NOT NULL,
    deleted INTEGER NOT NULL,
    PRIMARY KEY (collection_id, revision)
  );
  `,
  // 2: the time index (design.md): instance spans over a horizon, and each object's coverage.
  `
  ALTER TABLE objects ADD COLUMN covered_from INTEGER;
  ALTER TABLE objects ADD COLUMN covered_until INTEGER;
  CREATE INDEX objects_uncovered_until ON objects(collection_id, covered_until) WHERE covered_until IS NOT NULL;
  CREATE INDEX objects_uncovered_from ON objects(collection_id, covered_from) WHERE covered_from IS NOT NULL;
  CREATE TABLE instances (
    object_id INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    collection_id INTEGER NOT NULL,
    long INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL
  );
  CREATE INDEX instances_range ON instances(collection_id, long, start);
  CREATE INDEX instances_object ON instances(object_id);
  `,
  // 3: access control: ACEs per collection, calendar shares, calendar proxies, object class.
  `
  ALTER TABLE objects ADD COLUMN classification TEXT NOT NULL DEFAULT 'PUBLIC';
  CREATE TABLE grants (
    id INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    principal TEXT NOT NULL,
    privileges TEXT NOT NULL,
    deny INTEGER NOT NULL DEFAULT 0,
    origin TEXT NOT NULL,
    position INTEGER NOT NULL
  );
  CREATE INDEX grants_collection ON grants(collection_id, position);
  CREATE INDEX grants_principal ON grants(principal);
  CREATE TABLE shares (
    id INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    sharee_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    access TEXT NOT NULL,
    status TEXT NOT NULL,
    bind_name TEXT,
    summary TEXT NOT NULL DEFAULT '',
    uid TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (collection_id, sharee_id)
  );
  CREATE UNIQUE INDEX shares_bind ON shares(sharee_id, bind_name) WHERE bind_name IS NOT NULL;
  CREATE TABLE proxies (
    owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    proxy_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    write INTEGER NOT NULL,
    PRIMARY KEY (owner_id, proxy_id)
  );
  CREATE INDEX proxies_proxy ON proxies(proxy_id);
  `,
  // 4: scheduling (RFC 6638): an inbox and outbox in every home, schedule tags, delivery records.
  `
  INSERT INTO collections (path, parent_id, owner_id, kind, components, created_at, modified_at)
    SELECT path || 'inbox/', id, owner_id, 'inbox', 'VEVENT,VTODO,VJOURNAL,VFREEBUSY', created_at, modified_at FROM collections
    WHERE kind = 'home' AND NOT EXISTS (SELECT 1 FROM collections c2 WHERE c2.path = collections.path || 'inbox/');
  INSERT INTO collections (path, parent_id, owner_id, kind, components, created_at, modified_at)
    SELECT path || 'outbox/', id, owner_id, 'outbox', '', created_at, modified_at FROM collections
    WHERE kind = 'home' AND NOT EXISTS (SELECT 1 FROM collections c2 WHERE c2.path = collections.path || 'outbox/');
  ALTER TABLE objects ADD COLUMN schedule_tag TEXT;
  CREATE INDEX objects_uid_any ON objects(uid);
  CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    uid TEXT NOT NULL,
    method TEXT NOT NULL,
    originator TEXT NOT NULL,
    recipient TEXT NOT NULL,
    message TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    route TEXT NOT NULL,
    status TEXT NOT NULL,
    schedule_status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX deliveries_due ON deliveries(status, next_try);
  CREATE INDEX deliveries_owner ON deliveries(owner_id, uid);
  `,
  // 5: inbound scheduling mail: quarantine for what failed checks, and Message-IDs already applied.
  `
  CREATE TABLE quarantine (
    id INTEGER PRIMARY KEY,
    received_at INTEGER NOT NULL,
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    reason TEXT NOT NULL,
    raw BLOB NOT NULL
  );
  CREATE TABLE seen_messages (
    message_id TEXT PRIMARY KEY,
    received_at INTEGER NOT NULL
  );
  `,
  // 6: whether an object's time index answers a time-range test exactly (no parse needed).
  `
  ALTER TABLE objects ADD COLUMN time_exact INTEGER NOT NULL DEFAULT 0;
  `,
  // 7: iSchedule (server-to-server scheduling): this server's signing keys and its trusted peers.
  `
  CREATE TABLE ischedule_keys (
    domain TEXT PRIMARY KEY,
    selector TEXT NOT NULL,
    private_key TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE ischedule_peers (
    domain TEXT PRIMARY KEY,
    url TEXT,
    public_key TEXT,
    allow TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  `,
  // 8: the busy time of each indexed instance, so free-busy can be answered from the index.
  // Objects stored before it are parsed again until rewritten (time_exact reset).
  `
  ALTER TABLE instances ADD COLUMN busy INTEGER NOT NULL DEFAULT 1;
  UPDATE objects SET time_exact = 0;
  `,
  // 9: free-busy URLs: busy time people upload with a token, and the tokens (stored hashed).
  `
  CREATE TABLE freebusy_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE freebusy_uploads (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
  // 10: the CIP gateway (docs/cip.md): peers' shared passwords (a hash to check their logins, and
  // the password itself, which this server must present when it connects to them) and REDIRECTs
  // for user identifiers that moved.
  `
  CREATE TABLE cip_peers (
    domain TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    password TEXT NOT NULL,
    host TEXT,
    tls INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE cip_redirects (
    address TEXT PRIMARY KEY,
    target TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  `,
  // 11: web calendar sessions, in the store so that several server processes share them.
  `
  CREATE TABLE web_sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    user_name TEXT NOT NULL,
    credential_version INTEGER NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
  );
  CREATE INDEX web_sessions_user ON web_sessions(user_id, created_at);
  `,
  // 12: the bytes each collection's objects use, kept on the collection's row; a user's use is the
  // sum over their collections (users.used_bytes is no longer written: a hot row for every PUT).
  `
  ALTER TABLE collections ADD COLUMN used_bytes INTEGER NOT NULL DEFAULT 0;
  UPDATE collections SET used_bytes = (SELECT COALESCE(SUM(size), 0) FROM objects WHERE objects.collection_id = collections.id);
  `,
];
