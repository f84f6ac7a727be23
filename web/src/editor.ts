/**
 * The event editor: title, calendar, times, repetition, alarm, place, notes, attendees with
 * address completion (principal search) and an availability grid (free-busy), each attendee's
 * answer shown. Saving writes the object with PUT and If-Match; a repeating event asks which
 * instances to change. Every text goes into the page as text, never as markup.
 */
import type { EventInstance } from './calendars';
import { searchPeople, type Person } from './calendars';
import { chooseDialog, clear, confirmDialog, field, h, openDialog, toast, uniqueId } from './dom';
import { applyDraft, draftOf, excludeInstance, masterOf, newCalendar, overrideFor, parseCalendar, readTime, splitSeries, type Attendee, type Draft, type Scope } from './events';
import { renderGrid } from './availability';
import { canPropose, openProposal } from './counter';
import type { AppState } from './state';
import { fromLocalInput, toLocalInput } from './tz';
import { SCOPES } from './view';

export interface EditorTarget {
  instance?: EventInstance;
  start?: Date;
  end?: Date;
  allDay?: boolean;
}

const PARTSTAT_LABEL: Record<string, string> = {
  'NEEDS-ACTION': 'no answer yet', ACCEPTED: 'accepted', DECLINED: 'declined', TENTATIVE: 'maybe', DELEGATED: 'delegated',
};
const ALARMS: Array<[string, string]> = [['', 'No alarm'], ['0', 'At the start'], ['5', '5 minutes before'], ['15', '15 minutes before'], ['30', '30 minutes before'], ['60', '1 hour before'], ['1440', '1 day before']];
const REPEATS: Array<[string, string]> = [['none', 'Does not repeat'], ['DAILY', 'Every day'], ['WEEKLY', 'Every week'], ['MONTHLY', 'Every month'], ['YEARLY', 'Every year']];

function select(options: Array<[string, string]>, value: string, attrs: Record<string, string> = {}): HTMLSelectElement {
  const s = h('select', attrs, ...options.map(([v, l]) => h('option', { value: v }, l)));
  s.value = value;
  return s;
}

const dayInput = (d: Date): string => d.toISOString().slice(0, 10);

interface Loaded { draft: Draft; text: string | null; etag: string | null }

async function load(state: AppState, target: EditorTarget): Promise<Loaded> {
  const inst = target.instance;
  if (!inst) {
    const start = target.start ?? new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
    return { draft: { summary: '', location: '', description: '', allDay: target.allDay ?? false, start, end: target.end ?? new Date(start.getTime() + 3_600_000), repeat: 'none', alarmMinutes: null, attendees: [] }, text: null, etag: null };
  }
  const { text, etag } = await state.dav.get(inst.href);
  const vcal = parseCalendar(text);
  const master = masterOf(vcal);
  const ve = inst.recurrenceId ? vcal.getAllSubcomponents('vevent').find((v) => {
    const r = readTime(v, 'recurrence-id', state.zone);
    return r !== null && (r.date ? dayInput(r.instant) === inst.recurrenceId?.slice(0, 10) : r.instant.getTime() === Date.parse(inst.recurrenceId ?? ''));
  }) ?? master : master ?? vcal.getFirstSubcomponent('vevent');
  if (!ve) throw new Error('The calendar object has no event in it.');
  const draft = draftOf(ve, state.zone, master);
  const start = new Date(inst.allDay ? `${inst.start}T00:00:00Z` : inst.start);
  const end = new Date(inst.allDay ? `${inst.end}T00:00:00Z` : inst.end);
  return { draft: { ...draft, start, end }, text, etag };
}

