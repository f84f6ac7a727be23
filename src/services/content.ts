/**
 * Writes to the resource tree: PUT, DELETE, MKCOL/MKCALENDAR and PROPPATCH, each one store
 * transaction. Conditional-request checks (ETags) are passed in as a function and run inside the
 * transaction, so the check and the write cannot be separated by another writer.
 */
import { ReefknotError } from '../domain/errors.js';
import type { CalendarComponentType } from '../domain/ical/analyse.js';
import type { CollectionRow, DeadProperty, StoreTx } from '../store/types.js';
import { requirePrivilege, type Principal } from './access.js';
import type { ServiceContext } from './context.js';
import { prepareCalendarObject } from './calendar-objects.js';
import { ObjectWriter } from './object-writer.js';
import type { ImplicitScheduling } from './scheduling/implicit.js';
import { ResourceService, snapshotOf, splitPath, type Resource } from './resources.js';

/** Called with the current state of the target (null: nothing there); throws to refuse. */
export type Preconditions = (current: { etag: string | null; exists: boolean; scheduleTag?: string | null }) => void;

export interface NewCollectionSpec {
  kind: 'calendar' | 'plain';
  components?: CalendarComponentType[];
  properties: DeadProperty[];
}

export interface PropertyPatch {
  set: DeadProperty[];
  remove: { ns: string; name: string }[];
  /** Component set change requested through PROPPATCH of supported-calendar-component-set. */
  components?: CalendarComponentType[];
}

/** Someone who sees an object as busy time only must not overwrite the details they cannot see. */
export function refuseHidden(r: Resource & { type: 'object' }): void {
  if (ResourceService.hidesDetails(r)) throw new ReefknotError('forbidden', 'Only the owner can change or remove a private or confidential item');
}

export class ContentService {
  readonly resources: ResourceService;

  readonly writer: ObjectWriter;
  /** Set once the scheduling service is built (it needs the writer this service owns). */
  scheduling: ImplicitScheduling | null = null;

  constructor(private readonly ctx: ServiceContext) {
    this.resources = new ResourceService(ctx);
    this.writer = new ObjectWriter(ctx);
  }

  /**
   * @param options.keepAnswers the client wrote with If-Schedule-Tag-Match (RFC 6638 §3.2.10): answers
   *   that arrived since it read the object are kept rather than overwritten by its stale copy.
   */
  async put(principal: Principal, path: string, content: Buffer, contentType: string, pre: Preconditions, options: { keepAnswers?: boolean } = {}): Promise<{ etag: string; created: boolean; scheduleTag: string | null; modified: boolean }> {
    return this.ctx.store.write(async (tx) => {
      const target = await this.resources.resolve(snapshotOf(tx), principal, path);
      if (target && target.type !== 'object') throw new ReefknotError('method-not-allowed', 'PUT cannot replace a collection');
      if (target?.type === 'object') refuseHidden(target);
      pre({ etag: target?.type === 'object' ? target.object.etag : null, exists: target !== null, scheduleTag: target?.type === 'object' ? target.object.scheduleTag : null });
      const { parent, name } = splitPath(path);
      const collection = await this.parentCollection(tx, principal, parent, 'write-content');
      return this.store(tx, principal, collection, name, content, contentType, options.keepAnswers === true);
    });
  }

  /** Stores a client's write, running implicit scheduling for calendar objects (RFC 6638 §3.2). */
  async store(tx: StoreTx, principal: Principal, collection: CollectionRow, name: string, content: Buffer, contentType: string, keepAnswers = false): Promise<{ etag: string; created: boolean; scheduleTag: string | null; modified: boolean }> {
    if (collection.kind === 'inbox' || collection.kind === 'outbox') {
      throw new ReefknotError('forbidden', 'Scheduling inbox and outbox contents are written by the server');
    }
    if (collection.kind !== 'calendar' || !this.scheduling) {
      return { ...(await this.writer.write(tx, collection, name, content, contentType)), scheduleTag: null, modified: false };
    }
    // Validate first, so scheduling never acts on data that would be refused.
    await prepareCalendarObject(tx, this.ctx, collection, name, content);
    const old = await tx.getObject(collection.id, name);
    const text = content.toString('utf8');
    const outcome = await this.scheduling.onWrite(tx, principal, collection, name, old ? old.content.toString('utf8') : null, text, keepAnswers);
    const stored = await this.writer.write(tx, collection, name, Buffer.from(outcome.text), contentType, outcome.scheduleTag);
    await this.scheduling.flush(tx, outcome.later, collection.ownerId);
    return { ...stored, scheduleTag: outcome.scheduleTag, modified: outcome.text !== text };
  }

  /** The stored texts of every object in a calendar collection (for export). */
  async calendarTexts(principal: Principal, path: string): Promise<string[]> {
    return this.resources.read(async (snapshot) => {
      const r = await this.resources.require(snapshot, principal, path);
      if (r.type !== 'collection' || r.collection.kind !== 'calendar') throw new ReefknotError('bad-request', `${path} is not a calendar`);
      return this.resources.feedTexts(snapshot, r);
    });
  }

