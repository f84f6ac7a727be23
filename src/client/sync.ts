/**
 * Two-way sync of the local store with one CalDAV calendar (the seed's §3 "each client regularly
 * syncs"): server changes by sync-token (RFC 6578 §3.2), or by ctag and a getetag listing where
 * sync-collection is not offered; local changes sent with ETag-guarded writes (RFC 4791 §5.3.4,
 * If-Match / If-None-Match: *) so no one's change is overwritten unseen. When both sides changed
 * an object, the conflict is shown and resolved by `prefer` (local, server, or both: the local
 * version kept as a new UID); every replaced version goes to the store's history.
 */
import { semanticallyEqual } from '../domain/itip/index.js';
import { CalDavClient, PreconditionFailed, SyncUnsupported, type Resource } from './caldav.js';
import type { CalendarClient } from './calendar.js';
import { mainComponent, parseCalendar, uidOf } from './ical-util.js';
import type { StoredObject } from './local-store.js';

export type Prefer = 'local' | 'server' | 'both';

export interface Conflict {
  uid: string;
  href: string;
  local: string | null;
  server: string | null;
  serverEtag: string | null;
}

export interface SyncReport {
  mode: 'sync-token' | 'etags';
  pulled: number;
  pushed: number;
  deletedHere: number;
  deletedThere: number;
  conflicts: Conflict[];
  resolved: string[];
}

type Progress = (done: number, total: number) => void;

const safeName = (uid: string): string => `${uid.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 120)}.ics`;

export class Syncer {
  private readonly report: SyncReport = { mode: 'sync-token', pulled: 0, pushed: 0, deletedHere: 0, deletedThere: 0, conflicts: [], resolved: [] };

  constructor(private readonly c: CalendarClient, private readonly dav: CalDavClient, private readonly collection: string, private readonly prefer?: Prefer, private readonly progress?: Progress, private readonly forceEtags = false) {}

  private get store(): CalendarClient['store'] {
    return this.c.store;
  }

  async run(): Promise<SyncReport> {
    await this.pull();
    await this.push();
    await this.push();
    await this.pull();
    return this.report;
  }

  /** Server changes since the last sync, by sync-token or else by ctag and ETags. */
  private async changes(): Promise<{ changed: Resource[]; removed: string[]; commit: () => Promise<void> }> {
    const token = this.store.getMeta('sync-token');
    if (!this.forceEtags && this.store.getMeta('sync-mode') !== 'etags') {
      try {
        const r = await this.dav.syncCollection(this.collection, token);
        return { changed: r.changed, removed: r.removed, commit: async () => this.store.setMeta('sync-token', r.token) };
      } catch (e) {
        if (!(e instanceof SyncUnsupported)) throw e;
        this.store.setMeta('sync-mode', 'etags');
      }
    }
    this.report.mode = 'etags';
    const ctag = await this.dav.ctag(this.collection);
    const commit = async (): Promise<void> => this.store.setMeta('ctag', ctag);
    if (ctag && ctag === this.store.getMeta('ctag')) return { changed: [], removed: [], commit };
    const list = await this.dav.etags(this.collection);
    const there = new Set(list.map((r) => r.href));
    const changed = list.filter((r) => this.store.byHref(r.href)?.etag !== r.etag || !r.etag);
    const removed = this.store.list(true).filter((o) => o.href && !there.has(o.href)).map((o) => o.href ?? '');
    return { changed, removed, commit };
  }

  private async pull(): Promise<void> {
    const { changed, removed, commit } = await this.changes();
    let done = 0;
    for (const r of changed) {
      const local = this.store.byHref(r.href);
      if (!(local && r.etag && local.etag === r.etag)) await this.pullOne(r.href, local);
      this.progress?.(++done, changed.length + removed.length);
    }
    for (const href of removed) {
      this.removedThere(href);
      this.progress?.(++done, changed.length + removed.length);
    }
    await commit();
  }

  private async pullOne(href: string, byHref: StoredObject | null): Promise<void> {
    const got = await this.dav.get(href);
    if (!got) return this.removedThere(href);
    const uid = uidOf(got.text);
    const local = byHref ?? this.store.get(uid);
    const clean = (): void => {
      if (local && local.ical !== got.text) this.store.keep(uid, 'replaced by the server version', local.ical);
      this.store.put({ uid, ical: got.text, href, etag: got.etag, synced: got.text, dirty: false, deleted: false, localOnly: false });
      this.report.pulled++;
    };
    if (!local || !local.dirty) return clean();
    if (!local.deleted && (semanticallyEqual(local.ical, got.text) || (local.synced && semanticallyEqual(local.synced, got.text)))) {
      if (semanticallyEqual(local.ical, got.text)) return clean();
      this.store.put({ ...local, href, etag: got.etag });
      return;
    }
    this.conflict({ uid, href, local: local.deleted ? null : local.ical, server: got.text, serverEtag: got.etag }, local);
  }

  /** The server no longer has it: gone here too, unless changed here (then it is sent again). */
  private removedThere(href: string): void {
    const local = this.store.byHref(href);
    if (!local) return;
    if (local.deleted || !local.dirty) {
      if (!local.deleted) this.store.keep(local.uid, 'deleted on the server', local.ical);
      this.store.purge(local.uid);
      this.report.deletedHere++;
      return;
    }
    this.store.keep(local.uid, 'deleted on the server but changed here: sent again', local.ical);
    this.store.put({ ...local, href: null, etag: null, synced: null });
  }

