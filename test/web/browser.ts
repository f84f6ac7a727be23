/**
 * Browser test helper: Debian's chromium (/usr/bin/chromium) driven by playwright-core, never a
 * downloaded browser. Without chromium the tests skip with a message, or fail under CI.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { passwordOf } from '../helpers/server.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or null when they can (CI=true makes a missing browser a failure). */
export function browserMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const why = `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the web calendar's browser tests`;
  if (process.env.CI) throw new Error(why);
  return why;
}

export interface Chrome {
  browser: Browser;
  newPage(opts?: { width?: number; height?: number }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function launch(): Promise<Chrome> {
  // playwright-core gives every launch a fresh, empty profile directory of its own (the
  // --user-data-dir of a plain launch), removed on close.
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  return {
    browser,
    async newPage(opts = {}) {
      const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 860 }, timezoneId: 'Europe/Berlin', locale: 'en-GB' });
      context.setDefaultTimeout(8000);
      const page = await context.newPage();
      page.on('pageerror', (e) => { (page as Page & { errors?: string[] }).errors?.push(String(e)); });
      return { context, page };
    },
    async close() {
      await browser.close();
    },
  };
}

/** Signs in through the form and waits for the calendar. */
export async function signIn(page: Page, url: string, user: string): Promise<void> {
  await page.goto(url + '/');
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(passwordOf(user));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.fc-view').waitFor();
}

/** Today's date (plus some days) in Berlin, the browser's zone in these tests, as YYYY-MM-DD. */
export function berlinDay(offsetDays = 0): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** YYYY-MM-DD → YYYYMMDD (iCalendar's form). */
export const compact = (day: string): string => day.replace(/-/g, '');

/** Polls until `check` holds (every 100 ms, 5 s at most); returns its last answer. */
export async function eventually(check: () => Promise<boolean>, tries = 50): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

/** Unfolds iCalendar lines (RFC 5545 §3.1) so patterns can match whole properties. */
export const unfold = (text: string): string => text.replace(/\r\n[ \t]/g, '');
