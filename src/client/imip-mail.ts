/**
 * iMIP for a client without a server (RFC 6047; the seed's §4.3–4.4, E): iTIP messages out as
 * mail through the profile's SMTP relay (a readable text part from domain/imip/describe.ts, the
 * iTIP part as text/calendar with its METHOD, §2.4, and invite.ics attached), and mail in from a
 * file or a maildir, read with mailparser, with the server's sender check (RFC 6047 §3: From
 * must be the ORGANIZER, or an ATTENDEE for replies, or their SENT-BY).
 */
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { simpleParser } from 'mailparser';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { imipMailParts, isDelegator, senderProblem } from '../domain/imip/mail.js';
import type { ItipMessage } from '../domain/itip/index.js';
import { ClientError } from './profile.js';

const bare = (a: string): string => a.replace(/^mailto:/i, '').toLowerCase();

export function composeMail(m: ItipMessage, recipient: string, from: string): SendMailOptions {
  const footer = '\n--\nSent by the Reefknot calendar client. Answer by replying to this mail.\n';
  return { ...imipMailParts(m.method, m.ical, recipient, footer), messageId: `<${randomUUID()}@reefknot-cal>`, from: bare(from), to: bare(recipient) };
}

/** Sends each message to each of its recipients; returns the addresses reached. */
export async function sendItip(relay: string, messages: ItipMessage[], from: string): Promise<string[]> {
  const transport = nodemailer.createTransport(relay);
  const sent: string[] = [];
  try {
    for (const m of messages) {
      for (const r of m.recipients) {
        try {
          await transport.sendMail({ ...composeMail(m, r, from), envelope: { from: bare(from), to: [bare(r)] } });
        } catch (e) {
          throw new ClientError(`the mail relay ${relay} did not take the message for ${bare(r)}: ${(e as Error).message}`);
        }
        sent.push(bare(r));
      }
    }
  } finally {
    transport.close();
  }
  return sent;
}

export interface ReadMail {
  from: string;
  subject: string;
  messageId: string | null;
  ical: string | null;
}

export async function readMail(raw: Buffer): Promise<ReadMail> {
  const mail = await simpleParser(raw);
  let ical: string | null = null;
  for (const a of mail.attachments) {
    if (/^(text\/calendar|application\/ics)/i.test(a.contentType)) {
      ical = a.content.toString('utf8');
      if (/^text\/calendar/i.test(a.contentType)) break;
    }
  }
  if (!ical && typeof mail.text === 'string' && mail.text.trimStart().startsWith('BEGIN:VCALENDAR')) ical = mail.text;
  return { from: mail.from?.value[0]?.address?.toLowerCase() ?? '', subject: mail.subject ?? '', messageId: mail.messageId ?? null, ical };
}

/** The server's sender rule and delegation check, shared (domain/imip/mail.ts). */
export { senderProblem, isDelegator as delegator };

/** Mail files: one file, a folder of .eml files, or a maildir (new/ and cur/). */
export function mailFiles(path: string): string[] {
  if (!existsSync(path)) throw new ClientError(`no mail at ${path}`, 3);
  if (!statSync(path).isDirectory()) return [path];
  const dirs = ['new', 'cur'].map((d) => join(path, d)).filter((d) => existsSync(d));
  const from = dirs.length ? dirs : [path];
  return from.flatMap((d) => readdirSync(d).filter((n) => !n.startsWith('.')).map((n) => join(d, n)).filter((f) => statSync(f).isFile())).sort();
}

export const readRaw = (file: string): Buffer => readFileSync(file);
