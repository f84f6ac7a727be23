/**
 * What an iTIP message says, in words a person understands (RFC 6047 §2.5 asks for a readable
 * part; the seed's F has only email): subject, plain text and HTML with what, when (in the event's
 * zone and in UTC), where, who organizes, who is invited with each answer, and what the message
 * asks of the reader. Pure: message text in, strings out. The HTML escapes every value.
 */
import ICAL from 'ical.js';

type Component = InstanceType<typeof ICAL.Component>;

export interface Description {
  method: string;
  subject: string;
  /** Labelled lines (label, value), in order. */
  facts: [string, string][];
  /** One sentence saying what the message asks of the reader. */
  ask: string;
  text: string;
  html: string;
}

const ANSWERS: Record<string, string> = {
  'NEEDS-ACTION': 'no answer yet', ACCEPTED: 'accepted', DECLINED: 'declined', TENTATIVE: 'maybe',
  DELEGATED: 'delegated', 'IN-PROCESS': 'working on it', COMPLETED: 'completed',
};

const who = (p: InstanceType<typeof ICAL.Property> | null | undefined): string => {
  if (!p) return 'someone';
  const address = String(p.getFirstValue()).replace(/^mailto:/i, '');
  const cn = p.getParameter('cn');
  return typeof cn === 'string' && cn ? `${cn} <${address}>` : address;
};

/** A time in its own zone (IANA names via Intl; others as written) and in UTC. */
export function formatTime(t: InstanceType<typeof ICAL.Time>, zone?: string): string {
  if (t.isDate) return new Date(Date.UTC(t.year, t.month - 1, t.day)).toUTCString().slice(0, 16);
  const utc = t.toJSDate();
  const tz = zone ?? (t.zone?.tzid && t.zone.tzid !== 'floating' && t.zone.tzid !== 'UTC' ? t.zone.tzid : undefined);
  const fmt = (timeZone: string): string => new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(utc);
  try {
    if (tz) return `${fmt(tz)} (${tz}; ${fmt('UTC')} UTC)`;
  } catch {
    // An unknown zone name: fall back to UTC below.
  }
  return `${fmt('UTC')} UTC`;
}

function askFor(method: string, comp: Component, recipient?: string): string {
  switch (method) {
    case 'REQUEST': return 'You are invited: reply to this message saying "accept", "decline" or "maybe", or open the attached invite.ics in your calendar program.';
    case 'CANCEL': return 'This has been cancelled: nothing to do but remove it from your calendar.';
    case 'REPLY': return `${who(comp.getFirstProperty('attendee'))} has answered: ${ANSWERS[String(comp.getFirstProperty('attendee')?.getParameter('partstat') ?? '').toUpperCase()] ?? 'see below'}.`;
    case 'COUNTER': return 'An attendee proposes a change: accept it by updating the event, or decline it.';
    case 'DECLINECOUNTER': return 'The organizer declined your proposed change; the event stays as it was.';
    case 'REFRESH': return 'An attendee asks for the latest version of this event.';
    case 'ADD': return 'New occurrences were added to an event you are invited to.';
    case 'PUBLISH': return 'For your information: add it to your calendar if you like; no answer is expected.';
    default: return recipient ? `A ${method} message for ${recipient}.` : `A ${method} message.`;
  }
}

const SUBJECT: Record<string, string> = {
  REQUEST: 'Invitation', CANCEL: 'Cancelled', REPLY: 'Answer', COUNTER: 'Proposed change', DECLINECOUNTER: 'Proposal declined',
  REFRESH: 'Please resend', ADD: 'More dates', PUBLISH: 'Event',
};

function factsOf(comp: Component, zone?: string): [string, string][] {
  const facts: [string, string][] = [['What', String(comp.getFirstPropertyValue('summary') ?? '(no title)')]];
  const start = comp.getFirstPropertyValue('dtstart');
  const end = comp.getFirstPropertyValue('dtend') ?? comp.getFirstPropertyValue('due');
  if (start instanceof ICAL.Time) facts.push(['When', `${formatTime(start, zone)}${end instanceof ICAL.Time ? ` until ${formatTime(end, zone)}` : ''}`]);
  const rrule = comp.getFirstPropertyValue('rrule');
  if (rrule instanceof ICAL.Recur) facts.push(['Repeats', rrule.toString()]);
  const rid = comp.getFirstPropertyValue('recurrence-id');
  if (rid instanceof ICAL.Time) facts.push(['Occurrence', formatTime(rid, zone)]);
  const location = comp.getFirstPropertyValue('location');
  if (location) facts.push(['Where', String(location)]);
  facts.push(['Organizer', who(comp.getFirstProperty('organizer'))]);
  for (const a of comp.getAllProperties('attendee')) {
    facts.push(['Invited', `${who(a)}: ${ANSWERS[String(a.getParameter('partstat') ?? 'NEEDS-ACTION').toUpperCase()] ?? String(a.getParameter('partstat'))}`]);
  }
  const description = comp.getFirstPropertyValue('description');
  if (description) facts.push(['Notes', String(description)]);
  const comment = comp.getFirstPropertyValue('comment');
  if (comment) facts.push(['Comment', String(comment)]);
  return facts;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** @param zone the reader's IANA zone, when known, to show times in. */
export function describeItip(text: string, options: { recipient?: string; zone?: string } = {}): Description {
  const root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const method = String(root.getFirstPropertyValue('method') ?? 'PUBLISH').toUpperCase();
  const comps = root.getAllSubcomponents().filter((c) => c.name !== 'vtimezone');
  const comp = comps.find((c) => !c.getFirstProperty('recurrence-id')) ?? comps[0];
  if (!comp) throw new Error('the message holds no event, to-do or journal');
  const facts = factsOf(comp, options.zone);
  const summary = (facts[0]?.[1] ?? '').replace(/[\r\n]+/g, ' ');
  const sequence = Number(comp.getFirstPropertyValue('sequence') ?? 0);
  const subject = `${method === 'REQUEST' && sequence > 0 ? 'Updated invitation' : SUBJECT[method] ?? method}: ${summary}`.slice(0, 200);
  const ask = askFor(method, comp, options.recipient);
  const width = Math.max(...facts.map(([l]) => l.length));
  const text2 = [ask, '', ...facts.map(([l, v]) => `${`${l}:`.padEnd(width + 2)}${v}`), ''].join('\n');
  const html = `<p>${escapeHtml(ask)}</p>\n<table>\n${facts.map(([l, v]) => `<tr><th align="left">${escapeHtml(l)}</th><td>${escapeHtml(v).replace(/\n/g, '<br>')}</td></tr>`).join('\n')}\n</table>\n`;
  return { method, subject, facts, ask, text: text2, html };
}
