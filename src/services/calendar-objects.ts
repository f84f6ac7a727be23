/**
 * Rules for storing a calendar object resource in a calendar collection: RFC 4791 §5.3.2.1
 * preconditions (valid data, one UID and component type, supported component, no UID conflict)
 * and the quota of RFC 4331. Returns the summary row the store indexes.
 */
import { createHash } from 'node:crypto';
import { ReefknotError } from '../domain/errors.js';
import { analyseCalendarObject } from '../domain/ical/analyse.js';
import { timeIndexOf } from '../domain/recurrence/time-index.js';
import { objectClassification } from '../domain/acl/redact.js';
import type { CollectionRow, ObjectSummary, StoreTx } from '../store/types.js';
import type { ServiceContext } from './context.js';

/** A resource name for a UID: the UID itself when it is URL-safe (as clients name them), else a hash of it. */
export function objectNameFor(uid: string): string {
  return /^[A-Za-z0-9._@-]{1,200}$/.test(uid) ? `${uid}.ics` : `${createHash('sha256').update(uid).digest('hex').slice(0, 32)}.ics`;
}

export function etagOf(content: Buffer): string {
  return createHash('sha256').update(content).digest('base64url').slice(0, 27);
}

export async function prepareCalendarObject(
  tx: StoreTx,
  ctx: ServiceContext,
  collection: CollectionRow,
  name: string,
  content: Buffer,
): Promise<ObjectSummary> {
  const text = decodeUtf8(content);
  const info = analyseCalendarObject(text, ctx.limits, ctx.timezones);
  if (collection.components.length > 0 && !collection.components.includes(info.componentType)) {
    throw new ReefknotError('unsupported-component', `This calendar accepts ${collection.components.join(', ')}, not ${info.componentType}`);
  }
  const sameUid = await tx.findObjectByUid(collection.id, info.uid);
  if (sameUid && sameUid.name !== name) {
    throw new ReefknotError('uid-conflict', `Another resource in this calendar already has UID ${info.uid}`, { href: collection.path + sameUid.name });
  }
  const existing = await tx.getObjectMeta(collection.id, name);
  if (existing && existing.uid !== null && existing.uid !== info.uid) {
    throw new ReefknotError('uid-conflict', `The resource has UID ${existing.uid}; a PUT may not change it to ${info.uid}`, { href: collection.path + name });
  }
  return {
    uid: info.uid, componentType: info.componentType, recurring: info.recurring, firstStart: info.firstStart,
    lastEnd: info.lastEnd, organizer: info.organizer, attendees: info.attendees,
    classification: objectClassification(info.calendar),
    timeIndex: timeIndexOf(info.calendar, text, { now: ctx.now(), ...ctx.index }),
  };
}

function decodeUtf8(content: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    throw new ReefknotError('invalid-calendar-data', 'iCalendar data must be UTF-8 (RFC 5545 §3.1.4)');
  }
}

export async function checkQuota(tx: StoreTx, ownerId: number, addedBytes: number): Promise<void> {
  if (addedBytes <= 0) return;
  const owner = await tx.getUserById(ownerId);
  if (!owner || owner.quotaBytes === null) return;
  if (owner.usedBytes + addedBytes > owner.quotaBytes) {
    throw new ReefknotError('quota-exceeded', `This would exceed your quota of ${owner.quotaBytes} bytes (${owner.usedBytes} used)`);
  }
}
