/**
 * XML for WebDAV bodies (RFC 4918 §8.2 and §14): namespace-aware parsing with saxes, DOCTYPE and
 * entity declarations refused (no XXE, no billion laughs), a byte limit, and a small serialiser
 * with stable prefixes for the namespaces clients expect.
 */
import { SaxesParser } from 'saxes';
import { ReefknotError } from '../../domain/errors.js';

export const NS = {
  DAV: 'DAV:',
  CALDAV: 'urn:ietf:params:xml:ns:caldav',
  CS: 'http://calendarserver.org/ns/',
  ICAL: 'http://apple.com/ns/ical/',
} as const;

export interface XmlElement {
  ns: string;
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

export const isElement = (n: XmlNode): n is XmlElement => typeof n !== 'string';

/** The child elements of `el`, optionally only those with the given namespace and local name. */
export function elements(el: XmlElement, ns?: string, name?: string): XmlElement[] {
  return el.children.filter(
    (c): c is XmlElement => isElement(c) && (ns === undefined || c.ns === ns) && (name === undefined || c.name === name),
  );
}

export function child(el: XmlElement, ns: string, name: string): XmlElement | undefined {
  return elements(el, ns, name)[0];
}

export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}

export function el(ns: string, name: string, children: XmlNode[] = [], attrs: Record<string, string> = {}): XmlElement {
  return { ns, name, attrs, children };
}

/** Parses a request body. Throws ReefknotError('bad-request') with a readable reason. */
export function parseXml(text: string, maxBytes = 1024 * 1024): XmlElement {
  if (Buffer.byteLength(text) > maxBytes) throw new ReefknotError('too-large', `XML body is larger than ${maxBytes} bytes`);
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let error: string | undefined;
  parser.on('doctype', () => {
    error = 'DOCTYPE declarations are not accepted (no DTDs or entities)';
    throw new Error(error);
  });
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (typeof a === 'string') continue;
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs[a.uri ? `{${a.uri}}${a.local}` : a.local] = a.value;
    }
    const node: XmlElement = { ns: tag.uri ?? '', name: tag.local ?? tag.name, attrs, children: [] };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
    else if (root) throw new Error('more than one root element');
    else root = node;
    stack.push(node);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('text', (t) => {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(t);
  });
  parser.on('cdata', (t) => {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(t);
  });
  parser.on('error', (e) => {
    error ??= e.message;
    throw e;
  });
  try {
    parser.write(text).close();
  } catch (e) {
    throw new ReefknotError('bad-request', `The XML body is not well-formed: ${error ?? (e as Error).message}`);
  }
  if (!root) throw new ReefknotError('bad-request', 'The XML body has no root element');
  return root;
}

const FIXED_PREFIXES: Record<string, string> = {
  [NS.DAV]: 'd',
  [NS.CALDAV]: 'cal',
  [NS.CS]: 'cs',
  [NS.ICAL]: 'ical',
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;' };

/** Escapes attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"\r]/g, (c) => ESCAPES[c] ?? c);
}

/** Escapes text content; CR is kept as a character reference so iCalendar's CRLF survives parsing. */
export function escapeText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => ESCAPES[c] ?? c);
}

/** Serialises elements; namespaces other than the fixed ones get declared where first used. */
export class XmlWriter {
  private readonly declared = new Map<string, string>(Object.entries(FIXED_PREFIXES));
  private counter = 0;

  document(root: XmlElement): string {
    const decls = Object.entries(FIXED_PREFIXES)
      .map(([ns, p]) => ` xmlns:${p}="${escapeXml(ns)}"`)
      .join('');
    return `<?xml version="1.0" encoding="utf-8"?>\n${this.write(root, decls)}`;
  }

  write(node: XmlNode, extraAttrs = ''): string {
    if (typeof node === 'string') return escapeText(node);
    let decl = extraAttrs;
    let prefix: string | undefined;
    let addedPrefix: string | undefined;
    if (node.ns === '') {
      // An element in no namespace: reset the default namespace so it stays unqualified.
      decl += ' xmlns=""';
    } else {
      prefix = this.declared.get(node.ns);
      if (prefix === undefined) {
        prefix = `x${this.counter++}`;
        this.declared.set(node.ns, prefix);
        addedPrefix = node.ns;
        decl += ` xmlns:${prefix}="${escapeXml(node.ns)}"`;
      }
    }
    const qname = prefix ? `${prefix}:${node.name}` : node.name;
    let attrs = '';
    for (const [k, v] of Object.entries(node.attrs)) {
      const m = /^\{(.*)\}(.*)$/.exec(k);
      if (m && m[1] === 'http://www.w3.org/XML/1998/namespace') attrs += ` xml:${m[2]}="${escapeXml(v)}"`;
      else if (m) {
        let p = this.declared.get(m[1] ?? '');
        if (p === undefined) {
          p = `x${this.counter++}`;
          this.declared.set(m[1] ?? '', p);
          decl += ` xmlns:${p}="${escapeXml(m[1] ?? '')}"`;
        }
        attrs += ` ${p}:${m[2]}="${escapeXml(v)}"`;
      } else attrs += ` ${k}="${escapeXml(v)}"`;
    }
    const body = node.children.map((c) => this.write(c)).join('');
    if (addedPrefix !== undefined) this.declared.delete(addedPrefix);
    return body === '' ? `<${qname}${decl}${attrs}/>` : `<${qname}${decl}${attrs}>${body}</${qname}>`;
  }
}

export function toXmlDocument(root: XmlElement): string {
  return new XmlWriter().document(root);
}
