/**
 * A calendar user's profile for `reefknot cal` (the seed's §6.1 client; §5.1 private events):
 * name, calendar user addresses (RFC 5545 §3.3.3 mailto:), time zone, local store path, and the
 * optional server, SMTP relay and incoming-mail folder. The server password lives in a separate
 * file readable only by its owner (mode 0600).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export type PrivatePolicy = 'local-only' | 'server-private';

export interface Profile {
  name: string;
  /** mailto: addresses, lower-cased; the first is the one used as ORGANIZER. */
  addresses: string[];
  timezone: string;
  storePath: string;
  server?: { url: string; user: string; calendarUrl?: string };
  smtpRelay?: string;
  /** A maildir (cur/ new/) or a folder of .eml files read by `cal fetch`. */
  mailIn?: string;
  privateEvents: PrivatePolicy;
}

export class ClientError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'ClientError';
  }
}

/** The profile folder: --profile, else REEFKNOT_CAL_HOME, else ~/.config/reefknot-cal. */
export function profileDir(flag?: string): string {
  return resolve(flag ?? process.env.REEFKNOT_CAL_HOME ?? join(homedir(), '.config', 'reefknot-cal'));
}

export const mailto = (a: string): string => (/^mailto:/i.test(a) ? `mailto:${a.slice(7).toLowerCase()}` : `mailto:${a.toLowerCase()}`);

export function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function saveProfile(dir: string, p: Profile, password?: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'profile.json'), `${JSON.stringify(p, null, 2)}\n`, { mode: 0o600 });
  if (password !== undefined) {
    writeFileSync(join(dir, 'credentials'), `${password}\n`, { mode: 0o600 });
    chmodSync(join(dir, 'credentials'), 0o600);
  }
}

export function loadProfile(dir: string): Profile {
  const file = join(dir, 'profile.json');
  if (!existsSync(file)) throw new ClientError(`no profile in ${dir}: run 'reefknot cal init' first`, 3);
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  return { ...p, storePath: resolve(dir, p.storePath) };
}

export function serverPassword(dir: string): string {
  const file = join(dir, 'credentials');
  if (!existsSync(file)) throw new ClientError(`no server password stored in ${file}`);
  return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
}
