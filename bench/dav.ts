/**
 * The HTTP client of the benchmark (Node's fetch: undici, keep-alive by default) and the WebDAV /
 * CalDAV request bodies it sends: calendar-query and expand (RFC 4791 §7.8, §9.6.5),
 * calendar-multiget (§7.9), free-busy-query (§7.10), PROPFIND (RFC 4918 §9.1) and
 * sync-collection (RFC 6578 §3.2). Responses are read with small regular expressions, prefix
 * agnostic, since every server picks its own namespace prefixes.
 */
import { formatWall } from './tz.js';
import { unionLength } from './reference.js';

export interface HttpResult {
  status: number;
  text: string;
  etag: string | null;
  ms: number;
}

export class Client {
  constructor(readonly base: string, private readonly auth: string | null, private readonly timeoutMs = 120_000) {}

  async request(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<HttpResult> {
    const h: Record<string, string> = { ...headers };
    if (this.auth) h.authorization = this.auth;
    if (body !== undefined && !h['content-type']) h['content-type'] = 'application/xml; charset=utf-8';
    const t0 = performance.now();
    const res = await fetch(this.base + path, { method, headers: h, body, signal: AbortSignal.timeout(this.timeoutMs) });
    const text = await res.text();
    return { status: res.status, text, etag: res.headers.get('etag'), ms: performance.now() - t0 };
  }
}

export const basicAuth = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const utc = (ms: number): string => `${formatWall(ms)}Z`;
const XML = '<?xml version="1.0" encoding="utf-8"?>\n';

export function calendarQueryBody(start: number, end: number, expand: boolean): string {
  const data = expand ? `<C:calendar-data><C:expand start="${utc(start)}" end="${utc(end)}"/></C:calendar-data>` : '';
  return `${XML}<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">` +
    `<D:prop><D:getetag/>${data}</D:prop>` +
    '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">' +
    `<C:time-range start="${utc(start)}" end="${utc(end)}"/>` +
    '</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>';
}

export function multigetBody(hrefs: string[]): string {
  return `${XML}<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">` +
    `<D:prop><D:getetag/><C:calendar-data/></D:prop>${hrefs.map((h) => `<D:href>${h}</D:href>`).join('')}</C:calendar-multiget>`;
}

export const PROPFIND_ETAG = `${XML}<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>`;

export function syncCollectionBody(token: string | null): string {
  const t = token === null ? '<D:sync-token/>' : `<D:sync-token>${escapeXml(token)}</D:sync-token>`;
  return `${XML}<D:sync-collection xmlns:D="DAV:">${t}<D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`;
}

export function freeBusyBody(start: number, end: number): string {
  return `${XML}<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="${utc(start)}" end="${utc(end)}"/></C:free-busy-query>`;
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unescapeXml = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#13;/g, '\r').replace(/&amp;/g, '&');

export interface DavResponse {
  href: string;
  /** True when the response carries a 200 (propstat or whole-response status). */
  ok: boolean;
  /** Number of VEVENTs in its calendar-data, if any. */
  vevents: number;
}

const RESPONSE = /<(?:[\w.-]+:)?response\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?response>/g;
const HREF = /<(?:[\w.-]+:)?href\b[^>]*>([^<]*)<\//;

export function parseMultistatus(text: string): DavResponse[] {
  const out: DavResponse[] = [];
  for (const m of text.matchAll(RESPONSE)) {
    const inner = m[1] ?? '';
    const href = unescapeXml((HREF.exec(inner)?.[1] ?? '').trim());
    out.push({ href: decodeHref(href), ok: /HTTP\/1\.[01] 200/.test(inner), vevents: (inner.match(/BEGIN:VEVENT/g) ?? []).length });
  }
  return out;
}

/** The path of an href (servers may answer absolute URLs) with percent-escapes decoded. */
function decodeHref(href: string): string {
  const path = href.replace(/^https?:\/\/[^/]+/, '');
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The multistatus' own DAV:sync-token (the last one in the body). */
export function syncTokenOf(text: string): string | null {
  let token: string | null = null;
  for (const m of text.matchAll(/<(?:[\w.-]+:)?sync-token\b[^>]*>([^<]*)<\//g)) token = unescapeXml((m[1] ?? '').trim());
  return token;
}

function parseDuration(d: string): number {
  const m = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(d);
  if (!m) return NaN;
  const n = (i: number): number => Number(m[i] ?? 0);
  const ms = ((((n(2) * 7 + n(3)) * 24 + n(4)) * 60 + n(5)) * 60 + n(6)) * 1000;
  return m[1] === '-' ? -ms : ms;
}

function parseUtc(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** Busy time (ms, union of all FREEBUSY periods of any busy type) inside [start, end). */
export function busyTimeOf(ics: string, start: number, end: number): number {
  const lines = ics.replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  const periods: Array<[number, number]> = [];
  for (const line of lines) {
    if (!/^FREEBUSY[;:]/i.test(line)) continue;
    if (/FBTYPE=FREE[;:]/i.test(line)) continue;
    const value = line.slice(line.indexOf(':') + 1); // FBTYPE values hold no colon
    for (const p of value.split(',')) {
      const [a, b] = p.split('/');
      const s = parseUtc(a ?? '');
      const e = b && b.includes('P') ? s + parseDuration(b) : parseUtc(b ?? '');
      if (Number.isFinite(s) && Number.isFinite(e)) periods.push([Math.max(s, start), Math.min(e, end)]);
    }
  }
  return unionLength(periods.filter(([s, e]) => e > s));
}
