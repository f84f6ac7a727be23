/**
 * A small typed CalDAV/WebDAV client for the browser: the web calendar speaks the same protocol
 * as every other client (RFC 4918, RFC 4791, RFC 6638, CalendarServer sharing), authenticated by
 * the session cookie, with the session's CSRF token on every request. XML is built with the DOM
 * (createElementNS + XMLSerializer) and read with DOMParser; no strings are pasted into markup.
 */
export const NS = {
  D: 'DAV:', C: 'urn:ietf:params:xml:ns:caldav', CS: 'http://calendarserver.org/ns/', A: 'http://apple.com/ns/ical/',
} as const;

export interface Session {
  signedIn: true;
  user: string;
  csrfToken: string;
  principal: string;
  home: string;
  addresses: string[];
  base: string;
}

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** A tree to serialise as XML: [namespace, local name, children or text, attributes]. */
export interface XNode extends Array<string | XNode | Record<string, string>> { 0: string; 1: string }

const PREFIX: Record<string, string> = { [NS.D]: 'D', [NS.C]: 'C', [NS.CS]: 'CS', [NS.A]: 'A' };

export function xml(root: XNode): string {
  const doc = document.implementation.createDocument(root[0], `${PREFIX[root[0]] ?? 'X'}:${root[1]}`, null);
  const build = (el: Element, node: XNode): void => {
    for (const c of node.slice(2)) {
      if (typeof c === 'string') el.appendChild(doc.createTextNode(c));
      else if (Array.isArray(c)) {
        const child = doc.createElementNS(c[0], `${PREFIX[c[0]] ?? 'X'}:${String(c[1])}`);
        build(child, c);
        el.appendChild(child);
      } else for (const [k, v] of Object.entries(c)) el.setAttribute(k, v);
    }
  };
  build(doc.documentElement, root);
  for (const [ns, p] of Object.entries(PREFIX)) doc.documentElement.setAttributeNS('http://www.w3.org/2000/xmlns/', `xmlns:${p}`, ns);
  return `<?xml version="1.0" encoding="utf-8"?>\n${new XMLSerializer().serializeToString(doc)}`;
}

export interface DavResponse {
  href: string;
  status: number;
  props: Map<string, Element>;
}

const key = (ns: string, name: string): string => `{${ns}}${name}`;
const children = (el: Element, ns: string, name: string): Element[] => Array.from(el.children).filter((c) => c.namespaceURI === ns && c.localName === name);
export const child = (el: Element | undefined, ns: string, name: string): Element | undefined => (el ? children(el, ns, name)[0] : undefined);
export const textOf = (el: Element | undefined): string => el?.textContent?.trim() ?? '';
const statusCode = (s: string): number => Number(/HTTP\/\S+\s+(\d{3})/.exec(s)?.[1] ?? '0');

/** Reads a DAV:multistatus: each response's href and its properties found with 200. */
export function parseMultistatus(text: string): DavResponse[] {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  const out: DavResponse[] = [];
  for (const r of Array.from(doc.getElementsByTagNameNS(NS.D, 'response'))) {
    const href = decodeURIComponent(textOf(child(r, NS.D, 'href')));
    const props = new Map<string, Element>();
    for (const ps of children(r, NS.D, 'propstat')) {
      if (statusCode(textOf(child(ps, NS.D, 'status'))) !== 200) continue;
      for (const p of Array.from(child(ps, NS.D, 'prop')?.children ?? [])) props.set(key(p.namespaceURI ?? '', p.localName), p);
    }
    out.push({ href, status: statusCode(textOf(child(r, NS.D, 'status'))) || 200, props });
  }
  return out;
}

export const prop = (r: DavResponse, ns: string, name: string): Element | undefined => r.props.get(key(ns, name));

export interface RequestOptions {
  body?: string | Blob;
  headers?: Record<string, string>;
  depth?: '0' | '1' | 'infinity';
  /** Statuses that are not errors (besides 2xx). */
  accept?: number[];
}

