/**
 * The one store interface (design.md "The store"). Services see only this; SQLite implements it
 * now and PostgreSQL later. Every method is async so that both backends fit; a request's writes
 * run inside one `write` transaction.
 */
import type { CalendarComponentType, CalendarObjectInfo } from '../domain/ical/analyse.js';

export type UserType = 'individual' | 'room' | 'resource' | 'group';

export interface UserRow {
  id: number;
  name: string;
  passwordHash: string;
  type: UserType;
  disabled: boolean;
  quotaBytes: number | null;
  usedBytes: number;
  createdAt: number;
  /** Bumped on every password or state change, so caches keyed on it drop stale credentials. */
  credentialVersion: number;
}

export type CollectionKind = 'root' | 'home' | 'calendar' | 'plain' | 'inbox' | 'outbox';

export interface CollectionRow {
  id: number;
  /** Decoded absolute path ending in '/', e.g. '/calendars/alice/work/'. */
  path: string;
  parentId: number | null;
  ownerId: number;
  kind: CollectionKind;
  /** For calendars: the component types accepted (CALDAV:supported-calendar-component-set). */
  components: CalendarComponentType[];
  revision: number;
  createdAt: number;
  modifiedAt: number;
}

export interface ObjectMeta {
  collectionId: number;
  name: string;
  classification: 'PUBLIC' | 'PRIVATE' | 'CONFIDENTIAL';
  /** RFC 6638 §3.2.10 Schedule-Tag of a scheduling object resource, else null. */
  scheduleTag: string | null;
  etag: string;
  contentType: string;
  size: number;
  uid: string | null;
  componentType: string | null;
  createdAt: number;
  modifiedAt: number;
}

/** A candidate of a time-range scan, with what the index alone can say about it. */
export interface RangeCandidate extends ObjectMeta {
  /** The index decides the time-range test for this object (exact index, range covered). */
  decided: boolean;
  /** When decided: whether an instance overlaps the range. */
  hit: boolean;
}

export interface ObjectRow extends ObjectMeta {
  content: Buffer;
}

/** What the store keeps about a calendar object for queries (design.md summary row). */
export interface ObjectSummary extends Pick<CalendarObjectInfo, 'uid' | 'componentType' | 'recurring' | 'firstStart' | 'lastEnd' | 'organizer' | 'attendees'> {
  /** The most restrictive CLASS of the object's components (RFC 5545 §3.8.1.3). */
  classification: 'PUBLIC' | 'PRIVATE' | 'CONFIDENTIAL';
  /** Instance spans and index coverage (domain/recurrence/time-index.ts); null: not indexed by time. */
  timeIndex: { spans: { start: number; end: number; busy?: 0 | 1 | 2 }[]; coveredFrom: number; coveredUntil: number; exact?: boolean } | null;
}

export interface PutObjectInput {
  name: string;
  /** Kept as it was when omitted (undefined); null clears it. */
  scheduleTag?: string | null;
  content: Buffer;
  etag: string;
  contentType: string;
  summary: ObjectSummary | null;
  now: number;
}

export interface DeadProperty {
  ns: string;
  name: string;
  /** JSON of the property element (protocols/dav/xml.ts XmlElement). */
  value: string;
}

export interface ChangeRow {
  revision: number;
  name: string;
  deleted: boolean;
}

export interface NewCollection {
  path: string;
  parentId: number | null;
  ownerId: number;
  kind: CollectionKind;
  components?: CalendarComponentType[];
  now: number;
}

/** An access control entry as stored: principal is 'user:ID', 'authenticated', 'unauthenticated' or 'all'. */
export interface GrantRow {
  id: number;
  collectionId: number;
  principal: string;
  privileges: string[];
  deny: boolean;
  /** 'share' (CLI, web app, CalendarServer sharing) or 'acl' (the ACL method). */
  origin: 'share' | 'acl';
  position: number;
}

export interface ShareRow {
  id: number;
  collectionId: number;
  shareeId: number;
  access: string;
  status: 'pending' | 'accepted' | 'declined';
  /** The segment under the sharee's home where the calendar appears once accepted. */
  bindName: string | null;
  summary: string;
  /** Identifies the invitation in notifications (CalendarServer sharing). */
  uid: string;
  createdAt: number;
}

