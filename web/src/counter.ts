/**
 * Proposing a new time (RFC 5546 §3.2.7 COUNTER) and the organizer's answer to it, by explicit
 * scheduling through the user's outbox (RFC 6638 §5: POST of an iTIP message; the server
 * delivers it and answers with a CALDAV:schedule-response):
 *
 * - the attendee POSTs a COUNTER: their copy of the event with the proposed DTSTART/DTEND, the
 *   ORGANIZER and their own ATTENDEE line (and a COMMENT when they give one);
 * - the organizer accepts by changing their event to the proposed time (a PUT: the server's
 *   implicit scheduling sends everyone the new REQUEST), or declines with a DECLINECOUNTER
 *   (UID, SEQUENCE, ORGANIZER, the countering ATTENDEE, DTSTAMP; RFC 5546 §3.2.8).
 */
import ICAL from 'ical.js';
import { findByUid } from './calendars';
import { field, h, openDialog, toast } from './dom';
import { bareAddress, cloneComponent, masterOf, moveTo, overrideFor, parseCalendar, readEnd, readTime, writeTime } from './events';
import type { AppState } from './state';
import { fromLocalInput, toLocalInput } from './tz';

const PRODID = '-//Reefknot//Web Calendar//EN';
const now = (): ICAL.Time => ICAL.Time.fromJSDate(new Date(), true);

const myAddresses = (state: AppState): Set<string> => new Set(state.dav.session.addresses.map(bareAddress));

/** The ISO form of a component's RECURRENCE-ID (as EventInstance.recurrenceId), or null. */
function ridIsoOf(ve: ICAL.Component, zone: string): string | null {
  const r = readTime(ve, 'recurrence-id', zone);
  if (!r) return null;
  return r.date ? r.instant.toISOString().slice(0, 10) : r.instant.toISOString();
}

/** The component a message or copy is about: the instance with that RECURRENCE-ID, or the master. */
function eventIn(vcal: ICAL.Component, ridIso: string | null, zone: string): ICAL.Component {
  if (ridIso) return overrideFor(vcal, ridIso, zone);
  const ve = masterOf(vcal) ?? vcal.getFirstSubcomponent('vevent');
  if (!ve) throw new Error('The calendar object has no event in it.');
  return ve;
}

/** Whether the user is an attendee (not the organizer) of the event: they may propose a new time. */
export function canPropose(state: AppState, ve: ICAL.Component): boolean {
  const mine = myAddresses(state);
  const organizer = bareAddress(ve.getFirstPropertyValue('organizer'));
  return organizer !== '' && !mine.has(organizer) && ve.getAllProperties('attendee').some((p) => mine.has(bareAddress(p.getFirstValue())));
}

/** The COUNTER for a proposed time: the attendee's copy with the new times, the ORGANIZER and their own ATTENDEE. */
export function buildCounter(copyText: string, ridIso: string | null, start: Date, end: Date, mine: Set<string>, zone: string, comment: string): string {
  const src = parseCalendar(copyText);
  const ve = cloneComponent(eventIn(src, ridIso, zone));
  if (!ve.hasProperty('organizer')) throw new Error('The event has no organizer to propose a time to.');
  for (const p of ve.getAllProperties('attendee')) if (!mine.has(bareAddress(p.getFirstValue()))) ve.removeProperty(p);
  if (!ve.hasProperty('attendee')) throw new Error('You are not an attendee of this event.');
  for (const a of ve.getAllSubcomponents('valarm')) ve.removeSubcomponent(a);
  const s = readTime(ve, 'dtstart', zone);
  const form = { date: s?.date ?? false, tzid: s?.date ? null : zone === 'UTC' ? 'UTC' : zone };
  writeTime(ve, 'dtstart', start, form, zone);
  ve.removeAllProperties('duration');
  writeTime(ve, 'dtend', end, form, zone);
  ve.updatePropertyWithValue('dtstamp', now());
  ve.removeAllProperties('comment');
  if (comment.trim()) ve.addPropertyWithValue('comment', comment.trim());
  const out = new ICAL.Component('vcalendar');
  out.addPropertyWithValue('prodid', PRODID);
  out.addPropertyWithValue('version', '2.0');
  out.addPropertyWithValue('method', 'COUNTER');
  for (const z of src.getAllSubcomponents('vtimezone')) out.addSubcomponent(cloneComponent(z));
  out.addSubcomponent(ve);
  return out.toString();
}

