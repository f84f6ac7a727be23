/**
 * WebDAV Access Control (RFC 3744): DAV:acl, DAV:supported-privilege-set (with CalDAV's
 * read-free-busy, RFC 4791 §6.1.1), DAV:acl-restrictions, DAV:inherited-acl-set, and the ACL
 * method with its preconditions (§8.1.1).
 */
import { aceConflict, type Ace, type AcePrincipal } from '../../domain/acl/evaluate.js';
import { CALDAV_PRIVILEGES, isPrivilege, type Privilege } from '../../domain/acl/privileges.js';
import type { AclService, NewAce, ShownAce } from '../../services/acl.js';
import type { Resource } from '../../services/resources.js';
import { privilegeElement } from './core-properties.js';
import { DavError } from './errors.js';
import type { DavProtocol, MethodHandler } from './handler.js';
import type { DavRequest, DavResponse } from './http-types.js';
import type { LiveProperty, PropContext } from './properties.js';
import { child, el, elements, NS, textOf, type XmlElement, type XmlNode } from './xml.js';

const onCollections = (r: Resource): r is Resource & { type: 'collection' } => r.type === 'collection';

function shownAce(a: ShownAce, ctx: PropContext): XmlElement {
  const principal = a.principal.kind === 'href' ? el(NS.DAV, 'href', [ctx.hrefs.href(a.principal.path)]) : el(NS.DAV, a.principal.kind);
  const children: XmlNode[] = [
    el(NS.DAV, 'principal', [principal]),
    el(NS.DAV, a.deny ? 'deny' : 'grant', a.privileges.map((p) => el(NS.DAV, 'privilege', [privilegeElement(p)]))),
  ];
  if (a.protected) children.push(el(NS.DAV, 'protected'));
  if (a.inheritedFrom) children.push(el(NS.DAV, 'inherited', [el(NS.DAV, 'href', [ctx.hrefs.href(a.inheritedFrom)])]));
  return el(NS.DAV, 'ace', children);
}

/** RFC 3744 §5.3 with CALDAV:read-free-busy under DAV:read (RFC 4791 §6.1.1). */
function supportedPrivilegeSet(): XmlElement[] {
  const sp = (p: Privilege, description: string, children: XmlElement[] = [], abstract = false): XmlElement =>
    el(NS.DAV, 'supported-privilege', [el(NS.DAV, 'privilege', [privilegeElement(p)]), ...(abstract ? [el(NS.DAV, 'abstract')] : []),
      el(NS.DAV, 'description', [description], { '{http://www.w3.org/XML/1998/namespace}lang': 'en' }), ...children]);
  return [sp('all', 'Any operation', [
    sp('read', 'Read calendars and their items', [sp('read-free-busy', 'See busy time only'), sp('read-current-user-privilege-set', 'See your own privileges')]),
    sp('write', 'Change calendars and their items', [sp('write-properties', 'Change properties'), sp('write-content', 'Change items'), sp('bind', 'Add items'), sp('unbind', 'Remove items')]),
    sp('read-acl', 'Read the access control list'),
    sp('schedule-deliver', 'Deliver scheduling messages to this inbox', [sp('schedule-deliver-invite', 'Deliver invitations'), sp('schedule-deliver-reply', 'Deliver replies'), sp('schedule-query-freebusy', 'Ask for busy time')]),
    sp('schedule-send', 'Send scheduling messages from this outbox', [sp('schedule-send-invite', 'Send invitations'), sp('schedule-send-reply', 'Send replies'), sp('schedule-send-freebusy', 'Ask others for busy time')]),
    sp('write-acl', 'Change the access control list'),
  ])];
}

