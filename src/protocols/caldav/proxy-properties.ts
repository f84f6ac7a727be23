/**
 * Delegation as clients see it (CalendarServer calendar-proxy, as Apple Calendar and DAVx5 use it):
 * DAV:group-member-set on a user's calendar-proxy-read/-write groups (RFC 3744 §4.3, set by the
 * owner with PROPPATCH), DAV:group-membership (§4.4) and CS:calendar-proxy-read-for/-write-for on
 * user principals.
 */
import { ReefknotError } from '../../domain/errors.js';
import type { ProxyService } from '../../services/proxies.js';
import type { Resource } from '../../services/resources.js';
import { principalPath } from '../../services/context.js';
import type { DavProtocol } from '../dav/handler.js';
import type { DavRequest, DavResponse } from '../dav/http-types.js';
import { multistatus } from '../dav/multistatus.js';
import type { LiveProperty, PropContext } from '../dav/properties.js';
import { statusLine } from '../dav/propfind.js';
import { readInstructions } from '../dav/property-update.js';
import { el, elements, NS, textOf, type XmlElement } from '../dav/xml.js';

const hrefs = (ctx: PropContext, paths: string[]): XmlElement[] => paths.map((p) => el(NS.DAV, 'href', [ctx.hrefs.href(p)]));
const groupPath = (owner: string, write: boolean): string => `${principalPath(owner)}calendar-proxy-${write ? 'write' : 'read'}/`;

export function proxyProperties(proxies: ProxyService): LiveProperty[] {
  const forLevel = (write: boolean): LiveProperty['get'] => async (r, ctx) => {
    if (r.type !== 'principal') return null;
    const m = await proxies.memberships(ctx.snapshot, r.user);
    return hrefs(ctx, m.filter((x) => x.write === write).map((x) => principalPath(x.owner)));
  };
  return [
    {
      ns: NS.DAV, name: 'group-member-set', protected: false, allprop: false,
      get: async (r, ctx) => (r.type === 'proxy-group' ? hrefs(ctx, await proxies.members(ctx.snapshot, r.owner, r.write)) : null),
    },
    {
      ns: NS.DAV, name: 'group-membership', protected: true, allprop: false,
      get: async (r, ctx) => (r.type === 'principal' ? hrefs(ctx, (await proxies.memberships(ctx.snapshot, r.user)).map((m) => groupPath(m.owner, m.write))) : null),
    },
    { ns: NS.CS, name: 'calendar-proxy-read-for', protected: true, allprop: false, get: forLevel(false) },
    { ns: NS.CS, name: 'calendar-proxy-write-for', protected: true, allprop: false, get: forLevel(true) },
  ];
}

/** PROPPATCH on a proxy group: only DAV:group-member-set can change, and only by the owner. */
export async function patchProxyGroup(req: DavRequest, dav: DavProtocol, target: Resource & { type: 'proxy-group' }, root: XmlElement, proxies: ProxyService): Promise<DavResponse> {
  const instructions = readInstructions(root, ['set', 'remove']);
  const href = el(NS.DAV, 'href', [dav.deps.hrefs.href(target.path)]);
  const other = instructions.find((i) => !(i.prop.ns === NS.DAV && i.prop.name === 'group-member-set'));
  if (other) {
    return multistatus([el(NS.DAV, 'response', [href, el(NS.DAV, 'propstat', [el(NS.DAV, 'prop', [el(other.prop.ns, other.prop.name)]),
      el(NS.DAV, 'status', [statusLine(403)]), el(NS.DAV, 'responsedescription', ['Only DAV:group-member-set can be changed on a proxy group'])])])]);
  }
  const last = instructions.at(-1);
  const members = last && last.op === 'set' ? elements(last.prop, NS.DAV, 'href').map((h) => dav.deps.hrefs.fromHref(textOf(h).trim())) : [];
  try {
    await proxies.setMembers(req.principal, target.owner, target.write, members);
  } catch (e) {
    if (!(e instanceof ReefknotError) || e.kind !== 'invalid-property') throw e;
    return multistatus([el(NS.DAV, 'response', [href, el(NS.DAV, 'propstat', [el(NS.DAV, 'prop', [el(NS.DAV, 'group-member-set')]),
      el(NS.DAV, 'status', [statusLine(409)]), el(NS.DAV, 'responsedescription', [e.message])])])]);
  }
  return multistatus([el(NS.DAV, 'response', [href, el(NS.DAV, 'propstat', [el(NS.DAV, 'prop', [el(NS.DAV, 'group-member-set')]), el(NS.DAV, 'status', [statusLine(200)])])])]);
}
