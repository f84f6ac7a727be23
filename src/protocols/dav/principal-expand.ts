/**
 * DAV:expand-property (RFC 3253 §3.8): reports the named properties and, where a DAV:property
 * element nests others, replaces each DAV:href in the value with a DAV:response for that resource
 * reporting the nested properties, recursively. Clients use it on principals, e.g. for
 * calendar-proxy-read-for, group-membership or calendar-user-address-set. Bounds: MAX_LEVELS of
 * nesting (deeper DAV:property elements are reported without expansion) and MAX_EXPANDED
 * responses per request (507 DAV:number-of-matches-within-limits beyond). Each href is resolved
 * with the requester's access: what they may not read answers 403 in place, nothing else.
 * Hrefs that are not resources of this server (mailto: addresses, other origins) stay hrefs.
 */
import { ReefknotError } from '../../domain/errors.js';
import type { Resource } from '../../services/resources.js';
import { DavError } from './errors.js';
import type { DavContext, DavProtocol, ReportHandler } from './handler.js';
import type { DavResponse } from './http-types.js';
import { multistatus } from './multistatus.js';
import { localPathOf, resolveHref, statusResponse } from './principal-shared.js';
import { parseDepth } from './propfind.js';
import { el, elements, isElement, NS, textOf, type XmlElement, type XmlNode } from './xml.js';

const MAX_LEVELS = 3;
const MAX_EXPANDED = 200;

interface Wanted {
  ns: string;
  name: string;
  nested: Wanted[];
}

/** An expansion in progress: the request's context and the number of responses still allowed. */
interface Expansion {
  ctx: DavContext;
  dav: DavProtocol;
  budget: number;
}

/** `<D:property name="" namespace="">` elements; namespace defaults to "DAV:" (RFC 3253 §3.8). */
export function parseWanted(parent: XmlElement): Wanted[] {
  return elements(parent, NS.DAV, 'property').map((p) => {
    const name = p.attrs.name;
    if (!name) throw new ReefknotError('bad-request', 'Each DAV:property of expand-property needs a name attribute');
    return { ns: p.attrs.namespace ?? NS.DAV, name, nested: parseWanted(p) };
  });
}

/** The DAV:response for `r` with its `wanted` properties, hrefs expanded below `level`. */
async function expandedResponse(r: Resource, wanted: Wanted[], level: number, x: Expansion): Promise<XmlElement> {
  if (wanted.length === 0) return statusResponse(x.ctx.hrefs.href(r.path), 200);
  const response = await x.dav.propfind.response(r, { kind: 'prop', props: wanted.map((w) => el(w.ns, w.name)) }, x.ctx);
  const children: XmlNode[] = [];
  for (const part of response.children) {
    if (!isElement(part) || part.ns !== NS.DAV || part.name !== 'propstat') children.push(part);
    else children.push(await expandPropstat(part, wanted, level, x));
  }
  return { ...response, children };
}

async function expandPropstat(propstat: XmlElement, wanted: Wanted[], level: number, x: Expansion): Promise<XmlElement> {
  const children: XmlNode[] = [];
  for (const part of propstat.children) {
    if (!isElement(part) || part.ns !== NS.DAV || part.name !== 'prop') {
      children.push(part);
      continue;
    }
    const props: XmlElement[] = [];
    for (const p of elements(part)) {
      const w = wanted.find((v) => v.ns === p.ns && v.name === p.name);
      props.push(w && w.nested.length > 0 && level < MAX_LEVELS ? { ...p, children: await expandHrefs(p.children, w.nested, level + 1, x) } : p);
    }
    children.push({ ...part, children: props });
  }
  return { ...propstat, children };
}

/** Replaces each DAV:href naming a resource here by that resource's response. */
async function expandHrefs(value: XmlNode[], nested: Wanted[], level: number, x: Expansion): Promise<XmlNode[]> {
  const out: XmlNode[] = [];
  for (const node of value) {
    const href = isElement(node) && node.ns === NS.DAV && node.name === 'href' ? textOf(node).trim() : null;
    const path = href === null ? null : localPathOf(x.ctx, href);
    if (href === null || path === null) {
      out.push(node);
      continue;
    }
    if (x.budget-- <= 0) {
      throw new DavError(507, `expand-property would report more than ${MAX_EXPANDED} resources; ask for fewer`, { ns: NS.DAV, name: 'number-of-matches-within-limits' });
    }
    const r = await resolveHref(x.ctx, path);
    out.push(typeof r === 'number' ? statusResponse(href, r) : await expandedResponse(r, nested, level, x));
  }
  return out;
}

async function run(root: XmlElement, target: Resource, ctx: DavContext, dav: DavProtocol): Promise<DavResponse> {
  const depth = parseDepth(ctx.req.headers.depth, '0');
  if (depth === 'infinity') throw new DavError(400, 'expand-property takes Depth 0 or 1');
  const wanted = parseWanted(root);
  const targets = depth === '1' ? [target, ...(await ctx.resources.children(ctx.snapshot, ctx.principal, target))] : [target];
  const x: Expansion = { ctx, dav, budget: MAX_EXPANDED };
  const responses: XmlElement[] = [];
  for (const t of targets) responses.push(await expandedResponse(t, wanted, 0, x));
  return multistatus(responses);
}

export const expandPropertyReport: ReportHandler = {
  ns: NS.DAV,
  name: 'expand-property',
  appliesTo: () => true,
  run,
};
