/**
 * Proposing a new time in Debian's chromium: the attendee sends a COUNTER from the inbox (or from
 * the event), the organizer accepts it (the attendee's copy moves) or declines it (a
 * DECLINECOUNTER reaches the attendee; nothing moves). Stored data is checked over CalDAV.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { berlinDay, browserMissing, compact, eventually, launch, signIn, unfold, type Chrome } from './browser.js';

const missing = browserMissing();
const SHOTS = process.env.REEFKNOT_SCREENSHOTS === '1' ? 'docs/screenshots' : null;
const T = { 'content-type': 'text/calendar' };
let s: TestServer;
let chrome: Chrome;
let alice: Page;
let bob: Page;

const day = berlinDay();

/** A meeting alice organizes with bob, stored over CalDAV (the server invites bob). */
function meeting(uid: string, summary: string, from: string, to: string): string {
  const d = compact(day);
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z',
    `DTSTART;TZID=Europe/Berlin:${d}T${from}00`, `DTEND;TZID=Europe/Berlin:${d}T${to}00`, `SUMMARY:${summary}`, 'SEQUENCE:0',
    'ORGANIZER;CN=Alice:mailto:alice@example.com', 'ATTENDEE;CN=Alice;PARTSTAT=ACCEPTED:mailto:alice@example.com',
    'ATTENDEE;CN=Bob;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
}

const calendarOf = async (user: string): Promise<string> => unfold((await s.request('GET', `/calendars/${user}/calendar/`, { user })).text);
const inboxOf = async (user: string): Promise<string> => {
  const list = await s.request('PROPFIND', `/calendars/${user}/inbox/`, { user, headers: { depth: '1' } });
  const hrefs = [...list.text.matchAll(/<[a-z]+:href>([^<]+\.ics)<\/[a-z]+:href>/gi)].map((m) => m[1] ?? '');
  const items = await Promise.all(hrefs.map(async (h) => (await s.request('GET', h, { user })).text));
  return unfold(items.join('\n'));
};
/** The VEVENT of a UID in a user's calendar. */
const eventOf = async (user: string, uid: string): Promise<string> => {
  const all = await calendarOf(user);
  return all.split('BEGIN:VEVENT').find((v) => v.includes(`UID:${uid}\r\n`)) ?? '';
};

before(async () => {
  if (missing) return;
  s = await startTestServer({ users: ['alice', 'bob'] });
  chrome = await launch();
  assert.equal((await s.request('PUT', '/calendars/alice/calendar/lunch.ics', { body: meeting('lunch', 'Team lunch', '1000', '1100'), headers: T })).status, 201);
  assert.equal((await s.request('PUT', '/calendars/alice/calendar/budget.ics', { body: meeting('budget', 'Budget review', '1500', '1600'), headers: T })).status, 201);
  bob = (await chrome.newPage()).page;
  await signIn(bob, s.url, 'bob');
  alice = (await chrome.newPage()).page;
  await signIn(alice, s.url, 'alice');
});
after(async () => {
  if (missing) return;
  await chrome.close();
  await s.stop();
});

