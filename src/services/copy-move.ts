/**
 * COPY and MOVE (RFC 4918 §9.8–9.9) inside the resource tree, one transaction each. Calendar
 * objects copied into a calendar are checked by the same rules as a PUT (RFC 4791 §5.3.2).
 */
import { ReefknotError } from '../domain/errors.js';
import type { CollectionRow, StoreTx } from '../store/types.js';
import { requirePrivilege, type Principal } from './access.js';
import type { ServiceContext } from './context.js';
import { refuseHidden, type ContentService } from './content.js';
import { asCollectionPath, OWNER_ACCESS, snapshotOf, splitPath, type Resource } from './resources.js';

export interface CopyMoveOptions {
  move: boolean;
  overwrite: boolean;
  /** Depth of a collection COPY: 0 copies the collection and its properties only. */
  depth: 0 | 'infinity';
}

export class CopyMoveService {
  constructor(private readonly ctx: ServiceContext, private readonly content: ContentService) {}

  /** Returns whether the destination was newly created (201) rather than replaced (204). */
  async copyMove(principal: Principal, source: string, destination: string, opts: CopyMoveOptions): Promise<{ created: boolean }> {
    return this.ctx.store.write(async (tx) => {
      const resources = this.content.resources;
      const src = await resources.require(snapshotOf(tx), principal, source);
      if (src.type !== 'object' && src.type !== 'collection') throw new ReefknotError('forbidden', `${source} cannot be copied or moved`);
      if (src.type === 'collection' && ['home', 'inbox', 'outbox'].includes(src.collection.kind)) {
        throw new ReefknotError('forbidden', `${src.path} is managed by the server and cannot be copied or moved`);
      }
      const destPath = src.type === 'collection' ? asCollectionPath(destination) : destination;
      if (destPath === src.path || (src.type === 'collection' && destPath.startsWith(src.path))) {
        throw new ReefknotError('bad-destination', 'The destination is the source itself or lies inside it');
      }
      const existing = await resources.resolve(snapshotOf(tx), principal, destination);
      if (existing) {
        if (!opts.overwrite) throw new ReefknotError('precondition-failed', `${destination} exists and Overwrite is F`);
        await this.content.removeResource(tx, principal, existing);
      }
      const parent = await this.content.parentCollection(tx, principal, splitPath(destPath).parent, 'bind');
      if (src.type === 'object') await this.copyObject(tx, src, parent, splitPath(destPath).name, opts.move);
      else await this.copyCollection(tx, principal, src.collection, parent, destPath, opts);
      return { created: existing === null };
    });
  }

  private async copyObject(tx: StoreTx, src: Resource & { type: 'object' }, parent: CollectionRow, name: string, move: boolean): Promise<void> {
    refuseHidden(src);
    if (move) requirePrivilege(src.access.privileges, 'unbind');
    const row = await this.content.resources.content(snapshotOf(tx), src);
    if (move && parent.kind === 'calendar' && src.collection.id === parent.id) {
      // A rename inside one calendar keeps its UID; drop the old name first so the UID check passes.
      await tx.deleteObject(src.collection.id, src.object.name, this.ctx.now());
    }
    // RFC 6638 §3.2: moving or copying a scheduling object within a home schedules nothing.
    await this.content.writer.write(tx, parent, name, row.content, row.contentType, src.object.scheduleTag);
    for (const p of await tx.getProperties(src.collection.id, src.object.name)) await tx.setProperty(parent.id, name, p);
    if (move) await tx.deleteObject(src.collection.id, src.object.name, this.ctx.now());
  }

  private async copyCollection(tx: StoreTx, principal: Principal, src: CollectionRow, parent: CollectionRow, destPath: string, opts: CopyMoveOptions): Promise<void> {
    if (parent.kind !== 'home' && parent.kind !== 'plain') {
      throw new ReefknotError('forbidden', 'A collection cannot be placed inside a calendar or scheduling collection');
    }
    if (opts.move) {
      await this.content.requireOnParent(tx, principal, src, 'unbind');
      await tx.moveCollection(src.id, destPath, parent.id, this.ctx.now());
      return;
    }
    const copy = await tx.createCollection({ path: destPath, parentId: parent.id, ownerId: parent.ownerId, kind: src.kind, components: src.components, now: this.ctx.now() });
    for (const p of await tx.getProperties(src.id, '')) await tx.setProperty(copy.id, '', p);
    if (opts.depth === 0) return;
    for (const o of await tx.listObjects(src.id)) {
      await this.copyObject(tx, { type: 'object', path: src.path + o.name, collection: src, object: o, access: OWNER_ACCESS }, copy, o.name, false);
    }
    for (const sub of await tx.listChildCollections(src.id)) {
      await this.copyCollection(tx, principal, sub, copy, destPath + sub.path.slice(src.path.length), opts);
    }
  }
}
