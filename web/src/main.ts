/**
 * The web calendar's entry point: asks the server who is signed in (GET web/session), shows the
 * sign-in form or the calendar (views, calendar list, time zone, inbox, settings, sign-out).
 */
import './styles.css';
import { DavClient, type Session } from './caldav';
import { listCalendars } from './calendars';
import { clear, field, h, openDialog, toast } from './dom';
import { openEditor } from './editor';
import { chooseSource, CalendarQuerySource } from './freebusy';
import { renderInbox } from './inbox';
import { openSettings } from './settings';
import { loadHidden, saveHidden, type AppState } from './state';
import { allZones, chooseZone, chosenZone } from './tz';
import { withTimezones } from './tzdata';
import { mountCalendar } from './view';

const root = document.getElementById('app') as HTMLElement;
const api = (path: string): string => new URL(path, document.baseURI).href;

async function fetchSession(): Promise<Session | null> {
  const res = await fetch(api('web/session'), { credentials: 'same-origin', cache: 'no-store' });
  const body = (await res.json()) as Session | { signedIn: false };
  return body.signedIn ? body : null;
}

function showLogin(message = ''): void {
  clear(root);
  document.title = 'Sign in · Reefknot Calendar';
  const user = h('input', { type: 'text', name: 'user', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'form-error', role: 'alert' }, message);
  const form = h('form', { class: 'login', method: 'post', action: api('web/login') },
    h('h1', {}, 'Reefknot Calendar'), field('User name', user), field('Password', password), error,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    error.textContent = '';
    fetch(api('web/login'), { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: user.value.trim(), password: password.value }) })
      .then(async (res) => {
        if (!res.ok) { error.textContent = ((await res.json()) as { error?: string }).error ?? 'Sign-in failed.'; password.select(); return; }
        await boot();
      }, () => { error.textContent = 'The server cannot be reached.'; });
  });
  root.appendChild(h('main', { class: 'login-page' }, form));
  user.focus();
}

async function signOut(session: Session, everywhere: boolean): Promise<void> {
  await fetch(api(everywhere ? 'web/logout-all' : 'web/logout'), { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': session.csrfToken } });
  showLogin(everywhere ? 'You are signed out on every device.' : 'You are signed out.');
}

function zonePicker(state: AppState): HTMLElement {
  const sel = h('select', { name: 'timezone' }, ...allZones().map((z) => h('option', { value: z }, z.replace(/_/g, ' '))));
  if (!allZones().includes(state.zone)) sel.appendChild(h('option', { value: state.zone }, state.zone));
  sel.value = state.zone;
  sel.addEventListener('change', () => {
    state.zone = sel.value;
    chooseZone(sel.value);
    state.calendar?.setOption('timeZone', sel.value);
    toast(`Times are shown in ${sel.value}.`);
  });
  return field('Time zone', sel);
}

function calendarList(state: AppState, el: HTMLElement): void {
  clear(el);
  el.appendChild(h('h2', {}, 'Calendars'));
  const ul = h('ul', { class: 'calendar-list' });
  for (const c of state.calendars.filter((x) => x.components.includes('VEVENT') || x.components.includes('VTODO'))) {
    const box = h('input', { type: 'checkbox', checked: !state.hidden.has(c.href), 'data-href': c.href });
    box.style.accentColor = c.color;
    box.addEventListener('change', () => {
      if (box.checked) state.hidden.delete(c.href); else state.hidden.add(c.href);
      saveHidden(state.hidden);
      state.refetch();
    });
    const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
    swatch.style.backgroundColor = c.color;
    ul.appendChild(h('li', {}, h('label', {}, box, swatch, h('span', { class: 'cal-name' }, c.name), c.kind === 'shared' ? h('small', {}, ' (shared)') : null,
      c.components.includes('VEVENT') ? null : h('small', {}, ' (tasks, in the agenda)'))));
  }
  el.appendChild(ul);
}

async function showApp(session: Session): Promise<void> {
  clear(root);
  document.title = 'Reefknot Calendar';
  const dav = new DavClient(session);
  dav.onSessionEnded = () => showLogin('Your session has ended; sign in again.');
  dav.prepareCalendar = (ics) => withTimezones(ics, session.base);
  const address = (session.addresses[0] ?? `mailto:${session.user}@localhost`).replace(/^mailto:/i, '');
  const side = h('nav', { class: 'sidebar', 'aria-label': 'Calendars' });
  const state: AppState = {
    dav, calendars: [], hidden: loadHidden(), zone: chosenZone(), organizer: { address, name: session.user }, calendar: null,
    freeBusy: new CalendarQuerySource(dav, () => state.calendars),
    reload: async () => { state.calendars = await listCalendars(dav); calendarList(state, side); state.calendar?.refetchEvents(); },
    refetch: () => { state.calendar?.refetchEvents(); },
  };
  const inboxBtn = h('button', { type: 'button', 'aria-haspopup': 'dialog' }, 'Inbox');
  const newBtn = h('button', { type: 'button', class: 'primary' }, 'New event');
  const settingsBtn = h('button', { type: 'button', 'aria-haspopup': 'dialog' }, 'Settings');
  const outBtn = h('button', { type: 'button' }, 'Sign out');
  const outAllBtn = h('button', { type: 'button', class: 'link' }, 'Sign out everywhere');
  newBtn.addEventListener('click', () => { void openEditor(state, {}); });
  settingsBtn.addEventListener('click', () => openSettings(state));
  outBtn.addEventListener('click', () => { void signOut(session, false); });
  outAllBtn.addEventListener('click', () => { void signOut(session, true); });
  inboxBtn.addEventListener('click', () => {
    const box = h('div', { class: 'inbox-box' });
    openDialog('Inbox', box, { wide: true, onClose: () => { void refreshInboxCount(); } });
    void renderInbox(state, box);
  });
  const refreshInboxCount = async (): Promise<void> => {
    const n = await renderInbox(state, h('div', {})).catch(() => 0);
    inboxBtn.textContent = n ? `Inbox (${n})` : 'Inbox';
  };
  const main = h('main', { class: 'calendar-main' });
  const header = h('header', { class: 'topbar' }, h('h1', {}, 'Reefknot Calendar'), newBtn, inboxBtn, settingsBtn, zonePicker(state),
    h('span', { class: 'who-am-i' }, session.user), outBtn, outAllBtn);
  root.appendChild(header);
  root.appendChild(h('div', { class: 'layout' }, side, main));
  state.calendars = await listCalendars(dav);
  calendarList(state, side);
  state.freeBusy = await chooseSource(dav, () => state.calendars, address);
  state.calendar = mountCalendar(state, main);
  void refreshInboxCount();
}

async function boot(): Promise<void> {
  try {
    const session = await fetchSession();
    if (session) await showApp(session);
    else showLogin(new URLSearchParams(location.search).get('signin') === 'failed' ? 'The user name or password is wrong.' : '');
  } catch (e) {
    clear(root);
    root.appendChild(h('main', { class: 'login-page' }, h('p', { role: 'alert' }, `The calendar could not start: ${e instanceof Error ? e.message : String(e)}`)));
  }
}

void boot();
