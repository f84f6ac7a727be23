/**
 * PROPFIND (RFC 4918 §9.1) and the DAV:response builder shared with REPORTs: live properties
 * from the registry, dead ones from the store, grouped into propstats by status.
 */
import { ReefknotError } from '../../domain/errors.js';
import type { Resource } from '../../services/resources.js';
import { isCollection } from './core-properties.js';
import type { PropContext, PropertyRegistry } from './properties.js';
import { child, el, elements, NS, type XmlElement, type XmlNode } from './xml.js';

export type PropRequest =
  | { kind: 'allprop'; include: XmlElement[] }
  | { kind: 'propname' }
  | { kind: 'prop'; props: XmlElement[] };

/** A property computed by a REPORT rather than the registry (e.g. CALDAV:calendar-data). */
export type ExtraProperty = (r: Resource, requested: XmlElement) => Promise<XmlNode[] | null | undefined>;

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 424: 'Failed Dependency', 507: 'Insufficient Storage' };
export const statusLine = (code: number): string => `HTTP/1.1 ${code} ${STATUS_TEXT[code] ?? ''}`.trimEnd();

export function parsePropfindBody(root: XmlElement | null): PropRequest {
  if (!root) return { kind: 'allprop', include: [] };
  if (root.ns !== NS.DAV || root.name !== 'propfind') throw new ReefknotError('bad-request', 'The PROPFIND body must be a DAV:propfind element');
  const prop = child(root, NS.DAV, 'prop');
  if (prop) return { kind: 'prop', props: elements(prop) };
  if (child(root, NS.DAV, 'propname')) return { kind: 'propname' };
  if (child(root, NS.DAV, 'allprop')) return { kind: 'allprop', include: elements(child(root, NS.DAV, 'include') ?? el(NS.DAV, 'include')) };
  throw new ReefknotError('bad-request', 'The DAV:propfind element must hold prop, propname or allprop');
}

export class PropfindResponder {
  constructor(private readonly registry: PropertyRegistry, private readonly deadProps: (r: Resource, ctx: PropContext) => Promise<XmlElement[]>) {}

  async response(r: Resource, req: PropRequest, ctx: PropContext, extra?: ExtraProperty): Promise<XmlElement> {
    const href = el(NS.DAV, 'href', [ctx.hrefs.href(r.path)]);
    const byStatus = new Map<number, XmlElement[]>();
    const add = (status: number, prop: XmlElement): void => {
      const list = byStatus.get(status) ?? [];
      list.push(prop);
      byStatus.set(status, list);
    };
    // Dead properties cost a store read per resource: read them only when a request needs them.
    let deadCache: Promise<XmlElement[]> | null = null;
    const deadOnce = (): Promise<XmlElement[]> => (deadCache ??= this.deadProps(r, ctx));
    if (req.kind === 'propname') {
      const dead = await deadOnce();
      for (const p of this.registry.all()) if ((await p.get(r, ctx)) !== null) add(200, el(p.ns, p.name));
      for (const d of dead) add(200, el(d.ns, d.name));
    } else if (req.kind === 'allprop') {
      for (const p of this.registry.all()) {
        if (!p.allprop && !req.include.some((i) => i.ns === p.ns && i.name === p.name)) continue;
        const v = await p.get(r, ctx);
        if (v !== null) add(200, el(p.ns, p.name, v));
      }
      for (const d of await deadOnce()) if (!byStatus.get(200)?.some((x) => x.ns === d.ns && x.name === d.name)) add(200, d);
    } else {
      for (const wanted of req.props) {
        const [status, value] = await this.one(r, wanted, ctx, deadOnce, extra);
        add(status, value);
      }
    }
    const propstats = [...byStatus.entries()].map(([status, props]) =>
      el(NS.DAV, 'propstat', [el(NS.DAV, 'prop', props), el(NS.DAV, 'status', [statusLine(status)])]),
    );
    return el(NS.DAV, 'response', [href, ...propstats]);
  }

  private async one(r: Resource, wanted: XmlElement, ctx: PropContext, dead: () => Promise<XmlElement[]>, extra?: ExtraProperty): Promise<[number, XmlElement]> {
    const computed = extra ? await extra(r, wanted) : undefined;
    if (computed !== undefined) return computed === null ? [404, el(wanted.ns, wanted.name)] : [200, el(wanted.ns, wanted.name, computed)];
    const live = this.registry.find(wanted.ns, wanted.name);
    if (live) {
      const v = await live.get(r, ctx);
      if (v !== null) return [200, el(wanted.ns, wanted.name, v)];
    }
    const d = (await dead()).find((x) => x.ns === wanted.ns && x.name === wanted.name);
    return d ? [200, d] : [404, el(wanted.ns, wanted.name)];
  }
}

export function parseDepth(header: string | undefined, fallback: '0' | '1' | 'infinity'): '0' | '1' | 'infinity' {
  if (header === undefined) return fallback;
  const v = header.trim().toLowerCase();
  if (v === '0' || v === '1' || v === 'infinity') return v;
  throw new ReefknotError('bad-request', `Depth must be 0, 1 or infinity, not '${header}'`);
}

export { isCollection };
