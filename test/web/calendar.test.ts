/**
 * The web calendar in Debian's chromium: sign in, create an event with an attendee found by
 * completion, drag it, edit one instance of a series, share a calendar with another account, the
 * XSS probe, accessibility (axe-core), a phone-sized screen, sign-out, and CSRF. With
 * REEFKNOT_SCREENSHOTS=1 it also saves the screenshots shown in docs/web.md.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { ics, startTestServer, type TestServer } from '../helpers/server.js';
import { berlinDay, browserMissing, compact, eventually, launch, signIn, unfold, type Chrome } from './browser.js';

const missing = browserMissing();
const SHOTS = process.env.REEFKNOT_SCREENSHOTS === '1' ? 'docs/screenshots' : null;
let s: TestServer;
let chrome: Chrome;
let alice: Page;
const CAL = '/calendars/alice/calendar/';


async function calendarText(user = 'alice', cal = CAL): Promise<string> {
  return (await s.request('GET', cal, { user })).text;
}
async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

before(async () => {
  if (missing) return;
  s = await startTestServer({ users: ['alice', 'bob'] });
  chrome = await launch();
  alice = (await chrome.newPage()).page;
});
after(async () => {
  if (missing) return;
  await chrome.close();
  await s.stop();
});

test('sign in shows the week view with the calendar list', { skip: missing ?? false }, async () => {
  await alice.goto(`${s.url}/`);
  await alice.getByLabel('Password').fill('wrong');
  await alice.getByLabel('User name').fill('alice');
  await alice.getByRole('button', { name: 'Sign in' }).click();
  await alice.getByRole('alert').filter({ hasText: 'wrong' }).waitFor();
  await signIn(alice, s.url, 'alice');
  assert.equal(await alice.locator('.fc-timeGridWeek-view').count(), 1);
  assert.match(await alice.locator('.calendar-list').innerText(), /Calendar/);
});

test('create an event with an attendee found by address completion', { skip: missing ?? false }, async () => {
  const day = berlinDay();
  await alice.getByRole('button', { name: 'New event' }).click();
  const dialog = alice.getByRole('dialog');
  await dialog.getByLabel('Title').fill('Planning with Bob');
  await dialog.getByLabel('Starts').fill(`${day}T10:00`);
  await dialog.getByLabel('Ends').fill(`${day}T11:00`);
  await dialog.getByLabel('Location').fill('Room 4');
  await dialog.getByLabel('Alarm').selectOption('15');
  await dialog.getByLabel('Add people').pressSequentially('bo');
  await dialog.getByRole('option', { name: /bob@example.com/ }).click();
  await dialog.locator('.attendees li[data-address="bob@example.com"]').waitFor();
  await dialog.locator('.fb-grid').waitFor();
  await dialog.locator('.fb-grid').scrollIntoViewIfNeeded();
  await shot(alice, 'event-editor');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await alice.locator('.fc-event', { hasText: 'Planning with Bob' }).waitFor();
  const stored = await calendarText();
  assert.match(stored, /SUMMARY:Planning with Bob/);
  assert.match(stored, /ATTENDEE[^:]*:mailto:bob@example.com/i);
  assert.match(stored, /ORGANIZER[^:]*:mailto:alice@example.com/i);
  assert.match(stored, new RegExp(`DTSTART;TZID=Europe/Berlin:${compact(day)}T100000`));
  assert.match(stored, /BEGIN:VALARM[\s\S]*TRIGGER:-PT15M/);
  // The VTIMEZONE of the TZID goes with it (fetched once from GET web/timezones/Europe/Berlin).
  assert.match(stored, /BEGIN:VTIMEZONE\r\nTZID:Europe\/Berlin\r\n[\s\S]*BEGIN:DAYLIGHT[\s\S]*END:VTIMEZONE/);
});

test('drag an event with an attendee to a new time: the stored object and the attendee\'s copy follow', { skip: missing ?? false }, async () => {
  const ev = alice.locator('.fc-event', { hasText: 'Planning with Bob' }).first();
  const box = await ev.boundingBox();
  const slot = await alice.locator('.fc-timegrid-slot').first().boundingBox();
  assert.ok(box && slot);
  const x = box.x + box.width / 2;
  const y = box.y + 8;
  await alice.mouse.move(x, y);
  await alice.mouse.down();
  await alice.mouse.move(x, y + 10, { steps: 3 });
  await alice.mouse.move(x, y + slot.height * 4, { steps: 8 });
  await alice.mouse.up();
  const day = compact(berlinDay());
  for (let i = 0; i < 50 && !new RegExp(`DTSTART;TZID=Europe/Berlin:${day}T120000`).test(await calendarText()); i++) await alice.waitForTimeout(100);
  const stored = await calendarText();
  assert.match(stored, new RegExp(`DTSTART;TZID=Europe/Berlin:${day}T120000`), stored);
  assert.match(stored, new RegExp(`DTEND;TZID=Europe/Berlin:${day}T130000`));
  assert.match(stored, /SEQUENCE:[1-9]/);
  // The server's implicit scheduling sends bob the new time: his stored copy moves too.
  const bobs = async (): Promise<string> => unfold(await calendarText('bob', '/calendars/bob/calendar/'));
  const moved = new RegExp(`SUMMARY:Planning with Bob[\\s\\S]*DTSTART;TZID=Europe/Berlin:${day}T120000|DTSTART;TZID=Europe/Berlin:${day}T120000[\\s\\S]*SUMMARY:Planning with Bob`);
  assert.ok(await eventually(async () => moved.test(await bobs())), await bobs());
  assert.match(await bobs(), new RegExp(`DTEND;TZID=Europe/Berlin:${day}T130000`));
});

test('edit one instance of a recurring event (an override with RECURRENCE-ID)', { skip: missing ?? false }, async () => {
  const day = compact(berlinDay());
  const body = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:standup\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:${day}T080000\r\nDTEND;TZID=Europe/Berlin:${day}T081500\r\nRRULE:FREQ=DAILY;COUNT=5\r\nSUMMARY:Standup\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
  assert.equal((await s.request('PUT', `${CAL}standup.ics`, { body, headers: { 'content-type': 'text/calendar' } })).status, 201);
  await alice.reload();
  await alice.locator('.fc-event', { hasText: 'Standup' }).first().click();
  const dialog = alice.getByRole('dialog');
  await dialog.getByLabel('Title').fill('Standup (moved room)');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await alice.getByRole('button', { name: 'This event', exact: true }).click();
  await alice.locator('.fc-event', { hasText: 'Standup (moved room)' }).waitFor();
  const stored = (await s.request('GET', `${CAL}standup.ics`)).text;
  assert.match(stored, new RegExp(`RECURRENCE-ID;TZID=Europe/Berlin:${day}T080000`), stored);
  assert.match(stored, /SUMMARY:Standup\r\n/);
  assert.match(stored, /SUMMARY:Standup \(moved room\)/);
  assert.match(stored, /RRULE:FREQ=DAILY;COUNT=5/);
});

test('the month view and the agenda show the events; the agenda shows to-dos with their due dates', { skip: missing ?? false }, async () => {
  const day = compact(berlinDay());
  const todo = (uid: string, summary: string, extra: string): string => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VTODO\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:${summary}\r\n${extra}END:VTODO\r\nEND:VCALENDAR\r\n`;
  const T = { 'content-type': 'text/calendar' };
  assert.equal((await s.request('PUT', '/calendars/alice/tasks/report.ics', { body: todo('report', 'Send the report', `DUE;TZID=Europe/Berlin:${day}T170000\r\n`), headers: T })).status, 201);
  assert.equal((await s.request('PUT', '/calendars/alice/tasks/tickets.ics', { body: todo('tickets', 'Book tickets', `DUE;VALUE=DATE:${day}\r\nSTATUS:COMPLETED\r\nCOMPLETED:20260101T000000Z\r\n`), headers: T })).status, 201);
  assert.equal((await s.request('PUT', '/calendars/alice/tasks/someday.ics', { body: todo('someday', 'Someday, no date', ''), headers: T })).status, 201);
  await alice.reload();
  await alice.locator('.fc-view').waitFor();
  assert.match(await alice.locator('.calendar-list').innerText(), /Tasks/);
  assert.equal(await alice.locator('.fc-event', { hasText: 'Send the report' }).count(), 0, 'to-dos are not drawn in the week grid');
  await alice.getByRole('button', { name: 'Month' }).click();
  await alice.locator('.fc-dayGridMonth-view .fc-event', { hasText: 'Planning with Bob' }).waitFor();
  await shot(alice, 'month-view');
  await alice.getByRole('button', { name: 'Agenda' }).click();
  await alice.locator('.fc-list-event', { hasText: 'Planning with Bob' }).waitFor();
  const report = alice.locator('.fc-list-event', { hasText: 'Task: Send the report' });
  await report.waitFor();
  assert.match(await report.innerText(), /17:00/, 'shown at its due time');
  await alice.locator('.fc-list-event.task-done', { hasText: 'Task (done): Book tickets' }).waitFor();
  assert.equal(await alice.locator('.fc-list-event', { hasText: 'Someday' }).count(), 0, 'a to-do without a date has no place in the agenda');
  await shot(alice, 'agenda');
  await report.locator('.fc-list-event-title').click();
  const dialog = alice.getByRole('dialog', { name: 'Task' });
  assert.match(await dialog.innerText(), /Send the report[\s\S]*Due [\s\S]*17:00/);
  await dialog.locator('.actions').getByRole('button', { name: 'Close' }).click();
  await alice.getByRole('button', { name: 'Week' }).click();
  await alice.locator('.fc-timeGridWeek-view').waitFor();
  await shot(alice, 'week-view');
});

test('share a calendar; the other account accepts in the inbox and sees it', { skip: missing ?? false }, async () => {
  await alice.getByRole('button', { name: 'Settings' }).click();
  const section = alice.locator(`section.cal-settings[data-href="${CAL}"]`);
  await section.getByLabel('Share with').fill('bob@example.com');
  await section.getByLabel('Access').selectOption('read');
  await section.getByRole('button', { name: 'Share' }).click();
  await alice.locator(`section.cal-settings[data-href="${CAL}"] .sharees li`, { hasText: 'bob@example.com' }).waitFor();
  await alice.keyboard.press('Escape');
  const { page: bob } = await chrome.newPage();
  await signIn(bob, s.url, 'bob');
  await bob.getByRole('button', { name: /Inbox/ }).click();
  const invite = bob.locator('.share-invite');
  await invite.waitFor();
  assert.match(await invite.innerText(), /alice/);
  await shot(bob, 'inbox');
  await invite.getByRole('button', { name: 'Accept' }).click();
  await bob.locator('.calendar-list li', { hasText: 'shared' }).waitFor();
  await bob.keyboard.press('Escape');
  await bob.locator('.fc-event[data-href^="/calendars/bob/alice-calendar/"]', { hasText: 'Planning with Bob' }).first().waitFor();
  await bob.context().close();
});

test('publish a calendar from the settings: anyone reads the feed, until it is unpublished', { skip: missing ?? false }, async () => {
  await alice.getByRole('button', { name: 'Settings' }).click();
  const box = alice.locator(`section.cal-settings[data-href="${CAL}"] input[name="publish"]`);
  await box.waitFor();
  assert.equal(await box.isChecked(), false);
  assert.equal((await fetch(`${s.url}${CAL}`)).status, 401, 'not published yet');
  await box.check();
  await alice.getByText('Published: anyone with the link can read it').waitFor();
  const feed = await fetch(`${s.url}${CAL}`);
  assert.equal(feed.status, 200);
  assert.match(await feed.text(), /BEGIN:VCALENDAR/);
  await box.uncheck();
  await alice.getByText('No longer published').waitFor();
  assert.equal((await fetch(`${s.url}${CAL}`)).status, 401);
  await alice.keyboard.press('Escape');
});

test('script in SUMMARY, LOCATION and attendee CN stays inert and shows literally', { skip: missing ?? false }, async () => {
  const probe = '<img src=x onerror="window.__xss=1">';
  const script = '<script>window.__xss=2</script>';
  const cn = '<img src=x onerror=window.__xss=3>';
  const extra = `LOCATION:${script}\r\nORGANIZER:mailto:alice@example.com\r\nATTENDEE;CN="${cn}":mailto:bob@example.com\r\n`;
  const day = compact(berlinDay());
  const body = ics('xss', extra).replace('SUMMARY:Test xss', `SUMMARY:${probe}`).replace(/DTSTART:\d+T\d+Z\r\nDTEND:\d+T\d+Z/, `DTSTART:${day}T140000Z\r\nDTEND:${day}T150000Z`);
  assert.equal((await s.request('PUT', `${CAL}xss.ics`, { body, headers: { 'content-type': 'text/calendar' } })).status, 201);
  await alice.reload();
  await alice.locator('.fc-event', { hasText: probe }).waitFor();
  await alice.locator('.fc-event', { hasText: probe }).click();
  const dialog = alice.getByRole('dialog');
  assert.equal(await dialog.getByLabel('Location').inputValue(), script);
  await dialog.locator('.attendees', { hasText: cn }).waitFor();
  await alice.getByRole('button', { name: 'Agenda' }).click().catch(() => undefined);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await alice.getByRole('button', { name: 'Agenda' }).click();
  await alice.locator('.fc-list-event', { hasText: probe }).waitFor();
  assert.equal(await alice.evaluate(() => (window as unknown as { __xss?: number }).__xss ?? null), null);
  assert.equal(await alice.locator('img[src="x"]').count(), 0);
  assert.equal(await alice.locator('body script:not([src])').count(), 0);
  await alice.getByRole('button', { name: 'Week' }).click();
});

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
interface AxeViolation { id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }
async function axe(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: AxeViolation[] }> } };
    return (await w.axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

test('axe-core finds nothing serious or critical in the week view, the editor and the sign-in page', { skip: missing ?? false }, async () => {
  const problems: string[] = [];
  const report = (where: string, vs: AxeViolation[]): void => { for (const v of vs) problems.push(`${where}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`); };
  report('week', await axe(alice));
  await alice.getByRole('button', { name: 'New event' }).click();
  await alice.getByRole('dialog').locator('.fb-grid').waitFor();
  report('editor', await axe(alice));
  await alice.keyboard.press('Escape');
  const { page: anon } = await chrome.newPage();
  await anon.goto(`${s.url}/`);
  await anon.getByLabel('User name').waitFor();
  report('sign-in', await axe(anon));
  await anon.context().close();
  assert.deepEqual(problems, []);
});

test('usable at 390×844: the day view, no sideways scrolling, the editor fits', { skip: missing ?? false }, async () => {
  const { page } = await chrome.newPage({ width: 390, height: 844 });
  await signIn(page, s.url, 'alice');
  assert.equal(await page.locator('.fc-timeGridDay-view').count(), 1);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
  await page.getByRole('button', { name: 'New event' }).click();
  const box = await page.getByRole('dialog').boundingBox();
  assert.ok(box && box.width <= 390);
  await page.context().close();
});

test('a cookie-authenticated PUT without the CSRF token is refused', { skip: missing ?? false }, async () => {
  const status = await alice.evaluate(async (cal) => {
    const body = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:forged\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260110T100000Z\r\nSUMMARY:forged\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    return (await fetch(`${cal}forged.ics`, { method: 'PUT', body, headers: { 'content-type': 'text/calendar' } })).status;
  }, CAL);
  assert.equal(status, 403);
  assert.equal((await s.request('GET', `${CAL}forged.ics`)).status, 404);
});

test('the scheduling flow: the attendee accepts in the inbox and the organizer sees the answer', { skip: missing ?? false }, async (t) => {
  const dav = (await s.request('OPTIONS', '/calendars/alice/')).headers.get('dav') ?? '';
  if (!dav.includes('calendar-auto-schedule')) {
    t.skip('the server does not advertise calendar-auto-schedule yet (RFC 6638 scheduling is being built); this test runs once it does');
    return;
  }
  const { page: bob } = await chrome.newPage();
  await signIn(bob, s.url, 'bob');
  await bob.getByRole('button', { name: /Inbox/ }).click();
  const item = bob.locator('.inbox-item[data-method="REQUEST"]', { hasText: 'Planning with Bob' });
  await item.waitFor();
  await item.getByRole('button', { name: 'Accept' }).click();
  await item.waitFor({ state: 'detached' });
  for (let i = 0; i < 50 && !/PARTSTAT=ACCEPTED[^\r\n]*mailto:bob@example.com/i.test((await calendarText()).replace(/\r\n /g, '')); i++) await bob.waitForTimeout(100);
  assert.match((await calendarText()).replace(/\r\n /g, ''), /ATTENDEE[^\r\n]*PARTSTAT=ACCEPTED[^\r\n]*:mailto:bob@example.com/i);
  await bob.context().close();
});

test('sign-out ends the session: the page shows the sign-in form and CalDAV answers 401', { skip: missing ?? false }, async () => {
  const cookie = (await alice.context().cookies()).find((c) => c.name === 'reefknot_session');
  assert.ok(cookie?.httpOnly && cookie.sameSite === 'Strict', 'an HttpOnly, SameSite=Strict cookie');
  await alice.getByRole('button', { name: 'Sign out', exact: true }).click();
  await alice.getByLabel('User name').waitFor();
  assert.equal((await alice.context().cookies()).filter((c) => c.name === 'reefknot_session').length, 0, 'the cookie is cleared');
  const res = await fetch(`${s.url}/calendars/alice/`, { method: 'PROPFIND', headers: { depth: '0', cookie: `${cookie.name}=${cookie.value}` } });
  assert.equal(res.status, 401, 'the old session id is worthless');
  // The app's own requests carry X-CSRF-Token: without a session they get 401 and no Basic
  // challenge, so the browser never shows its password dialog.
  const status = await alice.evaluate(async () => {
    const r = await fetch('/calendars/alice/', { method: 'PROPFIND', headers: { depth: '0', 'x-csrf-token': 'none' } });
    return [r.status, r.headers.get('www-authenticate')];
  });
  assert.deepEqual(status, [401, null]);
});
