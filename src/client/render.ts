/**
 * Readable views of calendar data for people (the seed's §6.1 "MUST show them readably"): what,
 * when (in the reader's zone and in the event's own zone), how it repeats, where, who organizes,
 * each attendee's answer (RFC 5545 §3.2.12 PARTSTAT), and for an iTIP message (RFC 5546 §1.4)
 * what it asks of the reader. The sentence per method comes from domain/imip/describe.ts, shared
 * with the server's iMIP mail.
 */
import ICAL from 'ical.js';
import { describeItip } from '../domain/imip/describe.js';
import { mainComponent, parseCalendar, showInstant, type Component, type Time } from './ical-util.js';

function whenLine(comp: Component, zone: string): string[] {
  const start = comp.getFirstPropertyValue('dtstart');
  if (!(start instanceof ICAL.Time)) return [];
  let end = comp.getFirstPropertyValue('dtend') ?? comp.getFirstPropertyValue('due');
  const dur = comp.getFirstPropertyValue('duration');
  if (!(end instanceof ICAL.Time) && dur instanceof ICAL.Duration) {
    end = start.clone();
    (end as Time).addDuration(dur);
  }
  const e = end instanceof ICAL.Time ? end : null;
  if (start.isDate) {
    const last = e ? e.clone() : start.clone();
    if (e) last.adjust(-1, 0, 0, 0);
    const d = (t: Time): string => showInstant(Date.UTC(t.year, t.month - 1, t.day, 12), 'UTC').replace(/ \d\d:\d\d$/, '');
    return [last.compare(start) > 0 ? `${d(start)} to ${d(last)} (all day)` : `${d(start)} (all day)`];
  }
  const tzid = start.zone?.tzid;
  const floating = !tzid || tzid === 'floating';
  const s = start.toJSDate().getTime();
  const span = (z: string): string => `${showInstant(s, z)}${e ? ` - ${sameDay(s, e.toJSDate().getTime(), z) ? showInstant(e.toJSDate().getTime(), z, false) : showInstant(e.toJSDate().getTime(), z)}` : ''}`;
  if (floating) return [`${span('UTC').replace(/$/, '')} (floating: the same clock time in every zone)`];
  const lines = [`${span(zone)} (${zone}, your time)`];
  if (tzid !== zone) lines.push(`${span(tzid === 'UTC' ? 'UTC' : tzid)} (${tzid}, the event's time)`);
  return lines;
}

const sameDay = (a: number, b: number, z: string): boolean => showInstant(a, z).slice(0, 15) === showInstant(b, z).slice(0, 15);

/**
 * A readable rendering of any calendar text: a stored event, an .ics file, or an iTIP message.
 * @param zone the reader's IANA zone.
 */
export function renderCalendar(text: string, zone: string, me: string[] = []): string {
  const root = parseCalendar(text);
  const method = root.getFirstPropertyValue('method');
  const comp = mainComponent(root);
  const d = describeItip(root.toString(), { zone, ...(me[0] ? { recipient: me[0] } : {}) });
  const facts: [string, string][] = [];
  for (const [label, value] of d.facts) {
    if (label === 'When') for (const [i, l] of whenLine(comp, zone).entries()) facts.push([i === 0 ? 'When' : '', l]);
    else if (!(label === 'Organizer' && !comp.getFirstProperty('organizer'))) facts.push([label === 'Invited' ? 'Attendee' : label, value]);
  }
  if (!d.facts.some(([l]) => l === 'When')) for (const [i, l] of whenLine(comp, zone).entries()) facts.splice(1 + i, 0, [i === 0 ? 'When' : '', l]);
  const overrides = root.getAllSubcomponents().filter((c) => c.getFirstProperty('recurrence-id')).length;
  if (overrides) facts.push(['Changed', `${overrides} occurrence${overrides > 1 ? 's differ' : ' differs'} from the series`]);
  const status = comp.getFirstPropertyValue('status');
  if (status) facts.push(['Status', String(status).toLowerCase()]);
  if (comp.getFirstPropertyValue('class') === 'PRIVATE') facts.push(['Private', 'yes']);
  facts.push(['UID', String(comp.getFirstPropertyValue('uid') ?? '')]);
  const width = Math.max(...facts.map(([l]) => l.length)) + 2;
  const body = facts.map(([l, v]) => `${(l ? `${l}:` : '').padEnd(width)}${v}`);
  const head = method ? [`${d.subject} (${d.method})`, d.ask, ''] : [String(comp.getFirstPropertyValue('summary') ?? '(no title)'), ''];
  return `${[...head, ...body].join('\n')}\n`;
}