/** Writes the draft for the chosen scope; returns false when the user backed out. */
async function save(state: AppState, target: EditorTarget, loaded: Loaded, draft: Draft, calendarHref: string): Promise<boolean> {
  const inst = target.instance;
  if (!inst || loaded.text === null) {
    const { uid, text } = newCalendar(draft, state.zone, state.organizer);
    await state.dav.put(`${calendarHref}${uid}.ics`, text, null);
    return true;
  }
  const vcal = parseCalendar(loaded.text);
  let scope: Scope = 'all';
  if (inst.recurrenceId) {
    const s = await chooseDialog('Change a repeating event', 'Which events do you want to change?', SCOPES);
    if (!s) return false;
    scope = s;
  }
  const master = masterOf(vcal) ?? vcal.getFirstSubcomponent('vevent');
  if (!master) throw new Error('The calendar object has no event in it.');
  if (!inst.recurrenceId) applyDraft(master, draft, state.zone, state.organizer, true);
  else if (scope === 'this') applyDraft(overrideFor(vcal, inst.recurrenceId, state.zone), { ...draft, repeat: 'none' }, state.zone, state.organizer, false);
  else if (scope === 'all') {
    const ms = readTime(master, 'dtstart', state.zone);
    const me = readTime(master, 'dtend', state.zone);
    const dS = draft.start.getTime() - loaded.draft.start.getTime();
    const dE = draft.end.getTime() - loaded.draft.end.getTime();
    const start = new Date((ms?.instant.getTime() ?? draft.start.getTime()) + dS);
    const end = new Date((me?.instant.getTime() ?? draft.end.getTime()) + dE);
    applyDraft(master, { ...draft, start, end }, state.zone, state.organizer, true);
  } else {
    const tail = splitSeries(vcal, inst.recurrenceId, state.zone);
    const tm = masterOf(tail);
    if (tm) applyDraft(tm, draft, state.zone, state.organizer, true);
    await state.dav.put(`${inst.calendar}${String(tm?.getFirstPropertyValue('uid') ?? crypto.randomUUID())}.ics`, tail.toString(), null);
  }
  await state.dav.put(inst.href, vcal.toString(), loaded.etag);
  return true;
}

async function remove(state: AppState, inst: EventInstance, loaded: Loaded): Promise<boolean> {
  if (!inst.recurrenceId) {
    if (!(await confirmDialog('Delete event', `Delete “${inst.summary || '(no title)'}”?`, 'Delete'))) return false;
    await state.dav.delete(inst.href, loaded.etag);
    return true;
  }
  const scope = await chooseDialog('Delete a repeating event', 'Which events do you want to delete?', SCOPES);
  if (!scope) return false;
  if (scope === 'all') { await state.dav.delete(inst.href, loaded.etag); return true; }
  const vcal = parseCalendar(loaded.text ?? '');
  if (scope === 'this') excludeInstance(vcal, inst.recurrenceId, state.zone);
  else splitSeries(vcal, inst.recurrenceId, state.zone);
  await state.dav.put(inst.href, vcal.toString(), loaded.etag);
  return true;
}

/** The attendee list with completion from principal search. */
function attendeePicker(state: AppState, attendees: Attendee[], onChange: () => void): HTMLElement {
  const list = h('ul', { class: 'attendees', 'aria-label': 'Attendees' });
  const listboxId = uniqueId('people');
  const input = h('input', { type: 'text', role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listboxId, autocomplete: 'off', placeholder: 'Name or email address', name: 'attendee' });
  const options = h('ul', { id: listboxId, role: 'listbox', class: 'suggestions', 'aria-label': 'Suggestions' });
  let found: Person[] = [];
  let active = -1;
  const render = (): void => {
    clear(list);
    for (const a of attendees) {
      const removeBtn = h('button', { type: 'button', class: 'icon-button', 'aria-label': `Remove ${a.name || a.address}` }, '×');
      removeBtn.addEventListener('click', () => { attendees.splice(attendees.indexOf(a), 1); render(); onChange(); });
      list.appendChild(h('li', { 'data-address': a.address }, h('span', { class: 'who' }, a.name ? `${a.name} <${a.address}>` : a.address),
        h('span', { class: `partstat ps-${a.partstat.toLowerCase()}` }, PARTSTAT_LABEL[a.partstat] ?? a.partstat.toLowerCase()), removeBtn));
    }
  };
  const add = (p: { address: string; name: string }): void => {
    if (!attendees.some((a) => a.address.toLowerCase() === p.address.toLowerCase())) attendees.push({ ...p, partstat: 'NEEDS-ACTION' });
    input.value = '';
    showOptions([]);
    render();
    onChange();
  };
  const showOptions = (people: Person[]): void => {
    found = people;
    active = -1;
    clear(options);
    people.forEach((p, i) => {
      const li = h('li', { role: 'option', id: `${listboxId}-${i}`, 'aria-selected': 'false' }, `${p.name} <${p.address}>`);
      li.addEventListener('mousedown', (ev) => { ev.preventDefault(); add(p); });
      options.appendChild(li);
    });
    input.setAttribute('aria-expanded', String(people.length > 0));
  };
  let timer = 0;
  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) { showOptions([]); return; }
    timer = window.setTimeout(() => { void searchPeople(state.dav, q).then((p) => { if (input.value.trim() === q) showOptions(p.filter((x) => !state.dav.session.addresses.includes(`mailto:${x.address}`))); }, () => showOptions([])); }, 200);
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      if (!found.length) return;
      active = (active + (ev.key === 'ArrowDown' ? 1 : found.length - 1)) % found.length;
      Array.from(options.children).forEach((c, i) => c.setAttribute('aria-selected', String(i === active)));
      input.setAttribute('aria-activedescendant', `${listboxId}-${active}`);
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      const pick = found[active] ?? found[0];
      if (pick) add(pick);
      else if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.value.trim())) add({ address: input.value.trim(), name: '' });
    } else if (ev.key === 'Escape' && found.length) { ev.preventDefault(); ev.stopPropagation(); showOptions([]); }
  });
  render();
  return h('div', { class: 'attendee-picker' }, field('Add people', input, 'Type a name or address and choose from the list'), options, list);
}

