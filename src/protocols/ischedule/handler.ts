/**
 * The iSchedule receiver at /.well-known/ischedule (draft-desruisseaux-ischedule-05 §5, §8):
 * GET ?action=capabilities; POST of an iTIP message with Originator, Recipient and
 * iSchedule-Version headers, authenticated by its DKIM-Signature (§7) with the signing domain's
 * key (pinned for the peer, else DNS TXT, else the http well-known key URL); bounded in size and
 * recipients, rate-limited per domain, and answered with a per-recipient schedule-response.
 * Also serves this server's own key records at /.well-known/domainkey/DOMAIN/SELECTOR (the
 * http/well-known key query).
 */
import type { DavResponse } from '../dav/http-types.js';
import type { IScheduleReceive } from '../../services/scheduling/ischedule-receive.js';
import { dkimKeyRecord, keyFromRecord, type ISchedulePeers } from '../../services/scheduling/ischedule-peers.js';
import { checkSignature, parseTags, verifySignature } from './dkim.js';
import { WELL_KNOWN_PATH, type Discovery } from './discovery.js';
import { httpRequest } from './http-client.js';
import { capabilities, errorAnswer, scheduleResponse } from './xml.js';

export interface IScheduleLimits {
  maxContentLength: number;
  maxRecipients: number;
  maxInstances: number;
  /** Requests accepted per signing domain per minute. */
  perPeerPerMinute: number;
}

export const DEFAULT_ISCHEDULE_LIMITS: IScheduleLimits = { maxContentLength: 1024 * 1024, maxRecipients: 100, maxInstances: 10_000, perPeerPerMinute: 120 };

export interface IScheduleRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

const plain = (status: number, text: string): DavResponse => ({ status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `${text}\n` });

export class IScheduleHandler {
  private readonly recent = new Map<string, number[]>();

  constructor(private readonly deps: { receive: IScheduleReceive; peers: ISchedulePeers; discovery: Discovery; limits: IScheduleLimits; now: () => number }) {}

  /** Whether this handler answers `path` (the server routes it before CalDAV). */
  static owns(path: string): boolean {
    return path === WELL_KNOWN_PATH || path === `${WELL_KNOWN_PATH}/` || path.startsWith('/.well-known/domainkey/');
  }

  async handle(req: IScheduleRequest): Promise<DavResponse> {
    if (req.path.startsWith('/.well-known/domainkey/')) return this.keyRecord(req);
    if (req.method === 'GET') {
      if (new URLSearchParams(req.query).get('action') !== 'capabilities') return errorAnswer(400, 'invalid-query', 'GET takes ?action=capabilities');
      return capabilities({ serial: 1, ...this.deps.limits });
    }
    if (req.method !== 'POST') return { ...plain(405, 'iSchedule takes GET ?action=capabilities and POST'), headers: { allow: 'GET, POST' } };
    return this.post(req);
  }

  private async keyRecord(req: IScheduleRequest): Promise<DavResponse> {
    const [domain, selector] = req.path.slice('/.well-known/domainkey/'.length).split('/');
    const key = domain ? await this.deps.peers.key(domain) : null;
    if (!key || key.selector !== selector) return plain(404, 'No such key');
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: dkimKeyRecord(key.publicKeyPem) };
  }

  private headerProblem(req: IScheduleRequest): DavResponse | null {
    const h = req.headers;
    if (!(h['ischedule-version'] ?? '').split(',').map((v) => v.trim()).includes('1.0')) return errorAnswer(400, 'version-not-supported', 'iSchedule-Version 1.0 is required');
    if (!/^text\/calendar\b/i.test(h['content-type'] ?? '')) return errorAnswer(415, 'invalid-calendar-data-type', 'The body must be text/calendar');
    if (!h.originator) return errorAnswer(400, 'originator-missing', 'An Originator header is required');
    if (!h.recipient) return errorAnswer(400, 'recipient-missing', 'A Recipient header is required');
    if (!h['ischedule-message-id']) return errorAnswer(400, 'invalid-scheduling-message', 'An iSchedule-Message-ID header is required');
    if (!h['dkim-signature']) return errorAnswer(403, 'verification-failed', 'The request carries no DKIM-Signature');
    if (req.body.length > this.deps.limits.maxContentLength) return errorAnswer(413, 'max-content-length', `The body is larger than ${this.deps.limits.maxContentLength} bytes`);
    return null;
  }

  private overLimit(domain: string): boolean {
    const now = this.deps.now();
    const recent = (this.recent.get(domain) ?? []).filter((t) => t > now - 60_000);
    recent.push(now);
    this.recent.set(domain, recent);
    return recent.length > this.deps.limits.perPeerPerMinute;
  }

  private async post(req: IScheduleRequest): Promise<DavResponse> {
    const problem = this.headerProblem(req);
    if (problem) return problem;
    const recipients = (req.headers.recipient ?? '').split(',').map((r) => r.trim()).filter((r) => r !== '');
    if (recipients.length > this.deps.limits.maxRecipients) return errorAnswer(400, 'max-recipients', `At most ${this.deps.limits.maxRecipients} recipients per request`);
    const verdict = checkSignature({ ...req, path: WELL_KNOWN_PATH }, this.deps.now());
    if (!verdict.ok) return errorAnswer(403, 'verification-failed', verdict.reason);
    if (this.overLimit(verdict.domain)) return errorAnswer(503, 'rate-limited', `Too many requests from ${verdict.domain}; try again later`, { 'retry-after': '60' });
    const key = await this.publicKey(verdict.domain, verdict.selector, req.headers['dkim-signature'] ?? '');
    if (!key) return errorAnswer(403, 'verification-failed', `No public key found for ${verdict.selector}._domainkey.${verdict.domain}`);
    if (!verifySignature(req.headers, key)) return errorAnswer(403, 'verification-failed', 'The DKIM signature does not verify');
    const outcome = await this.deps.receive.receive({
      peerDomain: verdict.domain, originator: req.headers.originator ?? '', recipients, ical: req.body.toString('utf8'), messageId: req.headers['ischedule-message-id'] ?? '',
    });
    if (outcome.kind === 'duplicate') return errorAnswer(409, 'duplicate-message', 'This iSchedule-Message-ID was already applied');
    if (outcome.kind === 'rejected') return errorAnswer(403, 'originator-denied', outcome.reason);
    return scheduleResponse(outcome.answers);
  }

  /** The signer's key: pinned for the peer, else by the query methods the signature names (q=). */
  private async publicKey(domain: string, selector: string, signature: string): Promise<string | null> {
    const peer = await this.deps.peers.peer(domain);
    if (peer?.publicKeyPem) return peer.publicKeyPem;
    const methods = (parseTags(signature).get('q') ?? 'dns/txt').split(':');
    for (const m of methods) {
      if (m === 'dns/txt') {
        const record = await this.deps.discovery.txt(`${selector}._domainkey.${domain}`);
        const pem = record ? keyFromRecord(record) : null;
        if (pem) return pem;
      } else if (m === 'http/well-known') {
        const url = new URL(`https://${domain}/.well-known/domainkey/${domain}/${selector}`);
        const res = await httpRequest(url, { method: 'GET', timeoutMs: 2_000, discovery: this.deps.discovery }).catch(() => null);
        const pem = res?.status === 200 ? keyFromRecord(res.body.toString('utf8')) : null;
        if (pem) return pem;
      }
    }
    return null;
  }
}
