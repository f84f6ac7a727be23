/**
 * Pieces shared by the RFC 3744 §9 principal reports and RFC 3253 §3.8 expand-property: the
 * Depth 0 rule, href-only responses, the 507 truncation marker (as in RFC 6578 §3.6), reading
 * a property's value back out of a DAV:response, and mapping a body's href to a local resource.
 */
import { ReefknotError } from '../../domain/errors.js';
import type { Resource } from '../../services/resources.js';
import { DavError } from './errors.js';
import type { DavContext } from './handler.js';
import { parseDepth, statusLine, type PropRequest } from './propfind.js';
import { child, el, elements, NS, textOf, type XmlElement } from './xml.js';

/** RFC 3744 §9.3–9.5: "only defined when the Depth header has value 0"; others answer 400. */
export function requireDepthZero(ctx: DavContext, report: string): void {
  if (parseDepth(ctx.req.headers.depth, '0') !== '0') throw new DavError(400, `The ${report} report is only defined for Depth: 0 (RFC 3744 §9)`);
}

/** A DAV:response carrying only an href and a status. */
export function statusResponse(href: string, code: number, error?: XmlElement): XmlElement {
  const children: XmlElement[] = [el(NS.DAV, 'href', [href]), el(NS.DAV, 'status', [statusLine(code)])];
  if (error) children.push(el(NS.DAV, 'error', [error]));
  return el(NS.DAV, 'response', children);
}

/** The response for the request URI that says the answer was cut short (507, number-of-matches-within-limits). */
export function truncatedResponse(ctx: DavContext, target: Resource): XmlElement {
  return statusResponse(ctx.hrefs.href(target.path), 507, el(NS.DAV, 'number-of-matches-within-limits'));
}

/** The DAV:prop of a report body as a property request, or null when the body names none. */
export function optionalProps(root: XmlElement): PropRequest | null {
  const prop = child(root, NS.DAV, 'prop');
  return prop ? { kind: 'prop', props: elements(prop) } : null;
}

/** The properties a DAV:response reports with 200 OK. */
export function foundProps(response: XmlElement): XmlElement[] {
  const ok = statusLine(200);
  return elements(response, NS.DAV, 'propstat')
    .filter((ps) => textOf(child(ps, NS.DAV, 'status') ?? el(NS.DAV, 'status')).trim() === ok)
    .flatMap((ps) => elements(child(ps, NS.DAV, 'prop') ?? el(NS.DAV, 'prop')));
}

/** The texts of the DAV:href children of a property value. */
export function hrefsIn(value: XmlElement): string[] {
  return elements(value, NS.DAV, 'href').map((h) => textOf(h).trim());
}

/**
 * The local path an href names, or null when it names something else: another scheme
 * (mailto:, urn:) or another origin.
 */
export function localPathOf(ctx: DavContext, href: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) {
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      return null;
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== ctx.hrefs.origin) return null;
  }
  try {
    return ctx.hrefs.fromHref(href);
  } catch (e) {
    if (e instanceof ReefknotError && e.kind === 'bad-request') return null;
    throw e;
  }
}

/** Resolves an href for the requester: the resource, or the status to answer in its place. */
export async function resolveHref(ctx: DavContext, path: string): Promise<Resource | 403 | 404> {
  try {
    return (await ctx.resources.resolve(ctx.snapshot, ctx.principal, path)) ?? 404;
  } catch (e) {
    if (e instanceof ReefknotError && e.kind === 'forbidden') return 403;
    if (e instanceof ReefknotError && e.kind === 'bad-request') return 404;
    throw e;
  }
}
