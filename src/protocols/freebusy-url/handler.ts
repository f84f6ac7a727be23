/**
 * The free-busy URL (CalConnect free-busy read URL): GET /freebusy/USER or
 * /freebusy/?user=mailto:ADDR with start, end or period, and format (text/calendar, or
 * application/calendar+json for jCal, RFC 7265); PUT /freebusy/USER?token=… uploads busy time.
 */
import ICAL from 'ical.js';
import { ReefknotError } from '../../domain/errors.js';
import type { Principal } from '../../services/access.js';
import type { FreeBusyUrlService } from '../../services/freebusy-url.js';
import { renderDavError, toDavError } from '../dav/errors.js';
import type { DavResponse } from '../dav/http-types.js';

export const FREEBUSY_PATH = '/freebusy/';
const DEFAULT_SPAN_MS = 42 * 86_400_000;

export interface FreeBusyRequest {
  method: string;
  path: string;
  query: string;
  body: Buffer;
  principal: Principal;
}

/** 20270101T000000Z, 2027-01-01T00:00:00Z or 2027-01-01 to ms. */
export function parseInstant(text: string): number {
  const compact = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(text);
  const ms = compact ? Date.UTC(Number(compact[1]), Number(compact[2]) - 1, Number(compact[3]), Number(compact[4] ?? 0), Number(compact[5] ?? 0), Number(compact[6] ?? 0)) : Date.parse(text);
  if (!Number.isFinite(ms) || !/\d{4}/.test(text)) throw new ReefknotError('bad-request', `'${text}' is not a date or UTC date-time`);
  return ms;
}

function rangeOf(params: URLSearchParams, now: number): { start: number; end: number } {
  const start = params.has('start') ? parseInstant(params.get('start') ?? '') : Math.floor(now / 86_400_000) * 86_400_000;
  if (params.has('end')) return { start, end: parseInstant(params.get('end') ?? '') };
  if (params.has('period')) {
    let seconds: number;
    try {
      seconds = ICAL.Duration.fromString(params.get('period') ?? '').toSeconds();
    } catch {
      throw new ReefknotError('bad-request', `period '${params.get('period')}' is not an ISO 8601 duration such as P7D`);
    }
    return { start, end: start + seconds * 1000 };
  }
  return { start, end: start + DEFAULT_SPAN_MS };
}

export class FreeBusyUrlHandler {
  constructor(private readonly service: FreeBusyUrlService, private readonly now: () => number) {}

  static owns(path: string): boolean {
    return path === '/freebusy' || path.startsWith(FREEBUSY_PATH);
  }

  async handle(req: FreeBusyRequest): Promise<DavResponse> {
    try {
      return await this.dispatch(req);
    } catch (e) {
      if (e instanceof ReefknotError) return renderDavError(toDavError(e, (p) => p));
      throw e;
    }
  }

  private async dispatch(req: FreeBusyRequest): Promise<DavResponse> {
    const params = new URLSearchParams(req.query);
    const name = req.path.slice(FREEBUSY_PATH.length).replace(/\/$/, '');
    if (req.method === 'PUT') {
      if (!name) throw new ReefknotError('bad-request', 'PUT busy time to /freebusy/USER?token=…');
      await this.service.upload(name, params.get('token') ?? '', req.body.toString('utf8'));
      return { status: 204, headers: {} };
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new ReefknotError('method-not-allowed', 'The free-busy URL answers GET and PUT');
    const who = name ? { name } : { address: params.get('user') ?? '' };
    if (!who.name && !who.address) throw new ReefknotError('bad-request', 'Name the person: /freebusy/USER or /freebusy/?user=mailto:ADDRESS');
    const text = await this.service.read(req.principal, who, rangeOf(params, this.now()));
    // A '+' left unencoded in the query reads as a space.
    const format = (params.get('format') ?? 'text/calendar').replace(/ /g, '+');
    if (format === 'application/calendar+json') {
      return { status: 200, headers: { 'content-type': 'application/calendar+json; charset=utf-8' }, body: JSON.stringify(ICAL.parse(text)) };
    }
    if (format !== 'text/calendar') throw new ReefknotError('bad-request', 'format must be text/calendar or application/calendar+json');
    return { status: 200, headers: { 'content-type': 'text/calendar; charset=utf-8' }, body: text };
  }
}