function checkDelivered(results: Array<{ recipient: string; status: string }>, what: string): void {
  const failed = results.filter((r) => !/^[12]\./.test(r.status));
  if (results.length === 0 || failed.length === results.length) {
    throw new Error(`The ${what} was not delivered${failed[0] ? ` (${failed[0].status})` : ''}.`);
  }
}

/** Sends a COUNTER for the user's copy of an event (or one instance of it). */
export async function sendCounter(state: AppState, copyText: string, ridIso: string | null, start: Date, end: Date, comment: string): Promise<void> {
  const text = buildCounter(copyText, ridIso, start, end, myAddresses(state), state.zone, comment);
  checkDelivered(await state.dav.postOutbox(text), 'proposal');
}

/** The user's own copy of an event by UID, in the calendars they own. */
async function ownCopy(state: AppState, uid: string): Promise<{ href: string; etag: string; data: string } | null> {
  for (const c of state.calendars.filter((x) => x.kind === 'own' && x.components.includes('VEVENT'))) {
    const copy = await findByUid(state.dav, c.href, uid);
    if (copy) return copy;
  }
  return null;
}

/**
 * The "Propose a new time" dialog: start and end (prefilled with the event's), a comment; sends
 * the COUNTER. `source` is the user's copy (or the invitation) as text.
 */
export function openProposal(state: AppState, source: { text: string; recurrenceId: string | null; uid?: string }, onSent: () => void = () => undefined): void {
  let ve: ICAL.Component;
  try {
    ve = eventIn(parseCalendar(source.text), source.recurrenceId, state.zone);
  } catch (e) {
    toast(e instanceof Error ? e.message : String(e), 'error');
    return;
  }
  const s = readTime(ve, 'dtstart', state.zone);
  const start = s?.instant ?? new Date();
  const end = readEnd(ve, state.zone) ?? new Date(start.getTime() + 3_600_000);
  const startIn = h('input', { type: 'datetime-local', name: 'proposed-start', value: toLocalInput(start, state.zone), required: true });
  const endIn = h('input', { type: 'datetime-local', name: 'proposed-end', value: toLocalInput(end, state.zone), required: true });
  const comment = h('textarea', { name: 'comment', rows: 2 });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const send = h('button', { type: 'submit', class: 'primary' }, 'Send proposal');
  const cancel = h('button', { type: 'button' }, 'Cancel');
  const summary = String(ve.getFirstPropertyValue('summary') ?? '');
  const form = h('form', { class: 'proposal', novalidate: true },
    h('p', {}, 'Suggest another time for ', h('span', { class: 'summary' }, summary || '(no title)'), '. The organizer decides; your calendar keeps the current time until then.'),
    h('div', { class: 'row' }, field('Proposed start', startIn), field('Proposed end', endIn)),
    field('Comment', comment), error, h('div', { class: 'actions' }, cancel, send));
  const { close } = openDialog('Propose a new time', form);
  cancel.addEventListener('click', close);
  startIn.focus();
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const ns = fromLocalInput(startIn.value, state.zone);
    const ne = fromLocalInput(endIn.value, state.zone);
    if (!ns || !ne) { error.textContent = 'Give a start and an end.'; return; }
    if (ne <= ns) { error.textContent = 'The end must be after the start.'; return; }
    send.disabled = true;
    const uid = source.uid ?? String(ve.getFirstPropertyValue('uid') ?? '');
    // The user's own copy is the better base (it has their answer); the invitation will do.
    ownCopy(state, uid).catch(() => null)
      .then((copy) => sendCounter(state, copy?.data ?? source.text, source.recurrenceId, ns, ne, comment.value))
      .then(() => { close(); toast('Your proposal was sent to the organizer.'); onSent(); },
        (e: unknown) => { send.disabled = false; error.textContent = `Not sent: ${e instanceof Error ? e.message : String(e)}`; });
  });
}

