/**
 * sync-collection REPORT (RFC 6578): members changed or removed since a sync token, read from the
 * collection's change log, with DAV:limit truncation (RFC 6578 §3.6, 507 for the rest) and
 * DAV:valid-sync-token for stale or foreign tokens.
 */
import type { Resource } from '../../services/resources.js';
import { syncToken } from './core-properties.js';
import { DavError } from './errors.js';
import type { DavContext, DavProtocol, ReportHandler } from './handler.js';
import type { DavResponse } from './http-types.js';
import { multistatus } from './multistatus.js';
import { statusLine, type PropRequest } from './propfind.js';
import { child, el, elements, NS, textOf, type XmlElement } from './xml.js';

const TOKEN_RE = /^https:\/\/reefknot\.org\/ns\/sync\/(\d+)-(\d+)$/;

const invalidToken = (why: string): DavError => new DavError(403, `The sync token is not valid here: ${why}`, { ns: NS.DAV, name: 'valid-sync-token' });

function parseRequest(root: XmlElement): { token: string; limit: number | null; props: PropRequest } {
  const level = textOf(child(root, NS.DAV, 'sync-level') ?? el(NS.DAV, 'sync-level', ['1'])).trim();
  if (level !== '1') throw new DavError(403, 'Only sync-level 1 is supported', { ns: NS.DAV, name: 'sync-traversal-supported' });
  const nresults = child(child(root, NS.DAV, 'limit') ?? el(NS.DAV, 'limit'), NS.DAV, 'nresults');
  let limit: number | null = null;
  if (nresults) {
    limit = Number(textOf(nresults).trim());
    if (!Number.isInteger(limit) || limit < 1) throw new DavError(400, 'DAV:nresults must be a positive whole number');
  }
  const prop = child(root, NS.DAV, 'prop');
  return { token: textOf(child(root, NS.DAV, 'sync-token') ?? el(NS.DAV, 'sync-token')).trim(), limit, props: { kind: 'prop', props: prop ? elements(prop) : [] } };
}

async function run(root: XmlElement, target: Resource, ctx: DavContext, dav: DavProtocol): Promise<DavResponse> {
  if (target.type !== 'collection') throw new DavError(403, 'sync-collection applies to collections', { ns: NS.DAV, name: 'supported-report' });
  const req = parseRequest(root);
  const collection = target.collection;
  let since = 0;
  if (req.token !== '') {
    const m = TOKEN_RE.exec(req.token);
    if (!m || Number(m[1]) !== collection.id) throw invalidToken('it was not issued for this collection');
    since = Number(m[2]);
    if (since > collection.revision) throw invalidToken('it is newer than the collection');
  }
  const responses: XmlElement[] = [];
  let revision = collection.revision;
  if (since === 0) {
    const members = (await ctx.resources.children(ctx.snapshot, ctx.principal, target)).filter((m) => m.type === 'object');
    const shown = req.limit === null ? members : members.slice(0, req.limit);
    for (const m of shown) responses.push(await dav.propfind.response(m, req.props, ctx));
    if (shown.length < members.length) throw new DavError(507, 'Too many members for DAV:limit on an initial sync; ask without a limit', { ns: NS.DAV, name: 'number-of-matches-within-limits' });
  } else {
    const changes = await ctx.resources.changesSince(ctx.snapshot, collection, since);
    const shown = req.limit === null ? changes : changes.slice(0, req.limit);
    for (const c of shown) {
      const path = target.path + c.name;
      if (c.object) responses.push(await dav.propfind.response({ type: 'object', path, collection, object: c.object, access: target.access }, req.props, ctx));
      else responses.push(el(NS.DAV, 'response', [el(NS.DAV, 'href', [ctx.hrefs.href(path)]), el(NS.DAV, 'status', [statusLine(404)])]));
    }
    if (shown.length < changes.length) {
      revision = Math.max(since, ...shown.map((c) => c.revision));
      responses.push(el(NS.DAV, 'response', [el(NS.DAV, 'href', [ctx.hrefs.href(target.path)]), el(NS.DAV, 'status', [statusLine(507)]),
        el(NS.DAV, 'error', [el(NS.DAV, 'number-of-matches-within-limits')])]));
    }
  }
  return multistatus(responses, [el(NS.DAV, 'sync-token', [syncToken(collection.id, revision)])]);
}

export const syncCollectionReport: ReportHandler = {
  ns: NS.DAV,
  name: 'sync-collection',
  appliesTo: (r) => r.type === 'collection' && r.collection.kind !== 'home',
  run,
};