/** The message the server put in its answer (DAV:error <message> or plain text). */
async function errorText(res: Response): Promise<string> {
  const body = await res.text();
  if (/^\s*</.test(body)) {
    const doc = new DOMParser().parseFromString(body, 'application/xml');
    const m = doc.getElementsByTagNameNS('https://reefknot.org/ns/', 'message')[0];
    if (m?.textContent) return m.textContent;
  }
  try {
    const j = JSON.parse(body) as { error?: string };
    if (j.error) return j.error;
  } catch { /* not JSON */ }
  return body.trim().slice(0, 300) || `${res.status} ${res.statusText}`;
}

export class DavClient {
  onSessionEnded: () => void = () => undefined;
  /** Runs on every calendar object before it is written (main.ts adds the VTIMEZONEs it needs). */
  prepareCalendar: (ics: string) => Promise<string> = (ics) => Promise.resolve(ics);

  constructor(readonly session: Session) {}

  async request(method: string, url: string, o: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { 'X-CSRF-Token': this.session.csrfToken, ...(o.headers ?? {}) };
    if (o.depth) headers.Depth = o.depth;
    if (typeof o.body === 'string' && !headers['Content-Type']) headers['Content-Type'] = 'application/xml; charset=utf-8';
    const res = await fetch(url, { method, headers, body: o.body, credentials: 'same-origin', cache: 'no-store' });
    if (res.status === 401) {
      this.onSessionEnded();
      throw new HttpError(401, 'Your session has ended; sign in again.');
    }
    if (!res.ok && !(o.accept ?? []).includes(res.status)) throw new HttpError(res.status, await errorText(res));
    return res;
  }

  async propfind(url: string, props: Array<[string, string]>, depth: '0' | '1'): Promise<DavResponse[]> {
    const body = xml([NS.D, 'propfind', [NS.D, 'prop', ...props.map(([ns, n]): XNode => [ns, n])]]);
    const res = await this.request('PROPFIND', url, { body, depth });
    return parseMultistatus(await res.text());
  }

  async report(url: string, body: XNode, depth: '0' | '1'): Promise<DavResponse[]> {
    const res = await this.request('REPORT', url, { body: xml(body), depth });
    return parseMultistatus(await res.text());
  }

  async get(url: string): Promise<{ text: string; etag: string | null }> {
    const res = await this.request('GET', url);
    return { text: await res.text(), etag: res.headers.get('etag') };
  }

  /** PUT of a calendar object; etag null means "create only" (If-None-Match: *). */
  async put(url: string, ics: string, etag: string | null): Promise<string | null> {
    const headers: Record<string, string> = { 'Content-Type': 'text/calendar; charset=utf-8' };
    if (etag) headers['If-Match'] = etag;
    else headers['If-None-Match'] = '*';
    const res = await this.request('PUT', url, { body: await this.prepareCalendar(ics), headers });
    return res.headers.get('etag');
  }

  /**
   * POSTs an iTIP message to the user's scheduling outbox (RFC 6638 §5, explicit scheduling) and
   * reads the CALDAV:schedule-response: each recipient with its request-status.
   */
  async postOutbox(ics: string): Promise<Array<{ recipient: string; status: string }>> {
    const res = await this.request('POST', `${this.session.home}outbox/`, { body: await this.prepareCalendar(ics), headers: { 'Content-Type': 'text/calendar; charset=utf-8' } });
    const doc = new DOMParser().parseFromString(await res.text(), 'application/xml');
    return Array.from(doc.getElementsByTagNameNS(NS.C, 'response')).map((r) => ({
      recipient: textOf(child(child(r, NS.C, 'recipient'), NS.D, 'href')).replace(/^mailto:/i, ''),
      status: textOf(child(r, NS.C, 'request-status')),
    }));
  }

  async delete(url: string, etag: string | null): Promise<void> {
    await this.request('DELETE', url, { headers: etag ? { 'If-Match': etag } : { Depth: 'infinity' } });
  }

  async davHeader(url: string): Promise<string[]> {
    const res = await this.request('OPTIONS', url);
    return (res.headers.get('dav') ?? '').split(',').map((s) => s.trim());
  }
}
