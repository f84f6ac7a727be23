/**
 * A small typed CalDAV client (fetch + xml.ts): discovery (RFC 6764 §6 /.well-known/caldav,
 * RFC 5397 current-user-principal, RFC 4791 §6.2.1 calendar-home-set), MKCALENDAR (§5.3.1),
 * sync-collection REPORT (RFC 6578 §3.2) with a ctag + getetag listing as fallback, GET and
 * ETag-guarded PUT/DELETE (RFC 4791 §5.3.4, RFC 7232 If-Match / If-None-Match: *), and the
 * RFC 6638 §5 schedule-outbox-URL POST of a VFREEBUSY request.
 */
import { CALDAV, CS, DAV, escapeXml, find, multistatus, prop, textOf, type DavResponse } from './xml.js';
import { ClientError } from './profile.js';

export interface Resource { href: string; etag: string | null }
export interface SyncResult { token: string | null; changed: Resource[]; removed: string[] }
export class SyncUnsupported extends Error {}
export class PreconditionFailed extends Error {}

const PROPS = (names: string): string => `<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" xmlns:c="${CALDAV}" xmlns:cs="${CS}"><d:prop>${names}</d:prop></d:propfind>`;

export class CalDavClient {
  private readonly auth: string;

  constructor(readonly base: string, user: string, password: string) {
    this.auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  url(href: string): string {
    return new URL(href.split('/').map((s) => encodeURIComponent(s)).join('/'), this.base).toString();
  }

  async request(method: string, href: string, o: { body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(/^https?:/.test(href) ? href : this.url(href), { method, headers: { authorization: this.auth, ...(o.body ? { 'content-type': /^BEGIN:/.test(o.body) ? 'text/calendar; charset=utf-8' : 'application/xml; charset=utf-8' } : {}), ...o.headers }, ...(o.body !== undefined ? { body: o.body } : {}), redirect: 'follow' });
    } catch (e) {
      throw new ClientError(`cannot reach the server ${this.base}: ${(e as Error).message}`);
    }
    if (res.status === 401) throw new ClientError(`the server ${this.base} refused the user name or password`);
    return res;
  }

  private async propfind(href: string, depth: '0' | '1', names: string): Promise<DavResponse[]> {
    const res = await this.request('PROPFIND', href, { body: PROPS(names), headers: { depth } });
    if (res.status !== 207) throw new ClientError(`PROPFIND ${href}: the server answered ${res.status}`);
    return multistatus(await res.text()).responses;
  }

  private async hrefProp(href: string, ns: string, name: string, xml: string): Promise<string | null> {
    const rs = await this.propfind(href, '0', xml);
    const r = rs[0];
    const h = r ? find(prop(r, ns, name), DAV, 'href') : undefined;
    return h ? decodeURIComponent(textOf(h)) : null;
  }

  async principal(): Promise<string> {
    for (const start of [new URL(this.base).pathname, '/.well-known/caldav']) {
      try {
        const p = await this.hrefProp(start, DAV, 'current-user-principal', '<d:current-user-principal/>');
        if (p) return p;
      } catch (e) {
        if (e instanceof ClientError && /refused the user/.test(e.message)) throw e;
      }
    }
    throw new ClientError(`cannot find your principal on ${this.base}`);
  }

  /** The first calendar for events in the user's home; one is made (MKCALENDAR) when there is none. */
  async discoverCalendar(): Promise<string> {
    const principal = await this.principal();
    const home = (await this.hrefProp(principal, CALDAV, 'calendar-home-set', '<c:calendar-home-set/>')) ?? principal;
    const rs = await this.propfind(home, '1', '<d:resourcetype/><c:supported-calendar-component-set/>');
    for (const r of rs) {
      if (!find(prop(r, DAV, 'resourcetype'), CALDAV, 'calendar')) continue;
      const comps = prop(r, CALDAV, 'supported-calendar-component-set');
      if (comps && comps.children.length && !comps.children.some((c) => /^VEVENT$/i.test(c.attrs.name ?? ''))) continue;
      return r.href;
    }
    const href = `${home.replace(/\/?$/, '/')}calendar/`;
    let res = await this.request('MKCALENDAR', href);
    if (res.status === 409) {
      await (await this.request('MKCOL', home)).arrayBuffer();
      res = await this.request('MKCALENDAR', href);
    }
    if (res.status !== 201) throw new ClientError(`no calendar found in ${home}, and MKCALENDAR answered ${res.status}`);
    return href;
  }

  async ctag(collection: string): Promise<string | null> {
    const r = (await this.propfind(collection, '0', '<cs:getctag/><d:sync-token/>'))[0];
    return r ? textOf(prop(r, CS, 'getctag')) || textOf(prop(r, DAV, 'sync-token')) || null : null;
  }

  /** Every member's ETag (the fallback when sync-collection is not offered). */
  async etags(collection: string): Promise<Resource[]> {
    const rs = await this.propfind(collection, '1', '<d:getetag/><d:resourcetype/>');
    return rs.filter((r) => !r.href.endsWith('/')).map((r) => ({ href: r.href, etag: textOf(prop(r, DAV, 'getetag')) || null }));
  }

  /** RFC 6578 §3.2: what changed since the token (everything for null). */
  async syncCollection(collection: string, token: string | null): Promise<SyncResult> {
    const body = `<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>${token ? escapeXml(token) : ''}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;
    const res = await this.request('REPORT', collection, { body, headers: { depth: '0' } });
    const text = await res.text();
    if (res.status !== 207) {
      if (token && /valid-sync-token/.test(text)) return this.syncCollection(collection, null);
      throw new SyncUnsupported(`sync-collection answered ${res.status}`);
    }
    const ms = multistatus(text);
    const changed: Resource[] = [];
    const removed: string[] = [];
    for (const r of ms.responses) {
      if (r.href.endsWith('/')) continue;
      if (r.status === 404) removed.push(r.href);
      else changed.push({ href: r.href, etag: textOf(prop(r, DAV, 'getetag')) || null });
    }
    return { token: ms.syncToken, changed, removed };
  }

  async get(href: string): Promise<{ text: string; etag: string | null } | null> {
    const res = await this.request('GET', href);
    if (res.status === 404) return null;
    if (res.status !== 200) throw new ClientError(`GET ${href}: the server answered ${res.status}`);
    return { text: await res.text(), etag: res.headers.get('etag') };
  }

  /** PUT guarded by If-Match (a known ETag) or If-None-Match: * (a new resource). */
  async put(href: string, text: string, etag: string | null): Promise<string | null> {
    const res = await this.request('PUT', href, { body: text, headers: etag ? { 'if-match': etag } : { 'if-none-match': '*' } });
    await res.arrayBuffer();
    if (res.status === 412) throw new PreconditionFailed(href);
    if (res.status >= 300) throw new ClientError(`PUT ${href}: the server answered ${res.status}`);
    return res.headers.get('etag');
  }

  async delete(href: string, etag: string | null): Promise<void> {
    const res = await this.request('DELETE', href, { headers: etag ? { 'if-match': etag } : {} });
    await res.arrayBuffer();
    if (res.status === 412) throw new PreconditionFailed(href);
    if (res.status >= 300 && res.status !== 404) throw new ClientError(`DELETE ${href}: the server answered ${res.status}`);
  }

  private scheduleUrls: Promise<{ inbox: string | null; outbox: string | null }> | null = null;

  /** The principal's RFC 6638 §2.1–2.2 schedule-inbox-URL and schedule-outbox-URL (null where not offered). */
  async schedulingUrls(): Promise<{ inbox: string | null; outbox: string | null }> {
    this.scheduleUrls ??= (async () => {
      const principal = await this.principal();
      const r = (await this.propfind(principal, '0', '<c:schedule-inbox-URL/><c:schedule-outbox-URL/>'))[0];
      const href = (name: string): string | null => {
        const h = r ? find(prop(r, CALDAV, name), DAV, 'href') : undefined;
        return h ? decodeURIComponent(textOf(h)) : null;
      };
      return { inbox: href('schedule-inbox-URL'), outbox: href('schedule-outbox-URL') };
    })();
    return this.scheduleUrls;
  }

  /**
   * RFC 6638 §5: POST an iTIP message to the outbox (a VFREEBUSY REQUEST, or an explicit COUNTER,
   * DECLINECOUNTER, …); the CALDAV:schedule-response as text.
   */
  async outboxPost(ical: string, originator: string, recipients: string[]): Promise<string> {
    const { outbox } = await this.schedulingUrls();
    if (!outbox) throw new ClientError('the server offers no scheduling outbox (RFC 6638)');
    const res = await this.request('POST', outbox, { body: ical, headers: { originator, recipient: recipients.join(', ') } });
    const text = await res.text();
    const why = /<[^>]*(?:message|description)[^>]*>([^<]+)</i.exec(text)?.[1];
    if (res.status !== 200) throw new ClientError(`the outbox POST answered ${res.status}${why ? `: ${why}` : ''}`);
    return text;
  }
}