  /** Both sides changed: resolve by `prefer`, or record it for the user and leave both as they are. */
  private conflict(k: Conflict, local: StoredObject): void {
    const how = this.prefer ?? (k.local === null ? 'server' : undefined);
    if (!how) {
      this.store.setMeta(`conflict:${k.uid}`, JSON.stringify(k));
      this.report.conflicts.push(k);
      return;
    }
    this.store.setMeta(`conflict:${k.uid}`, null);
    const serverClean = { uid: k.uid, ical: k.server ?? '', href: k.href, etag: k.serverEtag, synced: k.server, dirty: false, deleted: false, localOnly: false };
    if (how === 'server' || k.server === null) {
      if (k.local !== null) this.store.keep(k.uid, 'conflict: your version, replaced by the server version', k.local);
      if (k.server === null) this.store.purge(k.uid);
      else this.store.put(serverClean);
    } else if (how === 'local') {
      this.store.keep(k.uid, 'conflict: the server version, replaced by yours', k.server);
      this.store.put({ ...local, href: k.href, etag: k.serverEtag, dirty: true });
    } else {
      const copy = this.asNewUid(k.local ?? '', k.uid);
      this.store.put(serverClean);
      this.store.saveLocal(copy.uid, copy.ical, local.localOnly);
      this.store.keep(k.uid, `conflict: both kept; your version is now ${copy.uid}`, k.local ?? '');
    }
    this.report.resolved.push(`${k.uid}: ${how === 'both' ? 'kept both' : `kept the ${how} version`}`);
  }

  private asNewUid(text: string, uid: string): { uid: string; ical: string } {
    const root = parseCalendar(text);
    const newUid = `${uid}-conflict-${Date.now().toString(36)}`;
    for (const comp of root.getAllSubcomponents().filter((x) => x.name !== 'vtimezone')) comp.updatePropertyWithValue('uid', newUid);
    mainComponent(root).updatePropertyWithValue('summary', `${String(mainComponent(root).getFirstPropertyValue('summary') ?? '')} (your copy)`);
    return { uid: newUid, ical: root.toString() };
  }

  private async push(): Promise<void> {
    for (const o of this.store.list(true).filter((x) => x.dirty && x.localOnly && x.href)) await this.withdraw(o);
    for (const o of this.store.list(true).filter((x) => x.dirty && !x.localOnly)) {
      const pending = this.store.getMeta(`conflict:${o.uid}`);
      if (pending && !this.prefer) {
        if (!this.report.conflicts.some((k) => k.uid === o.uid)) this.report.conflicts.push(JSON.parse(pending) as Conflict);
        continue;
      }
      try {
        await (o.deleted ? this.pushDelete(o) : this.pushPut(o));
      } catch (e) {
        if (!(e instanceof PreconditionFailed)) throw e;
        await this.pullOne(o.href ?? '', o);
        const again = this.store.get(o.uid);
        if (again?.dirty && this.prefer === 'local') await (again.deleted ? this.pushDelete(again) : this.pushPut(again));
      }
    }
  }

  /**
   * An event made private under the local-only rule after it reached the server: the server copy
   * is removed (guarded by its ETag) and the event stays here only. When the server copy changed
   * meanwhile it is left alone and the local one is kept as it is (the next sync tries again).
   */
  private async withdraw(o: StoredObject): Promise<void> {
    try {
      await this.dav.delete(o.href ?? '', o.etag);
    } catch (e) {
      if (e instanceof PreconditionFailed) return;
      throw e;
    }
    this.store.put({ ...o, href: null, etag: null, synced: null, dirty: true, deleted: o.deleted });
    if (o.deleted) this.store.purge(o.uid);
    this.report.deletedThere++;
  }

  private async pushDelete(o: StoredObject): Promise<void> {
    if (o.href) await this.dav.delete(o.href, o.etag);
    this.store.purge(o.uid);
    this.report.deletedThere++;
  }

  private async pushPut(o: StoredObject): Promise<void> {
    const href = o.href ?? `${this.collection.replace(/\/?$/, '/')}${safeName(o.uid)}`;
    const etag = await this.dav.put(href, o.ical, o.href ? o.etag : null);
    this.store.setMeta(`conflict:${o.uid}`, null);
    this.report.pushed++;
    if (etag) {
      this.store.put({ ...o, href, etag, synced: o.ical, dirty: false });
      return;
    }
    // RFC 4791 §5.3.4: no ETag when the server changed what it stored; read its version back.
    const got = await this.dav.get(href);
    this.store.put({ ...o, href, etag: got?.etag ?? null, ical: got?.text ?? o.ical, synced: got?.text ?? o.ical, dirty: false });
  }
}

/** The conflicts recorded by earlier syncs and not yet resolved. */
export function pendingConflicts(c: CalendarClient): Conflict[] {
  return c.store.list(true).map((o) => c.store.getMeta(`conflict:${o.uid}`)).filter((x): x is string => x !== null).map((x) => JSON.parse(x) as Conflict);
}
