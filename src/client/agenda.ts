/**
 * The agenda: every instance of the stored events in a range (RFC 5545 §3.8.5 recurrence with
 * §3.8.4.4 overrides, expanded by domain/recurrence), shown in the user's time zone as a table or
 * as JSON. Floating times and dates are read in the user's zone (RFC 5545 §3.3.5 form 1).
 */
import ICAL from 'ical.js';
import { expandInstances } from '../domain/recurrence/instances.js';
import { parseCalendar, showInstant, zoneLookup, type Component } from './ical-util.js';

export interface AgendaRow {
  uid: string;
  title: string;
  start: string;
  end: string;
  allDay: boolean;
  location: string | null;
  recurring: boolean;
  recurrenceId: string | null;
  status: string | null;
  /** The user's own PARTSTAT when they are an attendee. */
  myAnswer: string | null;
}

function myAnswer(comp: Component, me: string[]): string | null {
  for (const a of comp.getAllProperties('attendee')) {
    if (me.includes(String(a.getFirstValue()).toLowerCase())) return String(a.getParameter('partstat') ?? 'NEEDS-ACTION');
  }
  return null;
}

export function agendaRows(objects: { uid: string; ical: string }[], range: { start: Date; end: Date }, zone: string, me: string[]): AgendaRow[] {
  const rows: AgendaRow[] = [];
  const defaultTimezone = zoneLookup(zone) ?? undefined;
  for (const o of objects) {
    const root = parseCalendar(o.ical);
    const recurring = root.getAllSubcomponents().some((c) => c.getFirstProperty('rrule') || c.getFirstProperty('rdate'));
    for (const i of expandInstances(root, { start: range.start.getTime(), end: range.end.getTime() }, { maxInstances: 10_000, ...(defaultTimezone ? { defaultTimezone } : {}) })) {
      if (i.component.name !== 'vevent' && i.component.name !== 'vtodo') continue;
      const dtstart = i.component.getFirstPropertyValue('dtstart');
      rows.push({
        uid: o.uid,
        title: String(i.component.getFirstPropertyValue('summary') ?? '(no title)'),
        start: new Date(i.start).toISOString(),
        end: new Date(i.end).toISOString(),
        allDay: dtstart instanceof ICAL.Time && dtstart.isDate,
        location: (i.component.getFirstPropertyValue('location') as string | null) ?? null,
        recurring,
        recurrenceId: recurring ? new Date(i.recurrenceId).toISOString() : null,
        status: (i.component.getFirstPropertyValue('status') as string | null) ?? null,
        myAnswer: myAnswer(i.component, me),
      });
    }
  }
  return rows.sort((a, b) => a.start.localeCompare(b.start) || a.title.localeCompare(b.title));
}

const ANSWER: Record<string, string> = { 'NEEDS-ACTION': 'not answered', ACCEPTED: 'accepted', DECLINED: 'declined', TENTATIVE: 'maybe', DELEGATED: 'delegated' };

/** A readable table: one line per instance, grouped under each day (in the user's zone). */
export function agendaTable(rows: AgendaRow[], zone: string): string {
  if (rows.length === 0) return 'Nothing in this range.\n';
  const lines: string[] = [];
  let day = '';
  for (const r of rows) {
    const s = Date.parse(r.start);
    const e = Date.parse(r.end);
    const d = showInstant(s, zone).replace(/ \d\d:\d\d$/, '');
    if (d !== day) {
      lines.push(`${lines.length ? '\n' : ''}${d}`);
      day = d;
    }
    const when = r.allDay ? 'all day    ' : `${showInstant(s, zone, false)}-${showInstant(e, zone, false)}`;
    const extra = [r.location ? `@ ${r.location}` : '', r.recurring ? '(repeats)' : '', r.myAnswer ? `[${ANSWER[r.myAnswer] ?? r.myAnswer}]` : '', r.status === 'CANCELLED' ? '[cancelled]' : '']
      .filter(Boolean).join(' ');
    lines.push(`  ${when}  ${r.title}${extra ? `  ${extra}` : ''}  ${r.uid}`);
  }
  return `${lines.join('\n')}\n`;
}