  async parentCollection(tx: StoreTx, principal: Principal, parentPath: string, privilege: 'write-content' | 'bind'): Promise<CollectionRow> {
    const parent = await this.resources.resolve(snapshotOf(tx), principal, parentPath);
    if (!parent) throw new ReefknotError('conflict', `The parent collection ${parentPath} does not exist`);
    if (parent.type !== 'collection') throw new ReefknotError(parent.type === 'object' ? 'conflict' : 'forbidden', `${parentPath} cannot hold new resources`);
    this.resources.check(principal, parent, privilege);
    return parent.collection;
  }

  async remove(principal: Principal, path: string, pre: Preconditions): Promise<void> {
    await this.ctx.store.write(async (tx) => {
      const target = await this.resources.require(snapshotOf(tx), principal, path);
      pre({ etag: target.type === 'object' ? target.object.etag : null, exists: true, scheduleTag: target.type === 'object' ? target.object.scheduleTag : null });
      await this.removeResource(tx, principal, target);
    });
  }

  async removeResource(tx: StoreTx, principal: Principal, target: Resource): Promise<void> {
    if (target.type === 'object') {
      this.resources.check(principal, target, 'unbind');
      refuseHidden(target);
      if (target.collection.kind === 'calendar' && this.scheduling) {
        const before = await tx.getObject(target.collection.id, target.object.name);
        if (before) await this.scheduling.onDelete(tx, principal, target.collection, before.content.toString('utf8'));
      }
      await tx.deleteObject(target.collection.id, target.object.name, this.ctx.now());
    } else if (target.type === 'notification') {
      // Removing an invitation from one's notifications declines it.
      const share = await tx.getShareByUid(target.uid);
      if (share) await tx.upsertShare({ ...share, status: 'declined', bindName: null, now: this.ctx.now() });
    } else if (target.type === 'collection' && target.path !== target.collection.path && principal.user) {
      // A calendar shared with the requester, reached through their home: removing it there
      // ends the share; the owner's calendar stays.
      const share = await tx.getShare(target.collection.id, principal.user.id);
      if (share) await tx.deleteShare(share.id);
    } else if (target.type === 'collection' && target.collection.kind !== 'home' && target.collection.kind !== 'inbox' && target.collection.kind !== 'outbox') {
      // RFC 3744 §7.1.2: deleting a member needs DAV:unbind on the collection that holds it.
      await this.requireOnParent(tx, principal, target.collection, 'unbind');
      await tx.deleteCollection(target.collection.id);
    } else {
      throw new ReefknotError('forbidden', `${target.path} cannot be deleted`);
    }
  }

  async requireOnParent(tx: StoreTx, principal: Principal, collection: CollectionRow, privilege: 'bind' | 'unbind'): Promise<void> {
    const parent = collection.parentId === null ? null : await tx.getCollectionById(collection.parentId);
    if (!parent) throw new ReefknotError('forbidden', `${collection.path} cannot be removed`);
    requirePrivilege((await this.resources.accessTo(tx, principal, parent)).privileges, privilege);
  }

  async makeCollection(principal: Principal, path: string, spec: NewCollectionSpec): Promise<CollectionRow> {
    return this.ctx.store.write(async (tx) => {
      const collectionPath = path.endsWith('/') ? path : `${path}/`;
      if (await this.resources.resolve(snapshotOf(tx), principal, collectionPath.slice(0, -1))) {
        throw new ReefknotError('method-not-allowed', `Something already exists at ${collectionPath}`);
      }
      const { parent } = splitPath(collectionPath);
      const parentCollection = await this.parentCollection(tx, principal, parent, 'bind');
      if (parentCollection.kind !== 'home' && parentCollection.kind !== 'plain') {
        throw new ReefknotError('forbidden', spec.kind === 'calendar'
          ? 'A calendar collection can only be created in a calendar home or a plain collection, not inside another calendar (RFC 4791 §5.3.1)'
          : 'Collections cannot be created inside a calendar or scheduling collection');
      }
      const created = await tx.createCollection({
        path: collectionPath, parentId: parentCollection.id, ownerId: parentCollection.ownerId, kind: spec.kind,
        components: spec.kind === 'calendar' ? spec.components ?? ['VEVENT', 'VTODO', 'VJOURNAL'] : [], now: this.ctx.now(),
      });
      for (const p of spec.properties) await tx.setProperty(created.id, '', p);
      return created;
    });
  }

  /** Applies all of `patch` or nothing (RFC 4918 §9.2). */
  async patchProperties(principal: Principal, path: string, patch: PropertyPatch): Promise<void> {
    await this.ctx.store.write(async (tx) => {
      const target = await this.resources.require(snapshotOf(tx), principal, path);
      if (target.type !== 'collection' && target.type !== 'object') throw new ReefknotError('forbidden', 'These properties cannot be changed');
      this.resources.check(principal, target, 'write-properties');
      const objectName = target.type === 'object' ? target.object.name : '';
      for (const p of patch.set) await tx.setProperty(target.collection.id, objectName, p);
      for (const p of patch.remove) await tx.removeProperty(target.collection.id, objectName, p.ns, p.name);
      if (patch.components && target.type === 'collection') await tx.setCollectionComponents(target.collection.id, patch.components);
      if (target.type === 'collection') await tx.touchCollection(target.collection.id, this.ctx.now());
    });
  }
}