/** A scheduling message for a recipient that is not local (design.md "Scheduling flow"). */
export interface DeliveryRow {
  id: number;
  ownerId: number;
  uid: string;
  method: string;
  originator: string;
  recipient: string;
  message: string;
  /** Stable id: a message is sent once, and receivers de-duplicate on it. */
  messageId: string;
  /** 'imip', 'ischedule', 'cip' … or 'none' while no route is known. */
  route: string;
  status: 'pending' | 'sent' | 'delivered' | 'failed';
  /** The RFC 6638 §3.2.9 code shown on the organizer's copy. */
  scheduleStatus: string;
  attempts: number;
  nextTry: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Inbound scheduling mail that failed a check, kept for the user to review (design.md "Safety"). */
export interface QuarantineRow {
  id: number;
  receivedAt: number;
  sender: string;
  recipients: string[];
  reason: string;
  raw: Buffer;
}

// ---- iSchedule (server-to-server scheduling, draft-desruisseaux-ischedule-05): keys and peers ----
/** One of this server's DKIM signing keys for iSchedule (one per domain it signs for). */
export interface IScheduleKeyRow {
  domain: string;
  /** DKIM selector (s=): the key record is SELECTOR._domainkey.DOMAIN. */
  selector: string;
  privateKeyPem: string;
  publicKeyPem: string;
  createdAt: number;
}

/** A remote domain this server schedules with in real time, and what it lets that domain do. */
export interface ISchedulePeerRow {
  domain: string;
  /** The peer's iSchedule URL; null: discovered (DNS SRV, then /.well-known/ischedule). */
  url: string | null;
  /** A pinned public key (PEM); null: the key published in DNS TXT or at the well-known key URL. */
  publicKeyPem: string | null;
  /** What the peer may do here: 'deliver', 'freebusy', 'rooms'. */
  allow: string[];
  createdAt: number;
}
// ---- end iSchedule ----

// ---- CIP gateway (draft-ietf-calsch-cip-00, docs/cip.md): peers and moved user identifiers ----
/** A domain that may log in to the CIP listener, and that this server sends to over CIP. */
export interface CipPeerRow {
  domain: string;
  /** Hash of the shared password (checks the peer's AUTHENTICATE LOGIN). */
  passwordHash: string;
  /** The shared password itself: this server presents it when it connects to the peer. */
  password: string;
  /** HOST:PORT of the peer's listener; null: found by DNS SRV _cip._tcp.DOMAIN, else DOMAIN. */
  host: string | null;
  /** Connect to the peer over TLS. */
  tls: boolean;
  createdAt: number;
}

/** A user identifier that moved: CIP answers `* REDIRECT USER address IS NOW target`. */
export interface CipRedirectRow {
  address: string;
  target: string;
  createdAt: number;
}
// ---- end CIP ----

/** A web calendar session (server/web-session.ts); the id itself is never stored, only its hash. */
export interface WebSessionRow {
  idHash: string;
  userId: number;
  userName: string;
  /** The user's credential version at sign-in: a password change ends the session. */
  credentialVersion: number;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface StoreTx {
  // Users and their calendar user addresses (mailto:, lower-cased, unique server-wide).
  createUser(u: { name: string; passwordHash: string; type: UserType; quotaBytes: number | null; now: number }): Promise<UserRow>;
  getUserByName(name: string): Promise<UserRow | null>;
  getUserById(id: number): Promise<UserRow | null>;
  getUserByAddress(address: string): Promise<UserRow | null>;
  listUsers(): Promise<UserRow[]>;
  updateUser(id: number, patch: { passwordHash?: string; disabled?: boolean; quotaBytes?: number | null }): Promise<void>;
  deleteUser(id: number): Promise<void>;
  addAddress(userId: number, address: string): Promise<void>;
  removeAddress(userId: number, address: string): Promise<boolean>;
  listAddresses(userId: number): Promise<string[]>;

  // Collections.
  getCollection(path: string): Promise<CollectionRow | null>;
  getCollectionById(id: number): Promise<CollectionRow | null>;
  listChildCollections(parentId: number): Promise<CollectionRow[]>;
  listCollectionsOwnedBy(ownerId: number): Promise<CollectionRow[]>;
  createCollection(c: NewCollection): Promise<CollectionRow>;
  /** Deletes the collection, every descendant collection and all their objects and properties. */
  deleteCollection(id: number): Promise<void>;
  /** Moves a collection (and its subtree) to a new path and parent. */
  moveCollection(id: number, newPath: string, newParentId: number, now: number): Promise<void>;
  setCollectionComponents(id: number, components: CalendarComponentType[]): Promise<void>;
  /** Marks the collection changed (a property change): bumps its revision. */
  touchCollection(id: number, now: number): Promise<void>;

  // Objects (calendar object resources, or any resource in a plain collection).
  getObject(collectionId: number, name: string): Promise<ObjectRow | null>;
  getObjectMeta(collectionId: number, name: string): Promise<ObjectMeta | null>;
  /**
   * A hint before reading many objects' contents: where every statement is a round trip
   * (PostgreSQL), loads them in one, and the getObject calls that follow in this read are
   * answered from memory. SQLite, in process, ignores it.
   */
  prefetchObjects(collectionId: number, names: string[]): Promise<void>;
  listObjects(collectionId: number): Promise<ObjectMeta[]>;
  findObjectByUid(collectionId: number, uid: string): Promise<ObjectMeta | null>;
  /**
   * Objects that may have an instance overlapping [start, end): an index range scan over instance
   * spans, plus objects whose index does not cover the range. Never parses anything.
   */
  objectsInRange(collectionId: number, start: number, end: number): Promise<RangeCandidate[]>;
  /**
   * Busy time (RFC 4791 §7.10) of the objects whose index decides [start, end) alone, from their
   * instance spans; `decided` names those objects so the caller parses only the others.
   */
  busySpans(collectionId: number, start: number, end: number): Promise<{ decided: Set<string>; spans: { start: number; end: number; tentative: boolean }[] }>;
  /** Every object with this UID in collections the user owns (scheduling finds a user's copy). */
  findObjectsByUidForOwner(ownerId: number, uid: string): Promise<{ collection: CollectionRow; object: ObjectMeta }[]>;
  /** Creates or replaces; returns true when created. Appends to the change log. */
  putObject(collectionId: number, input: PutObjectInput): Promise<boolean>;
  deleteObject(collectionId: number, name: string, now: number): Promise<boolean>;
  /** Bytes of every object in collections owned by the user. */
  usedBytes(ownerId: number): Promise<number>;

  // Dead properties of a collection (objectName '') or of an object.
  getProperties(collectionId: number, objectName: string): Promise<DeadProperty[]>;
  setProperty(collectionId: number, objectName: string, prop: DeadProperty): Promise<void>;
  removeProperty(collectionId: number, objectName: string, ns: string, name: string): Promise<void>;

  // Access control.
  listGrants(collectionId: number): Promise<GrantRow[]>;
  /** Replaces the collection's grants of one origin, keeping their order. */
  replaceGrants(collectionId: number, origin: GrantRow['origin'], grants: { principal: string; privileges: string[]; deny: boolean }[]): Promise<void>;
  /** Grants of one origin naming `principal` anywhere (for `reefknot shares`). */
  listGrantsFor(principal: string): Promise<GrantRow[]>;
  upsertShare(s: { collectionId: number; shareeId: number; access: string; status: ShareRow['status']; bindName: string | null; summary: string; uid: string; now: number }): Promise<ShareRow>;
  getShare(collectionId: number, shareeId: number): Promise<ShareRow | null>;
  getShareByUid(uid: string): Promise<ShareRow | null>;
  getShareByBind(shareeId: number, bindName: string): Promise<ShareRow | null>;
  listSharesOf(collectionId: number): Promise<ShareRow[]>;
  listSharesFor(shareeId: number): Promise<ShareRow[]>;
  deleteShare(id: number): Promise<void>;
  setProxies(ownerId: number, write: boolean, proxyIds: number[]): Promise<void>;
  listProxies(ownerId: number): Promise<{ proxyId: number; write: boolean }[]>;
  listProxyFor(proxyId: number): Promise<{ ownerId: number; write: boolean }[]>;

  // Deliveries to recipients that are not local.
  addDelivery(d: Omit<DeliveryRow, 'id' | 'attempts' | 'lastError' | 'updatedAt'>): Promise<DeliveryRow>;
  listDeliveries(filter: { ownerId?: number; uid?: string; status?: DeliveryRow['status'] }): Promise<DeliveryRow[]>;
  /** How many deliveries there are in each status (for /metrics). */
  countDeliveries(): Promise<Record<DeliveryRow['status'], number>>;
  /**
   * Takes up to `limit` pending deliveries due at `now` for this worker: their next try moves
   * `leaseMs` ahead, so no other worker (or process) takes them while they are being sent; on
   * PostgreSQL rows another worker is claiming are skipped (FOR UPDATE SKIP LOCKED).
   */
  claimDueDeliveries(now: number, limit: number, leaseMs: number): Promise<DeliveryRow[]>;
  updateDelivery(id: number, patch: Partial<Pick<DeliveryRow, 'status' | 'scheduleStatus' | 'attempts' | 'nextTry' | 'lastError' | 'route'>>, now: number): Promise<void>;

  addQuarantine(q: Omit<QuarantineRow, 'id'>): Promise<QuarantineRow>;
  listQuarantine(): Promise<QuarantineRow[]>;
  getQuarantine(id: number): Promise<QuarantineRow | null>;
  deleteQuarantine(id: number): Promise<boolean>;
  /** Records a Message-ID; false when it was already seen (the message is a duplicate). */
  markMessageSeen(messageId: string, now: number): Promise<boolean>;

  // ---- iSchedule keys and peers (sqlite-ischedule.ts) ----
  putIScheduleKey(k: IScheduleKeyRow): Promise<void>;
  getIScheduleKey(domain: string): Promise<IScheduleKeyRow | null>;
  listIScheduleKeys(): Promise<IScheduleKeyRow[]>;
  putISchedulePeer(p: ISchedulePeerRow): Promise<void>;
  getISchedulePeer(domain: string): Promise<ISchedulePeerRow | null>;
  listISchedulePeers(): Promise<ISchedulePeerRow[]>;
  deleteISchedulePeer(domain: string): Promise<boolean>;
  // ---- end iSchedule ----

  // ---- CIP gateway (sqlite-cip.ts) ----
  putCipPeer(p: CipPeerRow): Promise<void>;
  getCipPeer(domain: string): Promise<CipPeerRow | null>;
  listCipPeers(): Promise<CipPeerRow[]>;
  deleteCipPeer(domain: string): Promise<boolean>;
  putCipRedirect(r: CipRedirectRow): Promise<void>;
  getCipRedirect(address: string): Promise<CipRedirectRow | null>;
  listCipRedirects(): Promise<CipRedirectRow[]>;
  deleteCipRedirect(address: string): Promise<boolean>;
  /** Users owning a calendar object with this UID (a CIP RSVP names the event, not its organizer). */
  ownersOfUid(uid: string): Promise<number[]>;
  // ---- end CIP ----

  // Free-busy URLs: upload tokens (hashed) and uploaded busy time.
  addFreeBusyToken(userId: number, tokenHash: string, now: number): Promise<void>;
  userForFreeBusyToken(tokenHash: string): Promise<number | null>;
  revokeFreeBusyTokens(userId: number): Promise<number>;
  setFreeBusyUpload(userId: number, body: string, now: number): Promise<void>;
  getFreeBusyUpload(userId: number): Promise<string | null>;

  // Web calendar sessions (sql-sessions.ts).
  addWebSession(s: WebSessionRow): Promise<void>;
  getWebSession(idHash: string): Promise<WebSessionRow | null>;
  touchWebSession(idHash: string, lastSeenAt: number): Promise<void>;
  deleteWebSession(idHash: string): Promise<boolean>;
  /** Ends every session of the user; returns how many. */
  deleteUserWebSessions(userId: number): Promise<number>;
  /** The user's sessions, oldest first. */
  listUserWebSessions(userId: number): Promise<WebSessionRow[]>;
  /** Ends sessions idle since before `idleBefore` or created before `createdBefore`. */
  deleteExpiredWebSessions(idleBefore: number, createdBefore: number): Promise<number>;

  // Change log (RFC 6578 sync).
  changesSince(collectionId: number, revision: number): Promise<ChangeRow[]>;
}

export interface Store {
  /** Runs `fn` in one read-write transaction; writes are serialised. */
  write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Runs `fn` against a consistent snapshot. */
  read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** A consistent copy of the whole store in `file`, taken while it keeps serving. */
  backup(file: string): Promise<void>;
  /**
   * Calls `listener` after a transaction that queued a delivery commits — in this process, and on
   * PostgreSQL in every process sharing the database (LISTEN/NOTIFY) — so delivery workers wake
   * at once instead of at their next poll. Returns a function that stops listening.
   */
  onDeliveryQueued(listener: () => void): () => void;
  close(): Promise<void>;
}

