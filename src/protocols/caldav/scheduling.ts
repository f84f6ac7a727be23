/**
 * CalDAV scheduling (RFC 6638) as clients see it: schedule-inbox-URL and schedule-outbox-URL on
 * principals (§2.1–2.2), schedule-default-calendar-URL on the inbox (§9.2),
 * schedule-calendar-transp on calendars (§9.1), CALDAV:schedule-tag on objects (§9.3), and POST
 * to the outbox answered with a CALDAV:schedule-response (§10.1).
 */
import ICAL from 'ical.js';
import { ReefknotError } from '../../domain/errors.js';
import { homePath } from '../../services/context.js';
import type { OutboxService } from '../../services/scheduling/outbox.js';
import type { Resource } from '../../services/resources.js';
import type { DavRequest, DavResponse } from '../dav/http-types.js';
import { xmlResponse } from '../dav/multistatus.js';
import type { CheckedDeadProperty, LiveProperty } from '../dav/properties.js';
import { el, isElement, NS } from '../dav/xml.js';
import { REEFKNOT_NS } from '../dav/errors.js';

const href = (path: string, h: { href(p: string): string }) => el(NS.DAV, 'href', [h.href(path)]);

export function schedulingProperties(): LiveProperty[] {
  return [
    { ns: NS.CALDAV, name: 'schedule-inbox-URL', protected: true, allprop: false, get: (r, ctx) => (r.type === 'principal' ? [href(`${homePath(r.user.name)}inbox/`, ctx.hrefs)] : null) },
    { ns: NS.CALDAV, name: 'schedule-outbox-URL', protected: true, allprop: false, get: (r, ctx) => (r.type === 'principal' ? [href(`${homePath(r.user.name)}outbox/`, ctx.hrefs)] : null) },
    {
      ns: NS.CALDAV, name: 'schedule-default-calendar-URL', protected: true, allprop: false,
      get: (r, ctx) => (r.type === 'collection' && r.collection.kind === 'inbox' ? [href(`${r.collection.path.slice(0, -'inbox/'.length)}calendar/`, ctx.hrefs)] : null),
    },
    // The free-busy URL of the person (docs/freebusy.md), under Reefknot's namespace: no standard names one.
    { ns: REEFKNOT_NS, name: 'free-busy-url', protected: true, allprop: false, get: (r, ctx) => (r.type === 'principal' ? [href(`/freebusy/${r.user.name}`, ctx.hrefs)] : null) },
    { ns: NS.CALDAV, name: 'schedule-tag', protected: true, allprop: false, get: (r) => (r.type === 'object' && r.object.scheduleTag ? [`"${r.object.scheduleTag}"`] : null) },
  ];
}

/** schedule-calendar-transp (RFC 6638 §9.1): opaque (default) or transparent to busy time. */
export function schedulingCheckedProperties(): CheckedDeadProperty[] {
  return [{
    // RFC 7953 §7.2.4: the user's availability, on their inbox.
    ns: NS.CALDAV, name: 'calendar-availability',
    appliesTo: (r) => r.type === 'collection' && r.collection.kind === 'inbox',
    validate: (value) => {
      const text = value.map((v) => (typeof v === 'string' ? v : '')).join('').trim();
      try {
        const root = new ICAL.Component(ICAL.parse(text) as unknown[]);
        if (root.name !== 'vcalendar' || root.getAllSubcomponents('vavailability').length === 0) throw new Error('no VAVAILABILITY');
      } catch {
        throw new ReefknotError('invalid-property', 'calendar-availability must be a VCALENDAR holding VAVAILABILITY components (RFC 7953)');
      }
    },
  }, {
    ns: NS.CALDAV, name: 'schedule-calendar-transp',
    appliesTo: (r) => r.type === 'collection' && r.collection.kind === 'calendar',
    validate: (value) => {
      const inner = value.filter(isElement);
      if (inner.length !== 1 || inner[0]?.ns !== NS.CALDAV || !['opaque', 'transparent'].includes(inner[0]?.name ?? '')) {
        throw new ReefknotError('invalid-property', 'schedule-calendar-transp holds CALDAV:opaque or CALDAV:transparent');
      }
    },
  }];
}

/** POST of a scheduling message to an outbox; null when the target is not an outbox. */
export async function outboxPost(req: DavRequest, target: Resource, outbox: OutboxService): Promise<DavResponse | null> {
  if (target.type !== 'collection' || target.collection.kind !== 'outbox') return null;
  if (!/^text\/calendar\b/i.test(req.headers['content-type'] ?? '')) {
    throw new ReefknotError('unsupported-media-type', 'POST to an outbox takes a text/calendar scheduling message');
  }
  const recipients = (req.headers.recipient ?? '').split(',').map((r) => r.trim()).filter((r) => r !== '');
  const results = await outbox.post(req.principal, req.path, req.body.toString('utf8'), recipients);
  const responses = results.map((r) => el(NS.CALDAV, 'response', [
    el(NS.CALDAV, 'recipient', [el(NS.DAV, 'href', [r.recipient])]),
    el(NS.CALDAV, 'request-status', [r.requestStatus]),
    ...(r.calendarData ? [el(NS.CALDAV, 'calendar-data', [r.calendarData])] : []),
  ]));
  return xmlResponse(200, el(NS.CALDAV, 'schedule-response', responses));
}
