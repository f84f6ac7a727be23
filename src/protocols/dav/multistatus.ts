/** 207 Multi-Status responses (RFC 4918 §13). */
import type { DavResponse } from './http-types.js';
import { XML_CONTENT_TYPE } from './http-types.js';
import { el, NS, toXmlDocument, type XmlElement } from './xml.js';

export function multistatus(responses: XmlElement[], extra: XmlElement[] = []): DavResponse {
  return xmlResponse(207, el(NS.DAV, 'multistatus', [...responses, ...extra]));
}

export function xmlResponse(status: number, root: XmlElement, headers: Record<string, string> = {}): DavResponse {
  return { status, headers: { 'content-type': XML_CONTENT_TYPE, ...headers }, body: toXmlDocument(root) };
}
