/** The protocol layer's view of an HTTP exchange, free of Node's http types (server/ adapts them). */
import type { Principal } from '../../services/access.js';

export interface DavRequest {
  method: string;
  /** Decoded path below the base URL, always starting with '/'. */
  path: string;
  /** The raw query string without '?', or ''. */
  query: string;
  headers: Record<string, string | undefined>;
  body: Buffer;
  principal: Principal;
}

export interface DavResponse {
  status: number;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export const XML_CONTENT_TYPE = 'application/xml; charset=utf-8';
