/**
 * The calendar user agent's operations on the local store (the seed's §4: "records the event in
 * its local database"): add, edit, delete (one instance or all), agenda, import and export of
 * .ics (RFC 5545 §3.4; one stored object per UID as RFC 4791 §4.1 asks), and the per-profile
 * private-event rule (the seed's §5.1: CLASS:PRIVATE kept local only, or stored marked private).
 */
import { joinCalendars, splitByUid } from '../domain/ical/feed.js';
import { agendaRows, type AgendaRow } from './agenda.js';
import { deleteInstance, editEvent, newEvent, type EventFields } from './event-build.js';
import { mainComponent, parseCalendar } from './ical-util.js';
import { LocalStore, type StoredObject } from './local-store.js';
import { ClientError, type Profile } from './profile.js';

export class CalendarClient {
  readonly store: LocalStore;

  constructor(readonly profile: Profile, readonly dir: string, readonly now: () => Date = () => new Date()) {
    this.store = new LocalStore(profile.storePath);
  }

  close(): void {
    this.store.close();
  }

  get me(): string[] {
    return this.profile.addresses;
  }

  /** Whether an object stays in the local store only (CLASS:PRIVATE with the local-only rule). */
  isLocalOnly(ical: string): boolean {
    if (this.profile.privateEvents !== 'local-only') return false;
    return String(mainComponent(parseCalendar(ical)).getFirstPropertyValue('class') ?? '').toUpperCase() === 'PRIVATE';
  }

  require(uid: string): StoredObject {
    const o = this.store.get(uid) ?? this.findByPrefix(uid);
    if (!o || o.deleted) throw new ClientError(`no event with UID '${uid}'`, 3);
    return o;
  }

  private findByPrefix(prefix: string): StoredObject | null {
    const hits = this.store.list().filter((o) => o.uid.startsWith(prefix));
    if (hits.length > 1) throw new ClientError(`'${prefix}' matches ${hits.length} events; give more of the UID`, 2);
    return hits[0] ?? null;
  }

  add(f: EventFields): string {
    const ical = newEvent(f, this.profile.timezone, this.me[0] ?? 'mailto:unknown@invalid', this.now());
    const uid = mainComponent(parseCalendar(ical)).getFirstPropertyValue('uid') as string;
    this.store.saveLocal(uid, ical, this.isLocalOnly(ical));
    return uid;
  }

  edit(uid: string, f: EventFields, instance?: string): StoredObject {
    const o = this.require(uid);
    const ical = editEvent(o.ical, f, this.profile.timezone, this.me[0] ?? null, instance);
    this.store.saveLocal(o.uid, ical, this.isLocalOnly(ical));
    return this.require(o.uid);
  }

  delete(uid: string, instance?: string): { before: string; after: string | null } {
    const o = this.require(uid);
    if (!instance) {
      this.store.remove(o.uid);
      return { before: o.ical, after: null };
    }
    const ical = deleteInstance(o.ical, instance, this.profile.timezone);
    this.store.saveLocal(o.uid, ical, o.localOnly);
    return { before: o.ical, after: ical };
  }

  agenda(start: Date, end: Date): AgendaRow[] {
    return agendaRows(this.store.list(), { start, end }, this.profile.timezone, this.me);
  }

  /** Stores each UID of an .ics file; returns what was stored and what was skipped (and why). */
  importIcs(text: string, progress?: (done: number, total: number) => void): { stored: string[]; skipped: string[] } {
    const parts = splitByUid(text);
    const stored: string[] = [];
    const skipped: string[] = [];
    parts.forEach((p, i) => {
      try {
        if (!p.uid) throw new ClientError('no UID');
        mainComponent(parseCalendar(p.text));
        this.store.saveLocal(p.uid, p.text, this.isLocalOnly(p.text));
        stored.push(p.uid);
      } catch (e) {
        skipped.push(`${p.uid || '(no UID)'}: ${(e as Error).message}`);
      }
      progress?.(i + 1, parts.length);
    });
    return { stored, skipped };
  }

  exportIcs(uids?: string[]): string {
    const objs = this.store.list().filter((o) => !uids || uids.includes(o.uid));
    return joinCalendars(objs.map((o) => o.ical), { prodid: '-//Reefknot//cal//EN', name: this.profile.name });
  }
}
