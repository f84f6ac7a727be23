/** `reefknot import` and `reefknot export`: .ics files in and out of a user's calendar. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { ReefknotError } from '../domain/errors.js';
import { joinCalendars, splitByUid } from '../domain/ical/feed.js';
import { homePath } from '../services/context.js';
import { objectNameFor } from '../services/calendar-objects.js';
import { PRODID } from '../protocols/caldav/mkcalendar.js';
import { out, withApp } from './common.js';

interface CalendarOptions {
  user: string;
  calendar: string;
}

export function registerDataCommands(program: Command): void {
  program
    .command('import <file>')
    .description('import an .ics file into a calendar, one resource per UID')
    .requiredOption('--user <name>', 'owner of the calendar')
    .requiredOption('--calendar <segment>', "the calendar's URL segment in the user's home, e.g. calendar")
    .action(async (file: string, o: CalendarOptions, cmd: Command) => {
      const text = readFileSync(file, 'utf8');
      const items = splitByUid(text);
      const skipped: string[] = [];
      let stored = 0;
      await withApp(cmd, async (app) => {
        const principal = await app.users.principalFor(o.user);
        const base = `${homePath(o.user)}${o.calendar}/`;
        const bar = process.stderr.isTTY ? new SingleBar({ format: 'importing [{bar}] {value}/{total}', stream: process.stderr }, Presets.shades_classic) : null;
        bar?.start(items.length, 0);
        for (const item of items) {
          bar?.increment();
          if (item.uid === '') {
            skipped.push('a component without a UID');
            continue;
          }
          try {
            await app.content.put(principal, base + objectNameFor(item.uid), Buffer.from(item.text), 'text/calendar', () => undefined);
            stored++;
          } catch (e) {
            if (!(e instanceof ReefknotError)) throw e;
            if (e.kind === 'not-found' || e.kind === 'conflict') throw new ReefknotError('not-found', `User ${o.user} has no calendar '${o.calendar}'`);
            skipped.push(`UID ${item.uid}: ${e.message}`);
          }
        }
        bar?.stop();
      });
      out(`Imported ${stored} of ${items.length} objects into ${o.user}/${o.calendar}`);
      for (const s of skipped) out(`skipped ${s}`);
      if (skipped.length > 0) process.exitCode = 2;
    });

  program
    .command('export')
    .description('write a calendar as one .ics document to standard output')
    .requiredOption('--user <name>', 'owner of the calendar')
    .requiredOption('--calendar <segment>', "the calendar's URL segment in the user's home")
    .action(async (o: CalendarOptions, cmd: Command) => {
      const texts = await withApp(cmd, async (app) => {
        const principal = await app.users.principalFor(o.user);
        return app.content.calendarTexts(principal, `${homePath(o.user)}${o.calendar}/`);
      });
      process.stdout.write(joinCalendars(texts, { prodid: PRODID }));
    });
}
