/** Plumbing shared by the `reefknot cal` commands (docs/client.md): profile, client, exit codes. */
import type { Command } from 'commander';
import { CalendarClient } from '../client/calendar.js';
import { ClientError, loadProfile, profileDir } from '../client/profile.js';

export const print = (s: string): void => {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
};

export function profileOf(cmd: Command): string {
  const o = cmd.optsWithGlobals<{ profile?: string }>();
  return profileDir(o.profile);
}

/** Runs a command body with the profile's client, mapping ClientError to its exit code. */
export async function withClient(cmd: Command, fn: (c: CalendarClient) => Promise<void> | void): Promise<void> {
  await guard(async () => {
    const dir = profileOf(cmd);
    const client = new CalendarClient(loadProfile(dir), dir);
    try {
      await fn(client);
    } finally {
      client.close();
    }
  });
}

export async function guard(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException | null)?.code === 'ENOENT' ? (e as NodeJS.ErrnoException).path : undefined;
    if (missing !== undefined) {
      process.stderr.write(`reefknot: no such file: ${missing}\n`);
      process.exitCode = 3;
      return;
    }
    if (!(e instanceof ClientError)) throw e;
    process.stderr.write(`reefknot: ${e.message}\n`);
    process.exitCode = e.exitCode;
  }
}

/** A whole number of days from an option (wrong usage, exit 2, otherwise). */
export function dayCount(input: string): number {
  const n = Number(input);
  if (!/^\d+$/.test(input.trim()) || n < 1 || n > 3660) throw new ClientError(`--days takes a whole number of days (1 to 3660), not '${input}'`, 2);
  return n;
}

export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** A date typed by the user as the start of that day in UTC-free terms (YYYY-MM-DD), or now. */
export function dayStart(input: string | undefined, zone: string, fallback: Date): Date {
  if (!input) return fallback;
  if (input === 'today') return zonedMidnight(new Date(), zone);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input);
  if (!m) throw new ClientError(`cannot read the date '${input}': use YYYY-MM-DD`, 2);
  return zonedMidnight(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12)), zone);
}

/** Midnight of the day `d` falls on, in `zone`. */
export function zonedMidnight(d: Date, zone: string): Date {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  const [y, mo, da] = parts.split('-').map(Number);
  const guess = Date.UTC(y ?? 1970, (mo ?? 1) - 1, da ?? 1);
  const offset = (t: number): number => {
    const s = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(t));
    const g = (k: string): number => Number(s.find((p) => p.type === k)?.value ?? 0);
    return Date.UTC(g('year'), g('month') - 1, g('day'), g('hour'), g('minute'), g('second')) - t;
  };
  return new Date(guess - offset(guess - offset(guess)));
}
