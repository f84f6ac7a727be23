/**
 * Stores one calendar object (or any resource in a plain collection) after the checks every writer
 * shares: media type, size, RFC 4791 §5.3.2.1 preconditions, quota. Client PUTs and the
 * scheduling service (delivering copies into people's calendars) both write through here.
 */
import { ReefknotError } from '../domain/errors.js';
import type { CollectionRow, StoreTx } from '../store/types.js';
import { checkQuota, etagOf, prepareCalendarObject } from './calendar-objects.js';
import type { ServiceContext } from './context.js';

export class ObjectWriter {
  constructor(private readonly ctx: ServiceContext) {}

  /** `scheduleTag`: undefined keeps the stored tag, null clears it, a string sets it. */
  async write(tx: StoreTx, collection: CollectionRow, name: string, content: Buffer, contentType: string, scheduleTag?: string | null): Promise<{ etag: string; created: boolean }> {
    const isCalendar = collection.kind === 'calendar';
    if (isCalendar && !/^text\/calendar\b/i.test(contentType)) {
      throw new ReefknotError('unsupported-media-type', `A calendar accepts text/calendar, not ${contentType || 'an untyped body'}`);
    }
    if (content.length > this.ctx.limits.maxResourceSize) {
      throw new ReefknotError('too-large', `The resource is larger than the ${this.ctx.limits.maxResourceSize} bytes allowed`);
    }
    const summary = isCalendar ? await prepareCalendarObject(tx, this.ctx, collection, name, content) : null;
    const old = await tx.getObjectMeta(collection.id, name);
    await checkQuota(tx, collection.ownerId, content.length - (old?.size ?? 0));
    const etag = etagOf(content);
    const type = isCalendar ? 'text/calendar; charset=utf-8' : contentType || 'application/octet-stream';
    const created = await tx.putObject(collection.id, { name, content, etag, contentType: type, summary, scheduleTag, now: this.ctx.now() });
    return { etag, created };
  }

  /** Stores a scheduling message in an inbox (RFC 6638 §4): kept as received, METHOD and all. */
  async writeInboxItem(tx: StoreTx, inbox: CollectionRow, name: string, text: string, uid: string, componentType: string): Promise<void> {
    const content = Buffer.from(text);
    await tx.putObject(inbox.id, {
      name, content, etag: etagOf(content), contentType: 'text/calendar; charset=utf-8', now: this.ctx.now(),
      summary: {
        uid, componentType: componentType as 'VEVENT', recurring: false, firstStart: null, lastEnd: null, organizer: null, attendees: [],
        classification: 'PUBLIC', timeIndex: null,
      },
    });
  }
}
