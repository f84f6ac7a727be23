/**
 * The inbox: sharing invitations (CalendarServer notifications) and scheduling messages in the
 * CalDAV scheduling inbox (RFC 6638 §2.2). Answering an invitation is a PUT of the user's own
 * copy with their ATTENDEE PARTSTAT changed (RFC 6638 §3.2.2); the server sends the REPLY.
 */
import ICAL from 'ical.js';
import { answerShare, findByUid, objectsOf, shareInvites } from './calendars';
import { acceptCounter, counterFrom, declineCounter, openProposal } from './counter';
import { clear, h, toast } from './dom';
import { parseCalendar, readEnd, readTime, setPartstat } from './events';
import type { AppState } from './state';

const LABEL: Record<string, string> = { 'NEEDS-ACTION': 'no answer yet', ACCEPTED: 'accepted', DECLINED: 'declined', TENTATIVE: 'maybe', DELEGATED: 'delegated' };

function when(state: AppState, ve: ICAL.Component, withEnd = false): string {
  const s = readTime(ve, 'dtstart', state.zone);
  if (!s) return '';
  const opts: Intl.DateTimeFormatOptions = s.date ? { dateStyle: 'full', timeZone: 'UTC' } : { dateStyle: 'full', timeStyle: 'short', timeZone: state.zone };
  const f = new Intl.DateTimeFormat(undefined, opts);
  const end = withEnd ? readEnd(ve, state.zone) : null;
  if (!end || s.date) return f.format(s.instant);
  return f.formatRange(s.instant, end);
}

/** Answers an invitation: the user's copy in their calendars gets their PARTSTAT. */
export async function answer(state: AppState, uid: string, requestText: string, partstat: string): Promise<void> {
  const own = state.calendars.filter((c) => c.kind === 'own' && c.writable && c.components.includes('VEVENT'));
  for (const c of own) {
    const copy = await findByUid(state.dav, c.href, uid);
    if (!copy) continue;
    const vcal = parseCalendar(copy.data);
    if (!setPartstat(vcal, state.dav.session.addresses, partstat)) throw new Error('You are not an attendee of this event.');
    await state.dav.put(copy.href, vcal.toString(), copy.etag || null);
    return;
  }
  const vcal = parseCalendar(requestText);
  vcal.removeAllProperties('method');
  setPartstat(vcal, state.dav.session.addresses, partstat);
  const target = own[0];
  if (!target) throw new Error('You have no calendar to put the event in.');
  await state.dav.put(`${target.href}${uid}.ics`, vcal.toString(), null);
}

/** The title of the user's own copy of an event, or ''. */
async function ownSummary(state: AppState, uid: string): Promise<string> {
  for (const c of state.calendars.filter((x) => x.kind === 'own' && x.components.includes('VEVENT'))) {
    const copy = await findByUid(state.dav, c.href, uid).catch(() => null);
    if (copy) return String(parseCalendar(copy.data).getFirstSubcomponent('vevent')?.getFirstPropertyValue('summary') ?? '');
  }
  return '';
}

function attendeeList(ve: ICAL.Component): HTMLElement {
  return h('ul', { class: 'answers' }, ...ve.getAllProperties('attendee').map((p) => {
    const address = String(p.getFirstValue()).replace(/^mailto:/i, '');
    const cn = String(p.getParameter('cn') ?? '');
    const ps = String(p.getParameter('partstat') ?? 'NEEDS-ACTION');
    return h('li', {}, h('span', { class: 'who' }, cn ? `${cn} <${address}>` : address), ' — ', h('span', { class: `partstat ps-${ps.toLowerCase()}` }, LABEL[ps] ?? ps.toLowerCase()));
  }));
}

interface InboxItem { href: string; data: string; hrefs: string[] }

/** One entry per UID and method: the latest message (highest SEQUENCE, then DTSTAMP) stands for all. */
function latestPerUid(items: Array<{ href: string; data: string }>): InboxItem[] {
  const groups = new Map<string, { item: InboxItem; rank: string }>();
  for (const it of items) {
    let key = it.href;
    let rank = '';
    try {
      const vcal = parseCalendar(it.data);
      const ve = vcal.getFirstSubcomponent('vevent');
      const method = String(vcal.getFirstPropertyValue('method') ?? '').toUpperCase();
      // Proposals from different attendees stay apart.
      const from = method === 'COUNTER' && ve ? ` ${counterFrom(ve)}` : '';
      key = `${method} ${String(ve?.getFirstPropertyValue('uid') ?? it.href)}${from}`;
      rank = `${String(ve?.getFirstPropertyValue('sequence') ?? 0).padStart(6, '0')} ${String(ve?.getFirstPropertyValue('dtstamp') ?? '')}`;
    } catch { /* shown as unreadable below */ }
    const g = groups.get(key);
    if (!g) groups.set(key, { item: { ...it, hrefs: [it.href] }, rank });
    else if (rank >= g.rank) groups.set(key, { item: { ...it, hrefs: [...g.item.hrefs, it.href] }, rank });
    else g.item.hrefs.push(it.href);
  }
  return [...groups.values()].map((g) => g.item);
}

