/** Assembles the WebDAV core with the CalDAV extension (RFC 4791) into one protocol handler. */
import type { CalendarLimits } from '../../domain/ical/limits.js';
import type { ContentService } from '../../services/content.js';
import type { CopyMoveService } from '../../services/copy-move.js';
import type { CalendarQueryService } from '../../services/calendar-query.js';
import { coreProperties } from '../dav/core-properties.js';
import { DavProtocol, type ReportHandler } from '../dav/handler.js';
import type { Hrefs } from '../dav/paths.js';
import { PropertyRegistry } from '../dav/properties.js';
import { syncCollectionReport } from '../dav/sync-collection.js';
import { principalReports } from '../dav/principal-reports.js';
import { aclMethod, aclProperties } from '../dav/acl.js';
import type { AclService } from '../../services/acl.js';
import type { ProxyService } from '../../services/proxies.js';
import { patchProxyGroup, proxyProperties } from './proxy-properties.js';
import type { InvitationService } from '../../services/invitations.js';
import { getNotification, sharingPost, sharingProperties } from './sharing.js';
import { DavError } from '../dav/errors.js';
import type { OutboxService } from '../../services/scheduling/outbox.js';
import { outboxPost, schedulingCheckedProperties, schedulingProperties } from './scheduling.js';
import { calendarFeed, mkcalendar } from './mkcalendar.js';
import { caldavCheckedProperties, caldavProperties } from './properties.js';
import { caldavReports } from './reports.js';

export interface CaldavDeps {
  content: ContentService;
  copyMove: CopyMoveService;
  calendarQuery: CalendarQueryService;
  acl: AclService;
  proxies: ProxyService;
  invitations: InvitationService;
  outbox: OutboxService;
  hrefs: Hrefs;
  limits: CalendarLimits;
  maxXmlBytes: number;
}

export function buildCaldav(deps: CaldavDeps): DavProtocol {
  const reports: ReportHandler[] = [...caldavReports(deps.calendarQuery), syncCollectionReport, ...principalReports()];
  const registry = new PropertyRegistry().add(...coreProperties(() => reports), ...caldavProperties(), ...aclProperties(deps.acl), ...proxyProperties(deps.proxies), ...sharingProperties(deps.invitations), ...schedulingProperties()).addChecked(...caldavCheckedProperties(), ...schedulingCheckedProperties());
  let dav: DavProtocol;
  dav = new DavProtocol({ ...deps, registry }, {
    davClasses: ['1', '3', 'access-control', 'calendar-access', 'extended-mkcol', 'calendar-proxy', 'calendarserver-sharing', 'resource-sharing', 'calendar-auto-schedule', 'calendar-schedule'],
    methods: {
      MKCALENDAR: (req, d) => mkcalendar(req, d),
      ACL: aclMethod(deps.acl),
      POST: async (req, d) => {
        const target = await d.read(req, (ctx) => ctx.resources.require(ctx.snapshot, req.principal, req.path));
        const scheduled = await outboxPost(req, target, deps.outbox);
        if (scheduled) return scheduled;
        const root = d.parseBody(req);
        const handled = root ? await sharingPost(req, d, root, deps.invitations) : null;
        if (!handled) throw new DavError(400, 'POST here takes a sharing request (CS:share, DAV:share-resource or CS:invite-reply), or a scheduling message to an outbox');
        return handled;
      },
    },
    reports,
    getCollection: (r, ctx) => calendarFeed(r, ctx, dav),
    getOther: (r, ctx) => getNotification(r, ctx, deps.invitations),
    patchOther: async (req, target, root, d) => (target.type === 'proxy-group' ? patchProxyGroup(req, d, target, root, deps.proxies) : null),
  });
  return dav;
}