test('bob proposes a new time from the inbox; alice sees it and accepts; bob\'s copy moves', { skip: missing ?? false }, async () => {
  const d = compact(day);
  await bob.getByRole('button', { name: /Inbox/ }).click();
  const invitation = bob.locator('.inbox-item[data-method="REQUEST"]', { hasText: 'Team lunch' });
  await invitation.getByRole('button', { name: 'Propose a new time' }).click();
  const proposal = bob.getByRole('dialog', { name: 'Propose a new time' });
  await proposal.getByLabel('Proposed start').fill(`${day}T13:00`);
  await proposal.getByLabel('Proposed end').fill(`${day}T14:00`);
  await proposal.getByLabel('Comment').fill('After my <b>dentist</b>');
  await proposal.getByRole('button', { name: 'Send proposal' }).click();
  await proposal.waitFor({ state: 'detached' });
  await invitation.waitFor();
  await bob.keyboard.press('Escape');

  // What the server delivered to alice: a COUNTER from bob with the proposed times.
  const counter = (await inboxOf('alice')).split('BEGIN:VCALENDAR').find((m) => m.includes('METHOD:COUNTER')) ?? '';
  assert.match(counter, /UID:lunch/);
  assert.match(counter, new RegExp(`DTSTART;TZID=Europe/Berlin:${d}T130000`));
  assert.match(counter, new RegExp(`DTEND;TZID=Europe/Berlin:${d}T140000`));
  assert.match(counter, /ORGANIZER[^\r\n]*:mailto:alice@example.com/);
  assert.match(counter, /ATTENDEE[^\r\n]*:mailto:bob@example.com/);
  assert.doesNotMatch(counter, /ATTENDEE[^\r\n]*:mailto:alice@example.com/, 'only the countering attendee');
  assert.match(counter, /BEGIN:VTIMEZONE\r\nTZID:Europe\/Berlin/);

  await alice.getByRole('button', { name: /Inbox/ }).click();
  const item = alice.locator('.inbox-item[data-method="COUNTER"]', { hasText: 'Team lunch' });
  await item.waitFor();
  const shown = await item.innerText();
  assert.match(shown, /New time proposed/);
  assert.match(shown, /Proposed: .*13:00.*14:00/);
  assert.match(shown, /bob@example.com/);
  assert.match(shown, /After my <b>dentist<\/b>/, 'the comment shows literally');
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await alice.screenshot({ path: `${SHOTS}/inbox-counter.png` });
  }
  await item.getByRole('button', { name: 'Accept proposal' }).click();
  await item.waitFor({ state: 'detached' });
  await alice.keyboard.press('Escape');

  const aliceCopy = await eventOf('alice', 'lunch');
  assert.match(aliceCopy, new RegExp(`DTSTART;TZID=Europe/Berlin:${d}T130000`), aliceCopy);
  assert.match(aliceCopy, new RegExp(`DTEND;TZID=Europe/Berlin:${d}T140000`));
  assert.match(aliceCopy, /SEQUENCE:1/);
  // The server's implicit scheduling sent bob the new REQUEST: his stored copy moved.
  const moved = new RegExp(`DTSTART;TZID=Europe/Berlin:${d}T130000`);
  assert.ok(await eventually(async () => moved.test(await eventOf('bob', 'lunch'))), await eventOf('bob', 'lunch'));
  assert.match(await eventOf('bob', 'lunch'), new RegExp(`DTEND;TZID=Europe/Berlin:${d}T140000`));
  await alice.locator('.fc-event', { hasText: 'Team lunch' }).waitFor();
});

test('bob proposes a new time from the event; alice declines; bob hears it and nothing moves', { skip: missing ?? false }, async () => {
  const d = compact(day);
  await bob.reload();
  await bob.locator('.fc-event', { hasText: 'Budget review' }).click();
  const editor = bob.getByRole('dialog');
  await editor.getByRole('button', { name: 'Propose a new time' }).click();
  const proposal = bob.getByRole('dialog', { name: 'Propose a new time' });
  await proposal.getByLabel('Proposed start').fill(`${day}T17:00`);
  await proposal.getByLabel('Proposed end').fill(`${day}T18:00`);
  await proposal.getByRole('button', { name: 'Send proposal' }).click();
  await proposal.waitFor({ state: 'detached' });

  await alice.getByRole('button', { name: /Inbox/ }).click();
  const item = alice.locator('.inbox-item[data-method="COUNTER"]', { hasText: 'Budget review' });
  await item.waitFor();
  assert.match(await item.innerText(), /17:00.*18:00/);
  await item.getByRole('button', { name: 'Decline proposal' }).click();
  await item.waitFor({ state: 'detached' });
  await alice.keyboard.press('Escape');

  const decline = (await inboxOf('bob')).split('BEGIN:VCALENDAR').find((m) => m.includes('METHOD:DECLINECOUNTER')) ?? '';
  assert.match(decline, /UID:budget/);
  assert.match(decline, /SEQUENCE:0/);
  assert.match(decline, /ORGANIZER[^\r\n]*:mailto:alice@example.com/);
  assert.match(decline, /ATTENDEE[^\r\n]*:mailto:bob@example.com/);
  assert.match(decline, /DTSTAMP:\d{8}T\d{6}Z/);
  assert.match(await eventOf('alice', 'budget'), new RegExp(`DTSTART;TZID=Europe/Berlin:${d}T150000`), 'the organizer\'s event stays');
  assert.match(await eventOf('bob', 'budget'), new RegExp(`DTSTART;TZID=Europe/Berlin:${d}T150000`), 'the attendee\'s copy stays');

  await bob.getByRole('button', { name: /Inbox/ }).click();
  await bob.locator('.inbox-item[data-method="DECLINECOUNTER"]', { hasText: 'Budget review' }).waitFor();
  assert.match(await bob.locator('.inbox-item[data-method="DECLINECOUNTER"]').innerText(), /declined/);
  await bob.keyboard.press('Escape');
});
