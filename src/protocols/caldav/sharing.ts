/**
 * Calendar sharing as Apple Calendar and DAVx5 drive it (CalendarServer sharing, and the
 * DAV:share-access property of draft-pot-webdav-resource-sharing): POST of CS:share (or
 * DAV:share-resource) on a calendar to invite and remove sharees, notifications with the
 * invitations, POST of CS:invite-reply on one's home to accept or decline.
 */
import { ReefknotError } from '../../domain/errors.js';
import type { AccessLevel } from '../../domain/acl/privileges.js';
import type { Invitation, InvitationService } from '../../services/invitations.js';
import type { Resource } from '../../services/resources.js';
import { homePath } from '../../services/context.js';
import { resourceType } from '../dav/core-properties.js';
import type { DavContext, DavProtocol } from '../dav/handler.js';
import type { DavRequest, DavResponse } from '../dav/http-types.js';
import { xmlResponse } from '../dav/multistatus.js';
import type { LiveProperty, PropContext } from '../dav/properties.js';
import { child, el, elements, NS, textOf, toXmlDocument, type XmlElement } from '../dav/xml.js';

const accessElement = (access: string): XmlElement => el(NS.CS, access === 'write' || access === 'admin' ? 'read-write' : 'read');
const statusElement = (i: Invitation): XmlElement => el(NS.CS, i.status === 'accepted' ? 'invite-accepted' : i.status === 'declined' ? 'invite-declined' : 'invite-noresponse');
const hrefOf = (address: string | null, principalName: string, ctx: PropContext): XmlElement =>
  el(NS.DAV, 'href', [address ?? ctx.hrefs.href(`/principals/users/${principalName}/`)]);

function inviteElement(invitations: Invitation[], ctx: PropContext): XmlElement[] {
  const first = invitations[0];
  if (!first) return [];
  const organizer = el(NS.CS, 'organizer', [hrefOf(first.owner.address, first.owner.name, ctx), el(NS.CS, 'common-name', [first.owner.name])]);
  return [organizer, ...invitations.map((i) => el(NS.CS, 'user', [hrefOf(i.sharee.address, i.sharee.name, ctx), el(NS.CS, 'common-name', [i.sharee.name]),
    statusElement(i), el(NS.CS, 'access', [accessElement(i.access)])]))];
}

