/** Conditional requests (RFC 7232 §3.1–3.2) evaluated against the current ETag inside the write. */
import { ReefknotError } from '../../domain/errors.js';
import type { Preconditions } from '../../services/content.js';

export function parseEtagList(header: string): string[] {
  return header.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Strong comparison: a weak tag never matches (RFC 7232 §2.3.2). */
const matches = (list: string[], etag: string | null): boolean => etag !== null && list.includes(`"${etag}"`);

export function writePreconditions(headers: Record<string, string | undefined>): Preconditions {
  const ifMatch = headers['if-match'];
  const ifNoneMatch = headers['if-none-match'];
  const ifScheduleTag = headers['if-schedule-tag-match'];
  return ({ etag, exists, scheduleTag }) => {
    // RFC 6638 §3.2.10: the write goes ahead only if no scheduling message changed the object since.
    if (ifScheduleTag !== undefined && (!exists || !scheduleTag || !parseEtagList(ifScheduleTag).includes(`"${scheduleTag}"`))) {
      throw new ReefknotError('precondition-failed', 'If-Schedule-Tag-Match failed: a scheduling message changed this object since you read it');
    }
    if (ifMatch !== undefined) {
      const list = parseEtagList(ifMatch);
      if (!exists || (!list.includes('*') && !matches(list, etag))) {
        throw new ReefknotError('precondition-failed', 'If-Match failed: the resource has changed or does not exist');
      }
    }
    if (ifNoneMatch !== undefined) {
      const list = parseEtagList(ifNoneMatch);
      if (exists && (list.includes('*') || matches(list, etag))) {
        throw new ReefknotError('precondition-failed', 'If-None-Match failed: the resource already exists');
      }
    }
  };
}

/** For GET/HEAD: true when the client's cached copy is current (answer 304). */
export function notModified(headers: Record<string, string | undefined>, etag: string): boolean {
  const inm = headers['if-none-match'];
  if (inm === undefined) return false;
  const list = parseEtagList(inm).map((t) => t.replace(/^W\//, ''));
  return list.includes('*') || list.includes(`"${etag}"`);
}

/** For GET/HEAD: If-Match that does not match answers 412. */
export function getPreconditionFails(headers: Record<string, string | undefined>, etag: string): boolean {
  const im = headers['if-match'];
  if (im === undefined) return false;
  const list = parseEtagList(im);
  return !list.includes('*') && !list.includes(`"${etag}"`);
}
