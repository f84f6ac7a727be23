/**
 * Sending over iSchedule (draft-desruisseaux-ischedule-05 §8): one POST per message and recipient
 * to the receiver `Discovery` finds, DKIM-signed with this server's key for the originator's
 * domain. The receiver's per-recipient request-status becomes the SCHEDULE-STATUS (2.0 → 1.2
 * delivered; 3.7, 3.8, 5.x as given). A request that never got an answer throws a retryable
 * error (the queue tries again); a refusal of the whole request is permanent.
 */
import { randomUUID } from 'node:crypto';
import type { ISchedulePeers } from '../../services/scheduling/ischedule-peers.js';
import { PermanentDeliveryError, type OutboundMessage, type Transport } from '../../services/scheduling/transports.js';
import { signRequest } from './dkim.js';
import type { Discovery } from './discovery.js';
import { ConnectError, httpRequest, type HttpResult } from './http-client.js';
import { errorCondition, parseScheduleResponse, type RecipientAnswer } from './xml.js';

const domainOf = (address: string): string => address.replace(/^mailto:/i, '').split('@')[1]?.toLowerCase() ?? '';
const componentOf = (ical: string): string => /^BEGIN:(VEVENT|VTODO|VJOURNAL|VFREEBUSY)\r?$/m.exec(ical)?.[1] ?? 'VEVENT';
const methodOf = (ical: string): string => /^METHOD:([A-Z-]+)\r?$/im.exec(ical)?.[1]?.toUpperCase() ?? 'REQUEST';

export class IScheduleTransport implements Transport {
  readonly name = 'ischedule';

  constructor(private readonly deps: { peers: ISchedulePeers; discovery: Discovery; timeoutMs: number; now: () => number }) {}

  async handles(recipient: string): Promise<boolean> {
    const domain = domainOf(recipient);
    if (!domain || (await this.deps.peers.keys()).length === 0) return false;
    return (await this.deps.discovery.locate(domain, await this.deps.peers.peer(domain))) !== null;
  }

  async send(m: OutboundMessage): Promise<string> {
    const answers = await this.post(m.originator, [m.recipient], m.ical, m.messageId);
    if (answers === 'duplicate') return '1.2';
    const code = answers.find((a) => a.recipient === m.recipient.toLowerCase())?.requestStatus.split(';')[0] ?? answers[0]?.requestStatus.split(';')[0] ?? '5.1';
    return code.startsWith('2.') ? '1.2' : code;
  }

  /** A remote attendee's busy time (RFC 6638 §3.2.2 across servers); null when their domain has no receiver. */
  async freeBusy(originator: string, attendee: string, request: string): Promise<RecipientAnswer | null> {
    if (!(await this.handles(attendee))) return null;
    try {
      const answers = await this.post(originator, [attendee], request, `${randomUUID()}@reefknot`);
      if (answers === 'duplicate') return null;
      return answers.find((a) => a.recipient === attendee.toLowerCase()) ?? answers[0] ?? null;
    } catch (e) {
      return { recipient: attendee, requestStatus: e instanceof PermanentDeliveryError ? `${e.scheduleStatus};${e.message}` : '5.1;Could not reach the attendee\'s server' };
    }
  }

  private async post(originator: string, recipients: string[], ical: string, messageId: string): Promise<RecipientAnswer[] | 'duplicate'> {
    const from = domainOf(originator);
    const key = await this.deps.peers.key(from);
    if (!key) throw new PermanentDeliveryError(`this server has no iSchedule key for ${from}`);
    const target = recipients[0] ? await this.deps.discovery.locate(domainOf(recipients[0]), await this.deps.peers.peer(domainOf(recipients[0]))) : null;
    if (!target) throw new ConnectError('no iSchedule receiver for the recipient\'s domain');
    const body = Buffer.from(ical, 'utf8');
    const headers: Record<string, string> = {
      Originator: originator, Recipient: recipients.join(', '), 'Content-Type': `text/calendar; charset=utf-8; component=${componentOf(ical)}; method=${methodOf(ical)}`,
      'iSchedule-Version': '1.0', 'iSchedule-Message-ID': messageId, 'Cache-Control': 'no-cache, no-transform',
    };
    headers['DKIM-Signature'] = signRequest({ method: 'POST', path: target.pathname, headers, body, domain: key.domain, selector: key.selector, privateKeyPem: key.privateKeyPem, now: this.deps.now() });
    const res = await httpRequest(target, { method: 'POST', headers, body, timeoutMs: this.deps.timeoutMs, discovery: this.deps.discovery });
    return this.interpret(res);
  }

  private interpret(res: HttpResult): RecipientAnswer[] | 'duplicate' {
    const text = res.body.toString('utf8');
    if (res.status === 200) return parseScheduleResponse(text);
    if (res.status === 409) return 'duplicate';
    if (res.status >= 500 || res.status === 429) throw new Error(`the receiver answered ${res.status}${res.headers['retry-after'] ? `; retry after ${res.headers['retry-after']} s` : ''}`);
    const condition = errorCondition(text) ?? `HTTP ${res.status}`;
    throw new PermanentDeliveryError(`the receiver refused the request: ${condition}`, res.status === 403 ? '3.8' : '5.1');
  }
}
