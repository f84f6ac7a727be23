/**
 * `reefknot cal ...`: the command-line calendar user agent (docs/client.md; the seed's §6.1
 * client). This file: profile set-up and the local calendar (add, edit, delete, agenda, show,
 * import, export). Sync is in cal-sync-commands.ts, scheduling in cal-schedule-commands.ts.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { EventFields } from '../client/event-build.js';
import { ClientError, mailto, profileDir, saveProfile, validZone, type PrivatePolicy, type Profile } from '../client/profile.js';
import { agendaTable } from '../client/agenda.js';
import { renderCalendar } from '../client/render.js';
import { readMail } from '../client/imip-mail.js';
import { collect, dayCount, dayStart, guard, print, profileOf, withClient } from './cal-common.js';
import { registerCalSyncCommands } from './cal-sync-commands.js';
import { registerCalScheduleCommands } from './cal-schedule-commands.js';

interface InitOptions {
  name: string; address: string[]; timezone?: string; store?: string; server?: string; user?: string; passwordStdin?: boolean;
  calendar?: string; smtp?: string; mailIn?: string; private?: string;
}

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

function registerInit(cal: Command): void {
  cal.command('init').description('create or replace the profile')
    .requiredOption('--name <name>', 'your name').requiredOption('--address <addr>', 'your email address (repeatable)', collect)
    .option('--timezone <tz>', 'IANA time zone (default: this machine\'s)').option('--store <file>', 'local SQLite store', 'calendar.sqlite')
    .option('--server <url>', 'CalDAV server (its base URL, or the calendar collection URL)').option('--user <name>', 'server user name')
    .option('--password-stdin', 'read the server password from standard input').option('--calendar <url>', 'calendar collection URL (default: discovered)')
    .option('--smtp <url>', 'SMTP relay for iMIP, smtp://host:port').option('--mail-in <dir>', 'maildir or folder of .eml files read by `cal fetch`')
    .option('--private <rule>', "CLASS:PRIVATE events: 'local-only' or 'server-private'", 'local-only')
    .action(async (o: InitOptions, cmd: Command) => guard(async () => {
      const timezone = o.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (!validZone(timezone)) throw new ClientError(`unknown time zone '${timezone}'`, 2);
      if (o.private !== 'local-only' && o.private !== 'server-private') throw new ClientError("--private takes 'local-only' or 'server-private'", 2);
      if (o.server && !o.user) throw new ClientError('--server needs --user', 2);
      const p: Profile = { name: o.name, addresses: o.address.map(mailto), timezone, storePath: o.store ?? 'calendar.sqlite', privateEvents: o.private as PrivatePolicy };
      if (o.server && o.user) p.server = { url: o.server, user: o.user, ...(o.calendar ? { calendarUrl: o.calendar } : {}) };
      if (o.smtp) p.smtpRelay = o.smtp;
      if (o.mailIn) p.mailIn = o.mailIn;
      const dir = profileOf(cmd);
      saveProfile(dir, p, o.passwordStdin ? await readStdinLine() : undefined);
      print(`profile saved in ${dir}`);
    }));
}

interface AddOptions {
  title?: string; start?: string; end?: string; duration?: string; allDay?: boolean; tz?: string; location?: string; description?: string;
  repeat?: string; alarm?: string[]; attendee?: string[]; private?: boolean; public?: boolean; instance?: string;
}

function fieldsOf(o: AddOptions): EventFields {
  const f: EventFields = {};
  if (o.title !== undefined) f.title = o.title;
  if (o.start !== undefined) f.start = o.start;
  if (o.end !== undefined) f.end = o.end;
  if (o.duration !== undefined) f.duration = o.duration;
  if (o.allDay) f.allDay = true;
  if (o.tz !== undefined) f.timezone = o.tz;
  if (o.location !== undefined) f.location = o.location;
  if (o.description !== undefined) f.description = o.description;
  if (o.repeat !== undefined) f.repeat = o.repeat;
  if (o.alarm) f.alarms = o.alarm;
  if (o.attendee) f.attendees = o.attendee;
  if (o.private) f.private = true;
  if (o.public) f.private = false;
  return f;
}

function eventOptions(c: Command): Command {
  return c.option('--start <when>', "'YYYY-MM-DD HH:MM' or YYYY-MM-DD").option('--end <when>', 'end time').option('--duration <d>', 'e.g. 30m, 1h30m, 2d, PT1H')
    .option('--all-day', 'a whole-day event').option('--tz <zone>', 'the event\'s time zone (default: the profile\'s)')
    .option('--location <text>').option('--description <text>').option('--repeat <rule>', "daily, weekly, 'every weekday', 'every 2 weeks', or an RRULE")
    .option('--alarm <before>', 'remind this long before (repeatable), e.g. 15m', collect).option('--attendee <addr>', "invite 'Name <addr>' (repeatable)", collect)
    .option('--private', 'mark CLASS:PRIVATE').option('--public', 'remove CLASS:PRIVATE');
}

function registerEvents(cal: Command): void {
  eventOptions(cal.command('add').description('add an event').argument('<title>'))
    .action(async (title: string, o: AddOptions, cmd: Command) => withClient(cmd, async (c) => {
      const uid = c.add({ ...fieldsOf(o), title });
      const { sendInvitations } = await import('../client/schedule.js');
      const sent = await sendInvitations(c, null, c.require(uid).ical);
      print(`added ${uid}${sent ? ` (${sent})` : ''}`);
    }));
  eventOptions(cal.command('edit').description('change an event, or one instance with --instance').argument('<uid>'))
    .option('--title <text>').option('--instance <date>', 'the instance (its original start date) to change')
    .action(async (uid: string, o: AddOptions, cmd: Command) => withClient(cmd, async (c) => {
      const before = c.require(uid);
      const after = c.edit(uid, fieldsOf(o), o.instance);
      const { sendInvitations } = await import('../client/schedule.js');
      const sent = await sendInvitations(c, before.ical, after.ical);
      print(`changed ${after.uid}${sent ? ` (${sent})` : ''}`);
    }));
  cal.command('delete').description('delete an event, or one instance with --instance').argument('<uid>').option('--instance <date>')
    .action(async (uid: string, o: { instance?: string }, cmd: Command) => withClient(cmd, async (c) => {
      const r = c.delete(uid, o.instance);
      const { sendInvitations } = await import('../client/schedule.js');
      const sent = await sendInvitations(c, r.before, r.after);
      print(`deleted ${o.instance ? `the instance ${o.instance} of ` : ''}${uid}${sent ? ` (${sent})` : ''}`);
    }));
}

function registerViews(cal: Command): void {
  for (const name of ['agenda', 'list']) {
    cal.command(name).description('instances in a range, in your time zone').option('--from <date>', 'YYYY-MM-DD (default today)').option('--to <date>', 'YYYY-MM-DD, exclusive')
      .option('--days <n>', 'days from --from (default 7)', '7').option('--json', 'JSON for scripts')
      .action(async (o: { from?: string; to?: string; days: string; json?: boolean }, cmd: Command) => withClient(cmd, (c) => {
        const zone = c.profile.timezone;
        const start = dayStart(o.from ?? 'today', zone, new Date());
        const end = o.to ? dayStart(o.to, zone, start) : new Date(start.getTime() + dayCount(o.days) * 86_400_000);
        if (end <= start) throw new ClientError('--to must come after --from', 2);
        const rows = c.agenda(start, end);
        print(o.json ? JSON.stringify(rows, null, 2) : agendaTable(rows, zone));
      }));
  }
  cal.command('show').description('show a stored event (UID), an .ics file or an iMIP .eml readably').argument('<what>')
    .action(async (what: string, _o: unknown, cmd: Command) => guard(async () => {
      const text = await showText(what, cmd);
      print(text);
    }));
}

async function showText(what: string, cmd: Command): Promise<string> {
  const { loadProfile } = await import('../client/profile.js');
  let zone = 'UTC';
  let me: string[] = [];
  let stored: string | null = null;
  try {
    const dir = profileOf(cmd);
    const p = loadProfile(dir);
    zone = p.timezone;
    me = p.addresses;
    if (!/\.(ics|eml|ifb)$/i.test(what)) {
      const { CalendarClient } = await import('../client/calendar.js');
      const c = new CalendarClient(p, dir);
      try { stored = c.require(what).ical; } finally { c.close(); }
    }
  } catch (e) {
    if (!/\.(ics|eml)$/i.test(what)) throw e;
  }
  if (stored) return renderCalendar(stored, zone, me);
  const raw = readFileSync(what);
  if (/^(BEGIN:VCALENDAR)/i.test(raw.toString('utf8', 0, 64).trim())) return renderCalendar(raw.toString('utf8'), zone, me);
  const mail = await readMail(raw);
  if (!mail.ical) throw new ClientError(`${what} holds no text/calendar part`);
  return `From: ${mail.from}\nSubject: ${mail.subject}\n\n${renderCalendar(mail.ical, zone, me)}`;
}

function registerFiles(cal: Command): void {
  cal.command('import').description('store every event of an .ics file').argument('<file>')
    .action(async (file: string, _o: unknown, cmd: Command) => withClient(cmd, (c) => {
      const text = readFileSync(file, 'utf8');
      const bar = process.stdout.isTTY ? new SingleBar({ format: 'importing {bar} {value}/{total}' }) : null;
      let started = false;
      const r = c.importIcs(text, (done, total) => {
        if (bar && !started) { bar.start(total, 0); started = true; }
        bar?.update(done);
      });
      bar?.stop();
      print(`imported ${r.stored.length} event(s)`);
      for (const s of r.skipped) print(`skipped ${s}`);
      if (r.skipped.length) process.exitCode = 2;
    }));
  cal.command('export').description('write the calendar (or some UIDs) as one .ics').argument('[uids...]').option('--output <file>')
    .action(async (uids: string[], o: { output?: string }, cmd: Command) => withClient(cmd, (c) => {
      const text = c.exportIcs(uids.length ? uids.map((u) => c.require(u).uid) : undefined);
      if (o.output) writeFileSync(o.output, text);
      else process.stdout.write(text);
    }));
}

export function registerCalCommands(program: Command): void {
  const cal = program.command('cal').description('calendar client: local calendar, sync with a CalDAV server, iMIP mail')
    .option('--profile <dir>', `profile folder (default REEFKNOT_CAL_HOME or ${profileDir()})`)
    // Wrong usage (unknown option, missing argument, …) exits 2 as docs/client.md says; help exits 0.
    .exitOverride((e) => {
      throw e.exitCode === 0 ? e : new CommanderError(2, e.code, e.message);
    });
  registerInit(cal);
  registerEvents(cal);
  registerViews(cal);
  registerFiles(cal);
  registerCalSyncCommands(cal);
  registerCalScheduleCommands(cal);
}
