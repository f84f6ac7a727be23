/**
 * A small namespace-aware XML reader for WebDAV responses (RFC 4918 §14 elements, RFC 4791 and
 * RFC 6578 additions), on saxes. DTDs and entity declarations are refused, input is size-limited.
 */
import { SaxesParser } from 'saxes';
import { ClientError } from './profile.js';

export const DAV = 'DAV:';
export const CALDAV = 'urn:ietf:params:xml:ns:caldav';
export const CS = 'http://calendarserver.org/ns/';

export interface XmlElement {
  ns: string;
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const MAX = 50 * 1024 * 1024;

export function parseXml(text: string): XmlElement {
  if (text.length > MAX) throw new ClientError('the server sent an XML answer too large to read');
  const parser = new SaxesParser({ xmlns: true });
  const root: XmlElement = { ns: '', name: '#root', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  parser.on('doctype', () => {
    throw new ClientError('the server sent XML with a DOCTYPE; refused');
  });
  parser.on('opentag', (t) => {
    const attrs: Record<string, string> = {};
    for (const a of Object.values(t.attributes)) attrs[a.local] = a.value;
    const el: XmlElement = { ns: t.uri ?? '', name: t.local ?? t.name, attrs, children: [], text: '' };
    stack[stack.length - 1]?.children.push(el);
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const addText = (s: string): void => {
    const top = stack[stack.length - 1];
    if (top) top.text += s;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.write(text).close();
  const first = root.children[0];
  if (!first) throw new ClientError('the server sent an empty XML answer');
  return first;
}

export const child = (e: XmlElement | undefined, ns: string, name: string): XmlElement | undefined => e?.children.find((c) => c.ns === ns && c.name === name);
export const children = (e: XmlElement | undefined, ns: string, name: string): XmlElement[] => e?.children.filter((c) => c.ns === ns && c.name === name) ?? [];

/** Depth-first search for the first element with this name. */
export function find(e: XmlElement | undefined, ns: string, name: string): XmlElement | undefined {
  if (!e) return undefined;
  if (e.ns === ns && e.name === name) return e;
  for (const c of e.children) {
    const hit = find(c, ns, name);
    if (hit) return hit;
  }
  return undefined;
}

export const textOf = (e: XmlElement | undefined): string => (e ? e.text.trim() : '');

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** The 200-status props of each DAV:response of a multistatus (RFC 4918 §13), by href. */
export interface DavResponse {
  href: string;
  status: number | null;
  props: XmlElement[];
}

export function multistatus(text: string): { responses: DavResponse[]; syncToken: string | null } {
  const root = parseXml(text);
  const responses = children(root, DAV, 'response').map((r) => {
    const status = textOf(child(r, DAV, 'status'));
    const props = children(r, DAV, 'propstat')
      .filter((ps) => /\s2\d\d\s/.test(` ${textOf(child(ps, DAV, 'status'))} `))
      .flatMap((ps) => child(ps, DAV, 'prop')?.children ?? []);
    return { href: decodeURIComponent(textOf(child(r, DAV, 'href'))), status: status ? Number(status.split(/\s+/)[1]) : null, props };
  });
  const token = child(root, DAV, 'sync-token');
  return { responses, syncToken: token ? textOf(token) : null };
}

export const prop = (r: DavResponse, ns: string, name: string): XmlElement | undefined => r.props.find((p) => p.ns === ns && p.name === name);