/** The attendee who sent a COUNTER: its attendee that is not the organizer (the first such). */
function counterSender(ve: ICAL.Component): ICAL.Property | undefined {
  const organizer = bareAddress(ve.getFirstPropertyValue('organizer'));
  return ve.getAllProperties('attendee').find((p) => bareAddress(p.getFirstValue()) !== organizer);
}

export function counterFrom(ve: ICAL.Component): string {
  const p = counterSender(ve);
  if (!p) return '';
  const cn = String(p.getParameter('cn') ?? '');
  const address = String(p.getFirstValue()).replace(/^mailto:/i, '');
  return cn ? `${cn} <${address}>` : address;
}

/** Accepts a proposal: the organizer's event gets the proposed times (a PUT; the server sends the new REQUEST). */
export async function acceptCounter(state: AppState, counterText: string): Promise<void> {
  const proposal = parseCalendar(counterText).getFirstSubcomponent('vevent');
  if (!proposal) throw new Error('The proposal holds no event.');
  const uid = String(proposal.getFirstPropertyValue('uid') ?? '');
  const start = readTime(proposal, 'dtstart', state.zone);
  if (!start) throw new Error('The proposal has no start.');
  const copy = await ownCopy(state, uid);
  if (!copy) throw new Error('The event is no longer in your calendars.');
  const vcal = parseCalendar(copy.data);
  const target = eventIn(vcal, ridIsoOf(proposal, state.zone), state.zone);
  if (!myAddresses(state).has(bareAddress(target.getFirstPropertyValue('organizer')))) throw new Error('Only the organizer can accept a proposal.');
  const oldStart = readTime(target, 'dtstart', state.zone)?.instant;
  const oldEnd = readEnd(target, state.zone);
  const length = oldStart && oldEnd ? oldEnd.getTime() - oldStart.getTime() : 3_600_000;
  const end = readEnd(proposal, state.zone) ?? new Date(start.instant.getTime() + length);
  moveTo(target, start.instant, end, state.zone);
  await state.dav.put(copy.href, vcal.toString(), copy.etag || null);
}

/** Declines a proposal: a DECLINECOUNTER to the attendee who sent it. */
export async function declineCounter(state: AppState, counterText: string, comment = ''): Promise<void> {
  const proposal = parseCalendar(counterText).getFirstSubcomponent('vevent');
  if (!proposal) throw new Error('The proposal holds no event.');
  const uid = String(proposal.getFirstPropertyValue('uid') ?? '');
  const sender = counterSender(proposal);
  if (!sender) throw new Error('The proposal does not say who sent it.');
  const copy = await ownCopy(state, uid).catch(() => null);
  const mine = copy ? eventIn(parseCalendar(copy.data), ridIsoOf(proposal, state.zone), state.zone) : proposal;
  const organizer = mine.getFirstProperty('organizer') ?? proposal.getFirstProperty('organizer');
  if (!organizer || !myAddresses(state).has(bareAddress(organizer.getFirstValue()))) throw new Error('Only the organizer can decline a proposal.');
  const ve = new ICAL.Component('vevent');
  ve.addPropertyWithValue('uid', uid);
  ve.addPropertyWithValue('dtstamp', now());
  ve.addPropertyWithValue('sequence', Number(mine.getFirstPropertyValue('sequence') ?? proposal.getFirstPropertyValue('sequence') ?? 0));
  const rid = proposal.getFirstProperty('recurrence-id');
  if (rid) ve.addProperty(new ICAL.Property(rid.toJSON()));
  ve.addProperty(new ICAL.Property(organizer.toJSON()));
  const attendee = new ICAL.Property('attendee');
  attendee.setValue(String(sender.getFirstValue()));
  const cn = sender.getParameter('cn');
  if (typeof cn === 'string' && cn) attendee.setParameter('cn', cn);
  ve.addProperty(attendee);
  if (comment.trim()) ve.addPropertyWithValue('comment', comment.trim());
  const out = new ICAL.Component('vcalendar');
  out.addPropertyWithValue('prodid', PRODID);
  out.addPropertyWithValue('version', '2.0');
  out.addPropertyWithValue('method', 'DECLINECOUNTER');
  out.addSubcomponent(ve);
  checkDelivered(await state.dav.postOutbox(out.toString()), 'answer');
}
