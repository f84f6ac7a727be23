/**
 * iMIP out (RFC 6047): each scheduling message as an email through the configured SMTP relay
 * (nodemailer; STARTTLS when offered, smtps:// for TLS). The mail has a readable text part and an
 * HTML part (domain/imip/describe.ts), the iTIP part as text/calendar with its METHOD (§2.4), and
 * the same data attached as invite.ics. Headers are built by nodemailer from plain values, so no
 * text from the event can inject a header.
 */
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { imipMailParts } from '../../domain/imip/mail.js';
import { PermanentDeliveryError, type OutboundMessage, type Transport } from '../../services/scheduling/transports.js';

const bare = (address: string): string => address.replace(/^mailto:/i, '');

/** The mail for one recipient, as nodemailer's message options. */
export function composeImip(m: OutboundMessage): SendMailOptions {
  const footer = '\n--\nSent by Reefknot for the organizer of this event. Answer by replying to this mail.\n';
  return {
    ...imipMailParts(m.method, m.ical, m.recipient, footer),
    messageId: `<${m.messageId}>`,
    from: bare(m.originator),
    to: bare(m.recipient),
    headers: { 'X-Reefknot-Method': m.method },
  };
}

export class SmtpImipTransport implements Transport {
  readonly name = 'imip';
  private readonly transporter: Transporter;

  /** @param relay smtp://[user:pass@]host:port or smtps://… */
  constructor(relay: string) {
    this.transporter = nodemailer.createTransport(relay);
  }

  async handles(recipient: string): Promise<boolean> {
    return /^mailto:[^@\s]+@[^@\s]+$/i.test(recipient);
  }

  async send(m: OutboundMessage): Promise<string> {
    try {
      await this.transporter.sendMail({ ...composeImip(m), envelope: { from: bare(m.originator), to: [bare(m.recipient)] } });
      return '1.1';
    } catch (e) {
      const err = e as { responseCode?: number; message?: string };
      // 5xx from the relay is a refusal retrying will not change; anything else is retried.
      if (typeof err.responseCode === 'number' && err.responseCode >= 500) throw new PermanentDeliveryError(`The mail relay refused the message: ${err.message ?? ''}`);
      throw e;
    }
  }

  close(): void {
    this.transporter.close();
  }
}