function schedulingItem(state: AppState, item: InboxItem, rerender: () => void): HTMLElement | null {
  const vcal = parseCalendar(item.data);
  const method = String(vcal.getFirstPropertyValue('method') ?? '').toUpperCase();
  const ve = vcal.getFirstSubcomponent('vevent');
  if (!ve) return null;
  const uid = String(ve.getFirstPropertyValue('uid') ?? '');
  const summaryText = String(ve.getFirstPropertyValue('summary') ?? '');
  const summary = h('span', { class: 'summary' }, summaryText || '(no title)');
  // A DECLINECOUNTER need not repeat the title: take it from the user's copy.
  if (!summaryText && uid) void ownSummary(state, uid).then((t) => { if (t) summary.textContent = t; });
  const organizer = String(ve.getFirstPropertyValue('organizer') ?? '').replace(/^mailto:/i, '');
  const done = async (): Promise<void> => {
    for (const href of item.hrefs) await state.dav.delete(href, null).catch(() => undefined);
    rerender();
    state.refetch();
  };
  const buttons: HTMLElement[] = [];
  const act = (label: string, fn: () => Promise<void>): void => {
    const b = h('button', { type: 'button' }, label);
    b.addEventListener('click', () => { fn().then(done, (e: unknown) => toast(String(e instanceof Error ? e.message : e), 'error')); });
    buttons.push(b);
  };
  if (method === 'REQUEST') {
    act('Accept', () => answer(state, uid, item.data, 'ACCEPTED'));
    act('Maybe', () => answer(state, uid, item.data, 'TENTATIVE'));
    act('Decline', () => answer(state, uid, item.data, 'DECLINED'));
    const propose = h('button', { type: 'button' }, 'Propose a new time');
    propose.addEventListener('click', () => {
      const rid = readTime(ve, 'recurrence-id', state.zone);
      const ridIso = rid ? (rid.date ? rid.instant.toISOString().slice(0, 10) : rid.instant.toISOString()) : null;
      // The invitation stays: proposing a time is not an answer.
      openProposal(state, { text: item.data, recurrenceId: ridIso, uid });
    });
    buttons.push(propose);
  }
  if (method === 'COUNTER') {
    act('Accept proposal', () => acceptCounter(state, item.data));
    act('Decline proposal', () => declineCounter(state, item.data));
  }
  act(method === 'REQUEST' || method === 'COUNTER' ? 'Dismiss' : 'Done', async () => undefined);
  const heading = method === 'REPLY' ? 'Answer' : method === 'CANCEL' ? 'Cancelled' : method === 'COUNTER' ? 'New time proposed'
    : method === 'DECLINECOUNTER' ? 'Your proposed time was declined' : 'Invitation';
  const loc = String(ve.getFirstPropertyValue('location') ?? '');
  const comment = String(ve.getFirstPropertyValue('comment') ?? '');
  const from = method === 'COUNTER' || method === 'REPLY' ? counterFrom(ve) : organizer;
  return h('li', { class: 'inbox-item', 'data-uid': uid, 'data-method': method },
    h('h3', {}, `${heading}: `, summary),
    method === 'DECLINECOUNTER' ? null
      : h('p', {}, method === 'COUNTER' ? 'Proposed: ' : '', h('span', { class: 'when' }, when(state, ve, method === 'COUNTER')), loc ? ' · ' : '', loc ? h('span', { class: 'location' }, loc) : null),
    from ? h('p', {}, 'From ', h('span', { class: 'who' }, from)) : null,
    comment ? h('p', { class: 'comment' }, '“', h('span', {}, comment), '”') : null,
    method === 'COUNTER' || method === 'DECLINECOUNTER' ? null : attendeeList(ve), h('div', { class: 'actions' }, ...buttons));
}

export async function renderInbox(state: AppState, el: HTMLElement): Promise<number> {
  clear(el);
  el.appendChild(h('p', {}, 'Loading…'));
  const invites = await shareInvites(state.dav).catch(() => []);
  const items = await objectsOf(state.dav, `${state.dav.session.home}inbox/`, '').catch(() => []);
  clear(el);
  const rerender = (): void => { void renderInbox(state, el); };
  const list = h('ul', { class: 'inbox' });
  for (const inv of invites) {
    const accept = h('button', { type: 'button' }, 'Accept');
    const decline = h('button', { type: 'button' }, 'Decline');
    const go = (yes: boolean) => (): void => {
      answerShare(state.dav, inv, yes).then(async () => { toast(yes ? 'Calendar added.' : 'Declined.'); await state.reload(); rerender(); },
        (e: unknown) => toast(String(e instanceof Error ? e.message : e), 'error'));
    };
    accept.addEventListener('click', go(true));
    decline.addEventListener('click', go(false));
    list.appendChild(h('li', { class: 'inbox-item share-invite' }, h('h3', {}, 'Shared calendar: ', h('span', { class: 'summary' }, inv.summary || inv.hostUrl)),
      h('p', {}, h('span', { class: 'who' }, inv.organizer), ` shares a calendar with you (${inv.access}).`), h('div', { class: 'actions' }, accept, decline)));
  }
  for (const item of latestPerUid(items)) {
    try {
      const li = schedulingItem(state, item, rerender);
      if (li) list.appendChild(li);
    } catch {
      list.appendChild(h('li', { class: 'inbox-item' }, 'A message that could not be read.'));
    }
  }
  el.appendChild(list.children.length ? list : h('p', {}, 'Nothing new: no invitations or answers.'));
  return list.children.length;
}

