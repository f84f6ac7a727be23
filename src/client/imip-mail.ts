/**
 * iMIP for a client without a server (RFC 6047; the seed's §4.3–4.4, E): iTIP messages out as
 * mail through the profile's SMTP relay (a readable text part from domain/imip/describe.ts, the
 * iTIP part as text/calendar with its METHOD, §2.4, and invite.ics attached), and mail in from a
 * file or a maildir, read with mailparser, with the server's sender check (RFC 6047 §3: From
 * must be the ORGANIZER, or an ATTENDEE for replies, or their SENT-BY).
 */
import ICAL from 'ical.js';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { simpleParser } from 'mailparser';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeItip } from '../domain/imip/describe.js';
import type { ItipMessage } from '../domain/itip/index.js';
import { ClientError } from './profile.js';

const bare = (a: string): string => a.replace(/^mailto:/i, '').toLowerCase();
const ORGANIZER_METHODS = new Set(['PUBLISH', 'REQUEST', 'ADD', 'CANCEL', 'DECLINECOUNTER']);

export function composeMail(m: ItipMessage, recipient: string, from: string): SendMailOptions {
  const d = describeItip(m.ical, { recipient });
  const footer = '\n--\nSent by the Reefknot calendar client. Answer by replying to this mail.\n';
  return {
    messageId: `<${randomUUID()}@reefknot-cal>`,
    from: bare(from),
    to: bare(recipient),
    subject: d.subject.replace(/[\r\n]+/g, ' '),
    text: d.text + footer,
    html: `<!doctype html><html><body>${d.html}</body></html>`,
    alternatives: [{ contentType: `text/calendar; charset=utf-8; method=${m.method}`, content: m.ical }],
    attachments: [{ filename: 'invite.ics', contentType: 'application/ics', content: m.ical }],
  };
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

/** Why the From of a mail may not send this iTIP message (RFC 6047 §3), or null when it may. */
export function senderProblem(ical: string, from: string): string | null {
  const root = new ICAL.Component(ICAL.parse(ical) as unknown[]);
  const method = String(root.getFirstPropertyValue('method') ?? '').toUpperCase();
  const comp = root.getAllSubcomponents().find((c) => c.name !== 'vtimezone');
  if (!method || !comp) return 'the calendar part has no METHOD or no component';
  const organizerSide = ORGANIZER_METHODS.has(method);
  const senders = new Set<string>();
  for (const p of comp.getAllProperties(organizerSide ? 'organizer' : 'attendee')) {
    senders.add(bare(String(p.getFirstValue())));
    const sentBy = p.getParameter('sent-by');
    if (typeof sentBy === 'string') senders.add(bare(sentBy));
  }
  if (senders.has(bare(from))) return null;
  if (method === 'REQUEST' && delegator(comp, from)) return null;
  return `From <${bare(from)}> is not the ${organizerSide ? 'organizer' : 'attendee'} of this ${method} (${[...senders].join(', ') || 'nobody named'})`;
}

/**
 * Whether `from` is an attendee who delegated to another attendee of this REQUEST: the delegator
 * forwards the organizer's REQUEST to the delegate (RFC 5546 §3.2.2.3, §4.2.5).
 */
export function delegator(comp: InstanceType<typeof ICAL.Component>, from: string): boolean {
  const who = bare(from);
  const attendees = comp.getAllProperties('attendee');
  const line = attendees.find((p) => bare(String(p.getFirstValue())) === who);
  const to = line?.getParameter('delegated-to');
  const named = (Array.isArray(to) ? to : typeof to === 'string' ? [to] : []).map(bare);
  return named.length > 0 && attendees.some((p) => {
    const f = p.getParameter('delegated-from');
    return named.includes(bare(String(p.getFirstValue()))) && (Array.isArray(f) ? f : [f]).some((x) => typeof x === 'string' && bare(x) === who);
  });
}

/** Mail files: one file, a folder of .eml files, or a maildir (new/ and cur/). */
export function mailFiles(path: string): string[] {
  if (!existsSync(path)) throw new ClientError(`no mail at ${path}`, 3);
  if (!statSync(path).isDirectory()) return [path];
  const dirs = ['new', 'cur'].map((d) => join(path, d)).filter((d) => existsSync(d));
  const from = dirs.length ? dirs : [path];
  return from.flatMap((d) => readdirSync(d).filter((n) => !n.startsWith('.')).map((n) => join(d, n)).filter((f) => statSync(f).isFile())).sort();
}

export const readRaw = (file: string): Buffer => readFileSync(file);
