/**
 * MKCOL (RFC 4918 §9.3), extended MKCOL (RFC 5689) and MKCALENDAR (RFC 4791 §5.3.1): all create a
 * collection with initial properties, all-or-nothing.
 */
import { ReefknotError } from '../../domain/errors.js';
import { OWNER_ACCESS } from '../../services/resources.js';
import type { DavProtocol } from './handler.js';
import { DavError } from './errors.js';
import type { DavRequest, DavResponse } from './http-types.js';
import { xmlResponse } from './multistatus.js';
import { failurePropstats, planUpdate, readInstructions } from './property-update.js';
import { el, NS, parseXml, type XmlElement } from './xml.js';

function parseCreationBody(req: DavRequest, method: 'MKCOL' | 'MKCALENDAR', maxBytes: number): XmlElement | null {
  if (req.body.length === 0) return null;
  // The body is judged by what it is, not its declared type: some clients send XML as text/plain.
  let root: XmlElement;
  try {
    root = parseXml(req.body.toString('utf8'), maxBytes);
  } catch (e) {
    if (method === 'MKCOL') throw new DavError(415, 'The MKCOL body is not an extended MKCOL document (RFC 5689)');
    throw e;
  }
  const expected = method === 'MKCOL' ? [NS.DAV, 'mkcol'] : [NS.CALDAV, 'mkcalendar'];
  if (root.ns !== expected[0] || root.name !== expected[1]) {
    throw new DavError(method === 'MKCOL' ? 415 : 400, `The ${method} body must be a {${expected[0]}}${expected[1]} element`);
  }
  return root;
}

function kindFromResourceType(types: XmlElement[] | null, method: 'MKCOL' | 'MKCALENDAR'): 'calendar' | 'plain' | null {
  if (method === 'MKCALENDAR') return 'calendar';
  if (!types) return 'plain';
  const names = types.map((t) => `{${t.ns}}${t.name}`).sort().join(' ');
  if (names === `{${NS.DAV}}collection`) return 'plain';
  if (names === `{${NS.DAV}}collection {${NS.CALDAV}}calendar`) return 'calendar';
  return null;
}

export async function createCollection(req: DavRequest, dav: DavProtocol, method: 'MKCOL' | 'MKCALENDAR'): Promise<DavResponse> {
  const root = parseCreationBody(req, method, dav.deps.maxXmlBytes);
  const instructions = root ? readInstructions(root, ['set']) : [];
  const placeholder = {
    type: 'collection' as const, path: req.path,
    collection: { id: 0, path: req.path, parentId: null, ownerId: req.principal.user?.id ?? 0, kind: 'calendar' as const, components: [], revision: 0, createdAt: 0, modifiedAt: 0 },
    access: OWNER_ACCESS,
  };
  const plan = planUpdate(dav.deps.registry, instructions, placeholder, true);
  const kind = kindFromResourceType(plan.resourceType, method);
  if (kind === null) {
    plan.failures.push({ prop: el(NS.DAV, 'resourcetype'), status: 403, reason: 'Only plain and calendar collections can be created', precondition: el(NS.DAV, 'valid-resourcetype') });
  }
  if (kind !== 'calendar' && placeholder.collection.kind === 'calendar') {
    plan.failures.push(...plan.patch.set.filter((p) => p.ns === NS.CALDAV).map((p) => ({ prop: el(p.ns, p.name), status: 403, reason: `${p.name} applies to calendar collections only` })));
  }
  if (plan.failures.length > 0) {
    const wrapper = method === 'MKCOL' ? el(NS.DAV, 'mkcol-response') : el(NS.CALDAV, 'mkcalendar-response');
    wrapper.children.push(...failurePropstats(plan));
    return xmlResponse(403, wrapper);
  }
  try {
    await dav.deps.content.makeCollection(req.principal, req.path, { kind: kind ?? 'plain', components: plan.patch.components, properties: plan.patch.set });
  } catch (e) {
    if (method === 'MKCALENDAR' && e instanceof ReefknotError && e.kind === 'method-not-allowed') {
      throw new DavError(403, e.message, { ns: NS.DAV, name: 'resource-must-be-null' });
    }
    if (method === 'MKCALENDAR' && e instanceof ReefknotError && e.kind === 'forbidden') {
      throw new DavError(403, e.message, { ns: NS.CALDAV, name: 'calendar-collection-location-ok' });
    }
    throw e;
  }
  return { status: 201, headers: { 'content-length': '0' } };
}
