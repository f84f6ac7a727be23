/**
 * DAV: live properties of RFC 4918 §15, RFC 3744 (owner, current-user-privilege-set,
 * principal-collection-set), RFC 5397 (current-user-principal), RFC 4331 (quota) and
 * RFC 6578 (sync-token), plus CalendarServer's getctag.
 */
import type { Privilege } from '../../services/access.js';
import { CALDAV_PRIVILEGES } from '../../domain/acl/privileges.js';
import { USER_PRINCIPALS_PATH, principalPath } from '../../services/context.js';
import { ResourceService, type Resource } from '../../services/resources.js';
import type { LiveProperty, PropContext } from './properties.js';
import { el, NS, type XmlElement, type XmlNode } from './xml.js';

export interface ReportInfo {
  ns: string;
  name: string;
  appliesTo(r: Resource): boolean;
}

export const isCollection = (r: Resource): boolean => r.type !== 'object';

const hrefNode = (ctx: PropContext, path: string): XmlNode[] => [el(NS.DAV, 'href', [ctx.hrefs.href(path)])];

async function ownerPath(r: Resource, ctx: PropContext): Promise<string | null> {
  if (r.type === 'collection' || r.type === 'object') {
    const name = await ctx.resources.userName(ctx.snapshot, r.collection.ownerId);
    return name ? principalPath(name) : null;
  }
  if (r.type === 'principal') return principalPath(r.user.name);
  return null;
}

export const syncToken = (collectionId: number, revision: number): string => `https://reefknot.org/ns/sync/${collectionId}-${revision}`;

export function resourceType(r: Resource): XmlNode[] {
  switch (r.type) {
    case 'object':
      return [];
    case 'principal':
      return [el(NS.DAV, 'collection'), el(NS.DAV, 'principal')];
    case 'notifications':
      return [el(NS.DAV, 'collection'), el(NS.CS, 'notification')];
    case 'notification':
      return [];
    case 'proxy-group':
      return [el(NS.DAV, 'principal'), el(NS.CS, r.write ? 'calendar-proxy-write' : 'calendar-proxy-read')];
    case 'collection':
      if (r.collection.kind === 'calendar') return [el(NS.DAV, 'collection'), el(NS.CALDAV, 'calendar')];
      if (r.collection.kind === 'inbox') return [el(NS.DAV, 'collection'), el(NS.CALDAV, 'schedule-inbox')];
      if (r.collection.kind === 'outbox') return [el(NS.DAV, 'collection'), el(NS.CALDAV, 'schedule-outbox')];
      return [el(NS.DAV, 'collection')];
    default:
      return [el(NS.DAV, 'collection')];
  }
}

function modified(r: Resource): number | null {
  if (r.type === 'object') return r.object.modifiedAt;
  if (r.type === 'collection') return r.collection.modifiedAt;
  return null;
}

function created(r: Resource): number | null {
  if (r.type === 'object') return r.object.createdAt;
  if (r.type === 'collection') return r.collection.createdAt;
  return null;
}

/** The element of each privilege (RFC 3744 §3; CALDAV:read-free-busy, RFC 4791 §6.1.1). */
export function privilegeElement(p: Privilege): XmlElement {
  return el(CALDAV_PRIVILEGES.has(p) ? NS.CALDAV : NS.DAV, p);
}

function currentPrivileges(r: Resource): XmlNode[] {
  const held: readonly Privilege[] = r.type === 'collection' || r.type === 'object' ? [...r.access.privileges] : ['read', 'read-current-user-privilege-set'];
  return held.map((p) => el(NS.DAV, 'privilege', [privilegeElement(p)]));
}

export function coreProperties(reports: () => ReportInfo[]): LiveProperty[] {
  const prop = (name: string, allprop: boolean, get: LiveProperty['get'], ns: string = NS.DAV): LiveProperty => ({ ns, name, protected: true, allprop, get });
  return [
    prop('resourcetype', true, (r) => resourceType(r)),
    prop('getetag', true, (r) => (r.type === 'object' ? [`"${ResourceService.visibleEtag(r)}"`] : r.type === 'notification' ? [`"${r.uid}"`] : null)),
    prop('getcontenttype', true, (r) => (r.type === 'object' ? [r.object.contentType] : r.type === 'notification' ? ['application/xml; charset=utf-8'] : null)),
    prop('getcontentlength', true, (r) => (r.type === 'object' && !ResourceService.hidesDetails(r) ? [String(r.object.size)] : null)),
    prop('getlastmodified', true, (r) => {
      const t = modified(r);
      return t === null ? null : [new Date(t).toUTCString()];
    }),
    prop('creationdate', true, (r) => {
      const t = created(r);
      return t === null ? null : [new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z')];
    }),
    {
      ns: NS.DAV, name: 'displayname', protected: false, allprop: true,
      get: (r) => (r.type === 'principal' ? [r.user.name] : r.type === 'proxy-group' ? [`${r.owner.name} (${r.write ? 'write' : 'read'} delegates)`] : null),
    },
    prop('current-user-principal', false, (_r, ctx) => (ctx.principal.user ? hrefNode(ctx, principalPath(ctx.principal.user.name)) : [el(NS.DAV, 'unauthenticated')])),
    prop('principal-URL', false, (r, ctx) => (r.type === 'principal' || r.type === 'proxy-group' ? hrefNode(ctx, r.path) : null)),
    prop('principal-collection-set', false, (_r, ctx) => hrefNode(ctx, USER_PRINCIPALS_PATH)),
    prop('owner', false, async (r, ctx) => {
      const p = await ownerPath(r, ctx);
      return p ? hrefNode(ctx, p) : [];
    }),
    prop('current-user-privilege-set', false, (r) => currentPrivileges(r)),
    prop('supported-report-set', false, (r) =>
      reports()
        .filter((rep) => rep.appliesTo(r))
        .map((rep) => el(NS.DAV, 'supported-report', [el(NS.DAV, 'report', [el(rep.ns, rep.name)])])),
    ),
    prop('quota-used-bytes', false, async (r, ctx) => {
      if (r.type !== 'collection') return null;
      return [String((await ctx.resources.quota(ctx.snapshot, r.collection.ownerId)).used)];
    }),
    prop('quota-available-bytes', false, async (r, ctx) => {
      if (r.type !== 'collection') return null;
      const { used, quota } = await ctx.resources.quota(ctx.snapshot, r.collection.ownerId);
      return quota === null ? null : [String(Math.max(0, quota - used))];
    }),
    prop('sync-token', false, (r) => (r.type === 'collection' ? [syncToken(r.collection.id, r.collection.revision)] : null)),
    prop('getctag', false, (r) => (r.type === 'collection' ? [syncToken(r.collection.id, r.collection.revision)] : null), NS.CS),
    prop('supportedlock', false, () => []),
    prop('lockdiscovery', false, () => []),
  ];
}