export function aclProperties(acl: AclService): LiveProperty[] {
  return [
    { ns: NS.DAV, name: 'acl', protected: true, allprop: false, get: async (r, ctx) => (onCollections(r) ? (await acl.show(ctx.snapshot, r)).map((a) => shownAce(a, ctx)) : null) },
    { ns: NS.DAV, name: 'supported-privilege-set', protected: true, allprop: false, get: (r) => (r.type === 'collection' || r.type === 'object' ? supportedPrivilegeSet() : null) },
    { ns: NS.DAV, name: 'acl-restrictions', protected: true, allprop: false, get: (r) => (onCollections(r) ? [el(NS.DAV, 'no-invert')] : null) },
    {
      ns: NS.DAV, name: 'inherited-acl-set', protected: true, allprop: false,
      get: (r, ctx) => (onCollections(r) && r.collection.kind !== 'home' ? [el(NS.DAV, 'href', [ctx.hrefs.href(r.collection.path.split('/').slice(0, 3).join('/') + '/')])] : null),
    },
  ];
}

const precondition = (name: string, message: string): DavError => new DavError(403, message, { ns: NS.DAV, name });

async function parsePrincipal(e: XmlElement, acl: AclService, dav: DavProtocol, req: DavRequest): Promise<AcePrincipal> {
  const inner = elements(e)[0];
  if (!inner || inner.ns !== NS.DAV) throw precondition('recognized-principal', 'Each ACE needs a DAV:principal');
  if (inner.name === 'all' || inner.name === 'authenticated' || inner.name === 'unauthenticated') return { kind: inner.name };
  if (inner.name === 'href') {
    const path = dav.deps.hrefs.fromHref(textOf(inner).trim());
    const userId = await dav.read(req, (ctx) => acl.userIdOf(ctx.snapshot, path));
    if (userId === null) throw precondition('recognized-principal', `${textOf(inner).trim()} is not a principal of this server`);
    return { kind: 'user', userId };
  }
  if (inner.name === 'property' && child(inner, NS.DAV, 'owner') && req.principal.user) {
    return { kind: 'user', userId: req.principal.user.id };
  }
  throw precondition('allowed-principal', `DAV:${inner.name} cannot be used as a principal here`);
}

function parsePrivileges(e: XmlElement): Privilege[] {
  return elements(e, NS.DAV, 'privilege').map((p) => {
    const inner = elements(p)[0];
    const ok = inner && isPrivilege(inner.name) && (inner.ns === NS.CALDAV) === CALDAV_PRIVILEGES.has(inner.name);
    if (!inner || !ok) throw precondition('not-supported-privilege', `The privilege ${inner ? `{${inner.ns}}${inner.name}` : '(none)'} is not supported`);
    return inner.name as Privilege;
  });
}

async function parseAces(root: XmlElement, acl: AclService, dav: DavProtocol, req: DavRequest): Promise<NewAce[]> {
  const aces: NewAce[] = [];
  for (const ace of elements(root, NS.DAV, 'ace')) {
    // Protected and inherited ACEs are the server's; a client echoing them back changes nothing.
    if (child(ace, NS.DAV, 'protected') || child(ace, NS.DAV, 'inherited')) continue;
    if (child(ace, NS.DAV, 'invert')) throw precondition('no-invert', 'DAV:invert is not supported (see DAV:acl-restrictions)');
    const principalEl = child(ace, NS.DAV, 'principal');
    const grant = child(ace, NS.DAV, 'grant');
    const deny = child(ace, NS.DAV, 'deny');
    if (!principalEl || (grant === undefined) === (deny === undefined)) throw new DavError(400, 'Each DAV:ace needs a DAV:principal and either DAV:grant or DAV:deny');
    aces.push({ principal: await parsePrincipal(principalEl, acl, dav, req), privileges: parsePrivileges((grant ?? deny) as XmlElement), deny: deny !== undefined });
  }
  const asAces: Ace[] = aces.map((a) => ({ ...a, protected: false }));
  const conflict = aceConflict(asAces);
  if (conflict) throw precondition('no-ace-conflict', `The ACL both grants and denies ${conflict} to the same principal`);
  return aces;
}

export function aclMethod(acl: AclService): MethodHandler {
  return async (req: DavRequest, dav: DavProtocol): Promise<DavResponse> => {
    const root = dav.parseBody(req);
    if (!root || root.ns !== NS.DAV || root.name !== 'acl') throw new DavError(400, 'The ACL body must be a DAV:acl element');
    await acl.replace(req.principal, req.path, await parseAces(root, acl, dav, req));
    return { status: 200, headers: { 'content-length': '0' } };
  };
}
