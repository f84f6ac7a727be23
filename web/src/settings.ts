/**
 * Settings: calendars (create with MKCALENDAR, rename and recolour with PROPPATCH, delete after
 * confirmation), sharing (CalendarServer CS:share), the URLs for other clients, and import /
 * export of .ics files (import is one PUT per UID, with progress; export is a GET of the calendar).
 */
import ICAL from 'ical.js';
import { createCalendar, deleteCalendar, publication, setPublished, share, updateCalendar, type CalendarInfo } from './calendars';
import { clear, confirmDialog, field, h, openDialog, toast } from './dom';
import type { AppState } from './state';

function calendarRow(state: AppState, c: CalendarInfo, rerender: () => void): HTMLElement {
  const name = h('input', { type: 'text', value: c.name, 'aria-label': `Name of ${c.name}` });
  const color = h('input', { type: 'color', value: c.color, 'aria-label': `Colour of ${c.name}` });
  const save = h('button', { type: 'button' }, 'Save');
  const del = h('button', { type: 'button', class: 'danger' }, c.kind === 'shared' ? 'Remove' : 'Delete');
  save.addEventListener('click', () => {
    updateCalendar(state.dav, c.href, name.value.trim() || c.name, color.value).then(async () => { toast('Saved.'); await state.reload(); rerender(); },
      (e: unknown) => toast(String(e instanceof Error ? e.message : e), 'error'));
  });
  del.addEventListener('click', () => {
    const what = c.kind === 'shared' ? `Stop seeing “${c.name}”? The owner keeps it.` : `Delete “${c.name}” and every event in it? This cannot be undone.`;
    void confirmDialog(c.kind === 'shared' ? 'Remove calendar' : 'Delete calendar', what, c.kind === 'shared' ? 'Remove' : 'Delete').then(async (ok) => {
      if (!ok) return;
      await deleteCalendar(state.dav, c.href).catch((e: unknown) => toast(String(e instanceof Error ? e.message : e), 'error'));
      await state.reload();
      rerender();
    });
  });
  const url = new URL(c.href, location.href);
  const feed = `webcal://${url.host}${url.pathname}`;
  const shareBox = c.kind === 'own' ? shareSection(state, c, rerender) : h('p', { class: 'hint' }, 'Shared with you by its owner.');
  const exportLink = h('a', { href: c.href, download: `${c.name}.ics` }, 'Export .ics');
  return h('section', { class: 'cal-settings', 'data-href': c.href }, h('h3', {}, h('span', { class: 'swatch', 'data-color': c.color }), c.name),
    h('div', { class: 'row' }, name, color, save, del),
    h('p', {}, 'CalDAV URL for other clients: ', h('code', {}, url.href)),
    c.kind === 'own' ? publishSection(state, c, feed) : h('p', {}, 'Feed: ', h('code', {}, feed)),
    shareBox, h('div', { class: 'row' }, exportLink, importControl(state, c)));
}

/** Publishing to anyone (read only, no password): CalDAV and a subscribable feed at the calendar's URL. */
function publishSection(state: AppState, c: CalendarInfo, feed: string): HTMLElement {
  const box = h('input', { type: 'checkbox', name: 'publish' });
  const hint = h('span', { class: 'hint' });
  void publication(state.dav, c.href).then((p) => {
    box.checked = p.published;
    box.disabled = p.fixed;
    hint.textContent = p.fixed ? ' (published by the server administrator)' : '';
  }, () => { box.disabled = true; });
  box.addEventListener('change', () => {
    void setPublished(state.dav, c.href, box.checked).then(
      () => toast(box.checked ? 'Published: anyone with the link can read it' : 'No longer published'),
      (e: unknown) => { box.checked = !box.checked; toast(`Not changed: ${e instanceof Error ? e.message : String(e)}`, 'error'); },
    );
  });
  return h('div', { class: 'publish' }, h('label', {}, box, ' Publish: anyone can read this calendar without signing in'), hint,
    h('p', {}, 'Feed to subscribe to: ', h('code', {}, feed)));
}

