/**
 * The one seam where typed errors become HTTP (design.md "How the code reads"): each
 * ReefknotError kind maps to the status and DAV:error precondition its RFC names, rendered with a
 * message a person understands. Nothing else reaches the client: no stack traces.
 */
import { ReefknotError, type ErrorKind } from '../../domain/errors.js';
import type { DavResponse } from './http-types.js';
import { XML_CONTENT_TYPE } from './http-types.js';
import { el, NS, toXmlDocument, type XmlElement } from './xml.js';

export const REEFKNOT_NS = 'https://reefknot.org/ns/';

export class DavError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly precondition?: { ns: string; name: string; children?: XmlElement[] },
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const MAP: Record<ErrorKind, [number, { ns: string; name: string }?]> = {
  'bad-request': [400],
  'not-found': [404],
  forbidden: [403, { ns: NS.DAV, name: 'need-privileges' }],
  conflict: [409],
  'precondition-failed': [412],
  'already-exists': [409],
  'method-not-allowed': [405],
  'unsupported-media-type': [403, { ns: NS.CALDAV, name: 'supported-calendar-data' }],
  'too-large': [403, { ns: NS.CALDAV, name: 'max-resource-size' }],
  'quota-exceeded': [507, { ns: NS.DAV, name: 'quota-not-exceeded' }],
  'invalid-calendar-data': [403, { ns: NS.CALDAV, name: 'valid-calendar-data' }],
  'invalid-calendar-object': [403, { ns: NS.CALDAV, name: 'valid-calendar-object-resource' }],
  'unsupported-component': [403, { ns: NS.CALDAV, name: 'supported-calendar-component' }],
  'uid-conflict': [403, { ns: NS.CALDAV, name: 'no-uid-conflict' }],
  'before-min-date': [403, { ns: NS.CALDAV, name: 'min-date-time' }],
  'after-max-date': [403, { ns: NS.CALDAV, name: 'max-date-time' }],
  'too-many-instances': [403, { ns: NS.CALDAV, name: 'max-instances' }],
  'too-many-attendees': [403, { ns: NS.CALDAV, name: 'max-attendees-per-instance' }],
  'invalid-property': [409],
  'cannot-overwrite': [412],
  'bad-destination': [403],
  'unique-scheduling-object': [403, { ns: NS.CALDAV, name: 'unique-scheduling-object-resource' }],
};

export function toDavError(e: ReefknotError, hrefOf: (path: string) => string): DavError {
  const [status, pre] = MAP[e.kind];
  if ((e.kind === 'uid-conflict' || e.kind === 'unique-scheduling-object') && e.detail.href && pre) {
    return new DavError(status, e.message, { ...pre, children: [el(NS.DAV, 'href', [hrefOf(e.detail.href)])] });
  }
  // RFC 4918 §9.7.1: a PUT whose parent is missing is 409 Conflict, as the kind says.
  return new DavError(status, e.message, pre);
}

export function renderDavError(e: DavError): DavResponse {
  const children: XmlElement[] = [];
  if (e.precondition) children.push(el(e.precondition.ns, e.precondition.name, e.precondition.children ?? []));
  children.push(el(REEFKNOT_NS, 'message', [e.message]));
  return {
    status: e.status,
    headers: { 'content-type': XML_CONTENT_TYPE, ...e.headers },
    body: toXmlDocument(el(NS.DAV, 'error', children)),
  };
}