function readForm(form: HTMLFormElement, base: Draft, attendees: Attendee[], zone: string): Draft | string {
  const v = (n: string): string => (form.elements.namedItem(n) as HTMLInputElement | null)?.value ?? '';
  const allDay = (form.elements.namedItem('allDay') as HTMLInputElement).checked;
  let start: Date | null;
  let end: Date | null;
  if (allDay) {
    start = v('startDay') ? new Date(`${v('startDay')}T00:00:00Z`) : null;
    const last = v('endDay') ? new Date(`${v('endDay')}T00:00:00Z`) : start;
    end = last ? new Date(last.getTime() + 86_400_000) : null;
  } else {
    start = fromLocalInput(v('start'), zone);
    end = fromLocalInput(v('end'), zone);
  }
  if (!start || !end) return 'Give a start and an end.';
  if (end <= start) return 'The end must be after the start.';
  const alarm = v('alarm');
  return { ...base, summary: v('summary').trim(), location: v('location').trim(), description: v('description'), allDay, start, end,
    repeat: v('repeat') as Draft['repeat'], alarmMinutes: alarm === '' ? null : Number(alarm), attendees: [...attendees] };
}

export async function openEditor(state: AppState, target: EditorTarget): Promise<void> {
  let loaded: Loaded;
  try {
    loaded = await load(state, target);
  } catch (e) {
    toast(`The event could not be opened: ${e instanceof Error ? e.message : String(e)}`, 'error');
    return;
  }
  const d = loaded.draft;
  const inst = target.instance;
  const writable = state.calendars.filter((c) => c.writable && c.components.includes('VEVENT'));
  const readOnly = inst !== undefined && !(state.calendars.find((c) => c.href === inst.calendar)?.writable ?? false);
  const attendees = d.attendees.map((a) => ({ ...a }));
  const error = h('p', { class: 'form-error', role: 'alert' });
  const startIn = h('input', { type: 'datetime-local', name: 'start', value: toLocalInput(d.start, state.zone), required: true });
  const endIn = h('input', { type: 'datetime-local', name: 'end', value: toLocalInput(d.end, state.zone), required: true });
  const startDay = h('input', { type: 'date', name: 'startDay', value: dayInput(d.start) });
  const endDay = h('input', { type: 'date', name: 'endDay', value: dayInput(new Date(d.end.getTime() - 86_400_000)) });
  const allDay = h('input', { type: 'checkbox', name: 'allDay', checked: d.allDay });
  const timed = h('div', { class: 'row' }, field('Starts', startIn), field('Ends', endIn));
  const daily = h('div', { class: 'row' }, field('First day', startDay), field('Last day', endDay));
  const syncAllDay = (): void => { timed.hidden = allDay.checked; daily.hidden = !allDay.checked; };
  allDay.addEventListener('change', syncAllDay);
  syncAllDay();
  const calendarSel = select(writable.map((c) => [c.href, c.name]), inst?.calendar ?? writable.find((c) => !state.hidden.has(c.href))?.href ?? writable[0]?.href ?? '', { name: 'calendar' });
  calendarSel.disabled = inst !== undefined;
  const grid = h('div', { class: 'availability' });
  const refreshGrid = (): void => {
    const s = fromLocalInput(startIn.value, state.zone);
    const e = fromLocalInput(endIn.value, state.zone);
    if (!s || !e || allDay.checked) { clear(grid); return; }
    void renderGrid(grid, state, [state.organizer.address, ...attendees.map((a) => a.address)], s, e, (ns) => {
      const len = e.getTime() - s.getTime();
      startIn.value = toLocalInput(ns, state.zone);
      endIn.value = toLocalInput(new Date(ns.getTime() + len), state.zone);
      refreshGrid();
    });
  };
  startIn.addEventListener('change', refreshGrid);
  endIn.addEventListener('change', refreshGrid);
  const saveBtn = h('button', { type: 'submit', class: 'primary' }, 'Save');
  const deleteBtn = inst && !readOnly ? h('button', { type: 'button', class: 'danger' }, 'Delete') : null;
  const cancelBtn = h('button', { type: 'button' }, 'Cancel');
  // An attendee (not the organizer) may propose another time (a COUNTER, see counter.ts).
  const asAttendee = inst && loaded.text !== null ? (() => {
    const vcal = parseCalendar(loaded.text);
    const ve = masterOf(vcal) ?? vcal.getFirstSubcomponent('vevent');
    return ve !== null && ve !== undefined && canPropose(state, ve);
  })() : false;
  const proposeBtn = asAttendee ? h('button', { type: 'button' }, 'Propose a new time') : null;
  const form = h('form', { class: 'editor', novalidate: true },
    field('Title', h('input', { type: 'text', name: 'summary', value: d.summary, autocomplete: 'off' })),
    field('Calendar', calendarSel),
    h('div', { class: 'check' }, allDay, h('label', { for: (allDay.id = uniqueId('allday')) }, 'All day')),
    timed, daily,
    h('div', { class: 'row' }, field('Repeat', select(REPEATS, d.repeat, { name: 'repeat' })), field('Alarm', select(ALARMS, d.alarmMinutes === null ? '' : String(d.alarmMinutes), { name: 'alarm' }))),
    field('Location', h('input', { type: 'text', name: 'location', value: d.location })),
    field('Notes', h('textarea', { name: 'description', rows: 3 }, d.description)),
    attendeePicker(state, attendees, refreshGrid),
    h('h3', {}, 'Availability'), grid,
    error, h('div', { class: 'actions' }, deleteBtn, proposeBtn, cancelBtn, readOnly ? null : saveBtn));
  if (readOnly) for (const c of Array.from(form.elements)) (c as HTMLInputElement).disabled = !(c === cancelBtn || c === proposeBtn);
  const { close } = openDialog(inst ? (readOnly ? 'Event' : 'Edit event') : 'New event', form, { wide: true });
  cancelBtn.addEventListener('click', close);
  proposeBtn?.addEventListener('click', () => {
    if (!inst || loaded.text === null) return;
    close();
    openProposal(state, { text: loaded.text, recurrenceId: inst.recurrenceId, uid: inst.uid });
  });
  refreshGrid();
  (form.elements.namedItem('summary') as HTMLInputElement).focus();
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const draft = readForm(form, d, attendees, state.zone);
    if (typeof draft === 'string') { error.textContent = draft; return; }
    saveBtn.disabled = true;
    save(state, target, loaded, draft, calendarSel.value).then((done) => {
      saveBtn.disabled = false;
      if (!done) return;
      close();
      toast(`Saved “${draft.summary || 'event'}”.`);
      state.refetch();
    }, (e: unknown) => { saveBtn.disabled = false; error.textContent = `Not saved: ${e instanceof Error ? e.message : String(e)}`; });
  });
  deleteBtn?.addEventListener('click', () => {
    if (!inst) return;
    remove(state, inst, loaded).then((done) => { if (done) { close(); toast('Deleted.'); state.refetch(); } },
      (e: unknown) => { error.textContent = `Not deleted: ${e instanceof Error ? e.message : String(e)}`; });
  });
}