function shareSection(state: AppState, c: CalendarInfo, rerender: () => void): HTMLElement {
  const who = h('input', { type: 'email', placeholder: 'name@example.com', name: 'share-with' });
  const access = h('select', { name: 'share-access' }, h('option', { value: 'read' }, 'Can view'), h('option', { value: 'read-write' }, 'Can edit'));
  const add = h('button', { type: 'button' }, 'Share');
  add.addEventListener('click', () => {
    const address = who.value.trim();
    if (!address) return;
    share(state.dav, c.href, [{ address, readWrite: access.value === 'read-write' }], []).then(async () => {
      toast(`Invited ${address}.`);
      await state.reload();
      rerender();
    }, (e: unknown) => toast(`Not shared: ${e instanceof Error ? e.message : String(e)}`, 'error'));
  });
  const list = h('ul', { class: 'sharees' }, ...c.sharees.map((s) => {
    const stop = h('button', { type: 'button', class: 'link' }, 'Stop sharing');
    stop.addEventListener('click', () => { void share(state.dav, c.href, [], [s.address]).then(async () => { await state.reload(); rerender(); }); });
    return h('li', {}, `${s.name || s.address} (${s.address}) — ${s.access === 'read-write' ? 'can edit' : 'can view'}, ${s.status || 'invited'} `, stop);
  }));
  return h('div', { class: 'share' }, h('h4', {}, 'Sharing'), list, h('div', { class: 'row' }, field('Share with', who), field('Access', access), add));
}

/** Splits an .ics file into one calendar object per UID (with the time zones it uses). */
export function splitIcs(text: string): Array<{ uid: string; text: string }> {
  const vcal = new ICAL.Component(ICAL.parse(text));
  const zones = vcal.getAllSubcomponents('vtimezone');
  const byUid = new Map<string, ICAL.Component[]>();
  for (const comp of vcal.getAllSubcomponents().filter((x) => ['vevent', 'vtodo', 'vjournal'].includes(x.name))) {
    const uid = String(comp.getFirstPropertyValue('uid') ?? crypto.randomUUID());
    byUid.set(uid, [...(byUid.get(uid) ?? []), comp]);
  }
  return [...byUid].map(([uid, comps]) => {
    const out = new ICAL.Component('vcalendar');
    out.addPropertyWithValue('prodid', '-//Reefknot//Web Calendar import//EN');
    out.addPropertyWithValue('version', '2.0');
    for (const z of zones) out.addSubcomponent(new ICAL.Component(z.toJSON()));
    for (const c of comps) out.addSubcomponent(c);
    return { uid, text: out.toString() };
  });
}

function importControl(state: AppState, c: CalendarInfo): HTMLElement {
  const input = h('input', { type: 'file', accept: '.ics,text/calendar', 'aria-label': `Import .ics into ${c.name}` });
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Import progress' });
  const status = h('span', { role: 'status' });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (!file) return;
    void file.text().then(async (text) => {
      const items = splitIcs(text);
      progress.max = items.length;
      progress.hidden = false;
      let done = 0;
      let failed = 0;
      for (const item of items) {
        const href = `${c.href}${encodeURIComponent(item.uid.replace(/[^A-Za-z0-9@._-]/g, '_'))}.ics`;
        await state.dav.request('PUT', href, { body: item.text, headers: { 'Content-Type': 'text/calendar; charset=utf-8' } }).catch(() => { failed++; });
        progress.value = ++done;
        status.textContent = `${done} of ${items.length}`;
      }
      status.textContent = `Imported ${done - failed} of ${items.length}${failed ? ` (${failed} refused)` : ''}.`;
      state.refetch();
    }, () => toast('The file could not be read.', 'error'));
  });
  return h('div', { class: 'import' }, input, progress, status);
}

export function openSettings(state: AppState): void {
  const body = h('div', { class: 'settings' });
  const render = (): void => {
    clear(body);
    const name = h('input', { type: 'text', name: 'new-calendar', placeholder: 'Calendar name' });
    const color = h('input', { type: 'color', value: '#1e7d32', 'aria-label': 'Colour of the new calendar' });
    const create = h('button', { type: 'button', class: 'primary' }, 'Create calendar');
    create.addEventListener('click', () => {
      if (!name.value.trim()) return;
      createCalendar(state.dav, name.value.trim(), color.value).then(async () => { toast('Calendar created.'); await state.reload(); render(); },
        (e: unknown) => toast(String(e instanceof Error ? e.message : e), 'error'));
    });
    body.appendChild(h('div', { class: 'row new-calendar' }, field('New calendar', name), color, create));
    for (const c of state.calendars) body.appendChild(calendarRow(state, c, render));
    for (const sw of Array.from(body.querySelectorAll<HTMLElement>('.swatch'))) sw.style.backgroundColor = sw.dataset.color ?? '';
  };
  render();
  openDialog('Settings', body, { wide: true });
}