export function notificationXml(i: Invitation, ctx: PropContext): string {
  return toXmlDocument(el(NS.CS, 'notification', [
    el(NS.CS, 'dtstamp', [new Date(i.createdAt).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')]),
    el(NS.CS, 'invite-notification', [
      el(NS.CS, 'uid', [i.uid]), hrefOf(i.sharee.address, i.sharee.name, ctx), statusElement(i), el(NS.CS, 'access', [accessElement(i.access)]),
      el(NS.CS, 'hosturl', [el(NS.DAV, 'href', [ctx.hrefs.href(i.hostPath)])]),
      el(NS.CS, 'organizer', [hrefOf(i.owner.address, i.owner.name, ctx), el(NS.CS, 'common-name', [i.owner.name])]),
      el(NS.CS, 'summary', [i.summary]),
    ]),
  ]));
}

export function sharingProperties(invitations: InvitationService): LiveProperty[] {
  const state = async (r: Resource, ctx: PropContext) => (r.type === 'collection' ? invitations.stateOf(ctx.snapshot, ctx.principal, r) : null);
  return [
    {
      ns: NS.DAV, name: 'resourcetype', protected: true, allprop: true,
      get: async (r, ctx) => {
        const s = await state(r, ctx);
        return [...resourceType(r), ...(s ? [el(NS.CS, s.role === 'owner' ? 'shared-owner' : 'shared')] : [])];
      },
    },
    { ns: NS.CS, name: 'invite', protected: true, allprop: false, get: async (r, ctx) => { const s = await state(r, ctx); return s?.role === 'owner' ? inviteElement(s.invitations, ctx) : r.type === 'collection' && r.collection.kind === 'calendar' ? [] : null; } },
    { ns: NS.CS, name: 'allowed-sharing-modes', protected: true, allprop: false, get: (r, ctx) => (r.type === 'collection' && r.collection.kind === 'calendar' && r.collection.ownerId === ctx.principal.user?.id && r.path === r.collection.path ? [el(NS.CS, 'can-be-shared')] : null) },
    {
      ns: NS.DAV, name: 'share-access', protected: true, allprop: false,
      get: async (r, ctx) => {
        if (r.type !== 'collection' || r.collection.kind !== 'calendar') return null;
        const s = await state(r, ctx);
        if (!s) return [el(NS.DAV, 'not-shared')];
        return [el(NS.DAV, s.role === 'owner' ? 'shared-owner' : s.access === 'write' || s.access === 'admin' ? 'read-write' : 'read')];
      },
    },
    { ns: NS.CS, name: 'notification-URL', protected: true, allprop: false, get: (r, ctx) => (r.type === 'principal' && r.user.id === ctx.principal.user?.id ? [el(NS.DAV, 'href', [ctx.hrefs.href(`${homePath(r.user.name)}notifications/`)])] : null) },
    { ns: NS.CS, name: 'notificationtype', protected: true, allprop: false, get: (r) => (r.type === 'notification' ? [el(NS.CS, 'invite-notification')] : null) },
  ];
}

function parseSets(root: XmlElement): { sets: { href: string; access: AccessLevel; summary: string }[]; removes: string[] } {
  const sets: { href: string; access: AccessLevel; summary: string }[] = [];
  const removes: string[] = [];
  if (root.ns === NS.CS) {
    for (const set of elements(root, NS.CS, 'set')) {
      const href = textOf(child(set, NS.DAV, 'href') ?? el(NS.DAV, 'href')).trim();
      sets.push({ href, access: child(set, NS.CS, 'read-write') ? 'write' : 'read', summary: textOf(child(set, NS.CS, 'summary') ?? el(NS.CS, 'summary')) });
    }
    for (const rm of elements(root, NS.CS, 'remove')) removes.push(textOf(child(rm, NS.DAV, 'href') ?? el(NS.DAV, 'href')).trim());
    return { sets, removes };
  }
  for (const sharee of elements(root, NS.DAV, 'sharee')) {
    const href = textOf(child(sharee, NS.DAV, 'href') ?? el(NS.DAV, 'href')).trim();
    const access = elements(child(sharee, NS.DAV, 'share-access') ?? el(NS.DAV, 'share-access'))[0]?.name ?? 'read';
    if (access === 'no-access') removes.push(href);
    else sets.push({ href, access: access === 'read-write' ? 'write' : 'read', summary: textOf(child(root, NS.DAV, 'comment') ?? el(NS.DAV, 'comment')) });
  }
  return { sets, removes };
}

/** POST on a calendar (share) or on one's home (invite-reply); null when the body is about something else. */
export async function sharingPost(req: DavRequest, dav: DavProtocol, root: XmlElement, invitations: InvitationService): Promise<DavResponse | null> {
  const isShare = (root.ns === NS.CS && root.name === 'share') || (root.ns === NS.DAV && root.name === 'share-resource');
  if (isShare) {
    const { sets, removes } = parseSets(root);
    if (sets.some((s) => s.href === '') || removes.some((h) => h === '')) throw new ReefknotError('bad-request', 'Every sharee needs a DAV:href');
    await invitations.update(req.principal, req.path, sets, removes);
    return { status: 200, headers: { 'content-length': '0' } };
  }
  if (root.ns === NS.CS && root.name === 'invite-reply') {
    const host = textOf(child(child(root, NS.CS, 'hosturl') ?? el(NS.CS, 'hosturl'), NS.DAV, 'href') ?? el(NS.DAV, 'href')).trim();
    const uid = textOf(child(root, NS.CS, 'in-reply-to') ?? el(NS.CS, 'in-reply-to')).trim() || null;
    const accept = child(root, NS.CS, 'invite-accepted') !== undefined;
    const sharedAs = await invitations.reply(req.principal, host ? dav.deps.hrefs.fromHref(host) : '', accept, uid);
    if (!sharedAs) return { status: 200, headers: { 'content-length': '0' } };
    return xmlResponse(200, el(NS.CS, 'shared-as', [el(NS.DAV, 'href', [dav.deps.hrefs.href(sharedAs)])]));
  }
  return null;
}

/** GET of a notification resource: the invitation as CalendarServer's XML. */
export async function getNotification(r: Resource, ctx: DavContext, invitations: InvitationService): Promise<DavResponse | null> {
  if (r.type !== 'notification') return null;
  const i = (await invitations.pendingFor(ctx.snapshot, r.user)).find((x) => x.uid === r.uid);
  if (!i) throw new ReefknotError('not-found', 'That invitation has been answered');
  return { status: 200, headers: { 'content-type': 'application/xml; charset=utf-8', etag: `"${r.uid}"` }, body: notificationXml(i, ctx) };
}
