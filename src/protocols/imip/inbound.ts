/**
 * iMIP in (RFC 6047): a raw mail to what the receive service needs — the From address, the
 * Message-ID, the text/calendar part (inline alternative or attachment), the recipients — and,
 * where the server requires it, the DKIM/SPF/DMARC verdict from mailauth.
 */
import { simpleParser, type AddressObject } from 'mailparser';
import { authenticate } from 'mailauth';
import type { InboundMessage } from '../../services/scheduling/receive.js';

/** Which authentication a message must pass: none (default; test relays cannot sign), dkim, or dmarc. */
export type MailAuthPolicy = 'none' | 'dkim' | 'dmarc';

export interface Envelope {
  mailFrom?: string;
  rcptTo?: string[];
  remoteAddress?: string;
  helo?: string;
}

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address ?? '')).filter((s) => s !== '');

async function verdict(raw: Buffer, policy: MailAuthPolicy, env: Envelope): Promise<{ pass: boolean; detail: string } | null> {
  if (policy === 'none') return null;
  const r = await authenticate(raw, { sender: env.mailFrom, ip: env.remoteAddress, helo: env.helo, trustReceived: !env.remoteAddress, disableArc: true, disableBimi: true });
  if (policy === 'dkim') {
    const good = r.dkim.results.find((d) => d.status.result === 'pass' && d.status.aligned !== false);
    return { pass: good !== undefined, detail: good ? `dkim=pass (${good.signingDomain})` : `dkim=${r.dkim.results[0]?.status.result ?? 'none'}` };
  }
  const dmarc = r.dmarc ? r.dmarc.status.result : 'none';
  return { pass: dmarc === 'pass', detail: `dmarc=${dmarc}` };
}

export async function parseInbound(raw: Buffer, policy: MailAuthPolicy, env: Envelope = {}): Promise<InboundMessage> {
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  const calendarPart = mail.attachments.find((a) => /^text\/calendar\b/i.test(a.contentType) || /^application\/ics\b/i.test(a.contentType));
  const recipients = env.rcptTo && env.rcptTo.length > 0 ? env.rcptTo : [...addresses(mail.to), ...addresses(mail.cc)];
  return {
    raw,
    from: addresses(mail.from)[0] ?? '',
    recipients: [...new Set(recipients.map((r) => r.toLowerCase()))],
    messageId: mail.messageId ?? null,
    ical: calendarPart ? calendarPart.content.toString('utf8') : null,
    authentication: await verdict(raw, policy, env),
  };
}
