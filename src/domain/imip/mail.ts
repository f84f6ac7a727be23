/**
 * What an iMIP mail carries and who may send it (RFC 6047), shared by the server's iMIP transport
 * and the client that mails without a server: the readable parts (describe.ts), the iTIP part as
 * text/calendar with its METHOD (§2.4) and the same data as invite.ics; and the sender rule (§3):
 * From must be the ORGANIZER (organizer methods) or an ATTENDEE (replies), or their SENT-BY — or,
 * for a REQUEST, an attendee who delegated to another attendee and forwards it (RFC 5546 §4.2.5).
 */
import ICAL from 'ical.js';
import { describeItip } from './describe.js';

export interface MailParts {
  subject: string;
  text: string;
  html: string;
  alternatives: { contentType: string; content: string }[];
  attachments: { filename: string; contentType: string; content: string }[];
}

const bare = (a: string): string => a.replace(/^mailto:/i, '').toLowerCase();
export const ORGANIZER_METHODS: ReadonlySet<string> = new Set(['PUBLISH', 'REQUEST', 'ADD', 'CANCEL', 'DECLINECOUNTER']);

/** The parts of the mail carrying `ical` (with METHOD `method`) to `recipient`; `footer` ends the text. */
export function imipMailParts(method: string, ical: string, recipient: string, footer: string): MailParts {
  const d = describeItip(ical, { recipient });
  return {
    subject: d.subject.replace(/[\r\n]+/g, ' '),
    text: d.text + footer,
    html: `<!doctype html><html><body>${d.html}<p>${footer.trim().replace(/\n/g, '<br>')}</p></body></html>`,
    alternatives: [{ contentType: `text/calendar; charset=utf-8; method=${method}`, content: ical }],
    attachments: [{ filename: 'invite.ics', contentType: 'application/ics', content: ical }],
  };
}

type Component = InstanceType<typeof ICAL.Component>;

const addresses = (v: unknown): string[] => (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string').map(bare);

/** Whether `from` is an attendee who delegated to another attendee of this REQUEST (RFC 5546 §4.2.5). */
export function isDelegator(comp: Component, from: string): boolean {
  const who = bare(from);
  const attendees = comp.getAllProperties('attendee');
  const line = attendees.find((p) => bare(String(p.getFirstValue())) === who);
  const to = addresses(line?.getParameter('delegated-to'));
  return to.length > 0 && attendees.some((p) => to.includes(bare(String(p.getFirstValue()))) && addresses(p.getParameter('delegated-from')).includes(who));
}

/** The addresses that may send this message: its originator and whoever they let send for them. */
export function permittedSenders(comp: Component, method: string): Set<string> {
  const senders = new Set<string>();
  for (const p of comp.getAllProperties(ORGANIZER_METHODS.has(method) ? 'organizer' : 'attendee')) {
    senders.add(bare(String(p.getFirstValue())));
    for (const s of addresses(p.getParameter('sent-by'))) senders.add(s);
  }
  return senders;
}

/** Why the From of a mail may not send this iTIP message, or null when it may. */
export function senderProblem(ical: string, from: string): string | null {
  let root: Component;
  try {
    root = new ICAL.Component(ICAL.parse(ical) as unknown[]);
  } catch {
    return 'the calendar part cannot be read';
  }
  const method = String(root.getFirstPropertyValue('method') ?? '').toUpperCase();
  const comp = root.getAllSubcomponents().find((c) => c.name !== 'vtimezone');
  if (!method || !comp) return 'the calendar part has no METHOD or no component';
  const senders = permittedSenders(comp, method);
  if (senders.has(bare(from)) || (method === 'REQUEST' && isDelegator(comp, from))) return null;
  return `From <${bare(from)}> is not the ${ORGANIZER_METHODS.has(method) ? 'organizer' : 'attendee'} of this ${method} (${[...senders].join(', ') || 'nobody named'})`;
}
