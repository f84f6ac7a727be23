/**
 * DAV:principal-match (RFC 3744 §9.3): the members of a collection that are, or belong to, the
 * current user. `<D:self/>` matches the user's own principal and the user's own calendar home;
 * `<D:principal-property><D:owner/></D:principal-property>` (or any property holding hrefs)
 * matches members whose property names the user's principal or one of their addresses.
 * "At any depth" is bounded: the walk descends through principal collections and homes, not into
 * calendars (their objects carry the calendar's owner), and stops after MAX_VISITED members with
 * a 507 DAV:number-of-matches-within-limits response.
 */
import { ReefknotError } from '../../domain/errors.js';
import type { Principal } from '../../services/access.js';
import { principalPath } from '../../services/context.js';
import type { Resource } from '../../services/resources.js';
import type { DavContext, DavProtocol, ReportHandler } from './handler.js';
import type { DavResponse } from './http-types.js';
import { multistatus } from './multistatus.js';
import { foundProps, hrefsIn, localPathOf, optionalProps, requireDepthZero, statusResponse, truncatedResponse } from './principal-shared.js';
import { child, el, elements, NS, type XmlElement } from './xml.js';

const MAX_VISITED = 500;
const MAX_LEVELS = 4;

type Matcher = (r: Resource) => Promise<boolean>;
type User = NonNullable<Principal['user']>;

/** Whether the walk goes on below `r`: containers of principals, homes and plain collections. */
function descends(r: Resource): boolean {
  if (r.type === 'collection') return r.collection.kind === 'home' || r.collection.kind === 'plain' || r.collection.kind === 'root';
  return r.type === 'root' || r.type === 'principals' || r.type === 'user-principals' || r.type === 'homes';
}

/** The target and its members, breadth first, without objects; `truncated` when the bound was hit. */
async function walk(target: Resource, ctx: DavContext): Promise<{ members: Resource[]; truncated: boolean }> {
  const members: Resource[] = [target];
  let level: Resource[] = [target];
  for (let depth = 0; depth < MAX_LEVELS && level.length > 0; depth++) {
    const next: Resource[] = [];
    for (const r of level.filter(descends)) {
      for (const m of await ctx.resources.children(ctx.snapshot, ctx.principal, r)) {
        if (m.type === 'object') continue;
        if (members.length >= MAX_VISITED) return { members, truncated: true };
        members.push(m);
        next.push(m);
      }
    }
    level = next;
  }
  return { members, truncated: false };
}

function selfMatcher(me: User): Matcher {
  return async (r) => (r.type === 'principal' && r.user.id === me.id) || (r.type === 'collection' && r.collection.kind === 'home' && r.collection.ownerId === me.id);
}

/** Members whose property's hrefs name the user: their principal URL or one of their addresses. */
async function propertyMatcher(me: User, property: XmlElement, ctx: DavContext, dav: DavProtocol): Promise<Matcher> {
  const mine = new Set((await ctx.resources.addresses(ctx.snapshot, me.id)).map((a) => a.toLowerCase()));
  const own = principalPath(me.name);
  const request = { kind: 'prop' as const, props: [el(property.ns, property.name)] };
  return async (r) => {
    const value = foundProps(await dav.propfind.response(r, request, ctx)).find((p) => p.ns === property.ns && p.name === property.name);
    if (!value) return false;
    return hrefsIn(value).some((h) => mine.has(h.toLowerCase()) || localPathOf(ctx, h) === own);
  };
}

async function matcherOf(root: XmlElement, me: User, ctx: DavContext, dav: DavProtocol): Promise<Matcher> {
  const self = child(root, NS.DAV, 'self');
  const byProperty = child(root, NS.DAV, 'principal-property');
  if ((self === undefined) === (byProperty === undefined)) {
    throw new ReefknotError('bad-request', 'principal-match needs exactly one of DAV:self or DAV:principal-property');
  }
  if (self) return selfMatcher(me);
  const property = elements(byProperty ?? el(NS.DAV, 'principal-property'))[0];
  if (!property) throw new ReefknotError('bad-request', 'DAV:principal-property must name a property, e.g. <D:owner/>');
  return propertyMatcher(me, property, ctx, dav);
}

async function run(root: XmlElement, target: Resource, ctx: DavContext, dav: DavProtocol): Promise<DavResponse> {
  requireDepthZero(ctx, 'principal-match');
  const me = ctx.principal.user;
  if (!me) throw new ReefknotError('forbidden', 'Sign in to match principals');
  const matches = await matcherOf(root, me, ctx, dav);
  const request = optionalProps(root);
  const { members, truncated } = await walk(target, ctx);
  const responses: XmlElement[] = [];
  for (const m of members) {
    if (!(await matches(m))) continue;
    responses.push(request ? await dav.propfind.response(m, request, ctx) : statusResponse(ctx.hrefs.href(m.path), 200));
  }
  if (truncated) responses.push(truncatedResponse(ctx, target));
  return multistatus(responses);
}

/** Defined on collections (RFC 3744 §9.3: "members of the collection identified by the Request-URI"). */
export const principalMatchReport: ReportHandler = {
  ns: NS.DAV,
  name: 'principal-match',
  appliesTo: (r) => r.type !== 'object',
  run,
};
