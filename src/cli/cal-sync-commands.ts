/**
 * `reefknot cal sync`, `conflicts`, `history` and `freebusy` (docs/client.md): two-way sync with
 * a CalDAV server (RFC 6578 sync-token, RFC 4791 §5.3.4 ETag-guarded writes), conflicts shown and
 * resolved, and busy time through the RFC 6638 §5 outbox.
 */
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { ClientError } from '../client/profile.js';
import { renderCalendar } from '../client/render.js';
import { freeBusy, syncWithServer } from '../client/server.js';
import { pendingConflicts, type Conflict, type Prefer } from '../client/sync.js';
import { showInstant } from '../client/ical-util.js';
import { dayCount, dayStart, print, withClient } from './cal-common.js';

function showConflict(k: Conflict, zone: string): string {
  const side = (label: string, text: string | null): string => `  ${label}:\n${text ? renderCalendar(text, zone).trimEnd().split('\n').map((l) => `    ${l}`).join('\n') : '    (deleted)'}`;
  return `conflict: ${k.uid} changed here and on the server\n${side('your version', k.local)}\n${side('server version', k.server)}`;
}

function registerSync(cal: Command): void {
  cal.command('sync').description('two-way sync with the profile\'s CalDAV server')
    .option('--prefer <side>', 'resolve conflicts: local, server, or both (keep both, yours under a new UID)')
    .option('--etags', 'read the server\'s changes by ctag and ETags, not by sync-token (as with a server without sync-collection)')
    .action(async (o: { prefer?: string; etags?: boolean }, cmd: Command) => withClient(cmd, async (c) => {
      if (o.prefer && !['local', 'server', 'both'].includes(o.prefer)) throw new ClientError('--prefer takes local, server or both', 2);
      const bar = process.stdout.isTTY ? new SingleBar({ format: 'syncing {bar} {value}/{total}' }) : null;
      let started = false;
      const r = await syncWithServer(c, {
        ...(o.prefer ? { prefer: o.prefer as Prefer } : {}),
        etags: o.etags ?? false,
        progress: (done, total) => {
          if (bar && total > 20 && !started) { bar.start(total, 0); started = true; }
          if (started) bar?.update(done);
        },
      });
      if (started) bar?.stop();
      print(`synced (${r.mode}): ${r.pulled} received, ${r.pushed} sent, ${r.deletedHere} deleted here, ${r.deletedThere} deleted on the server`);
      if (r.inbox) print(`${r.inbox} new message(s) in the inbox: see 'reefknot cal inbox'`);
      for (const line of r.resolved) print(`resolved ${line}`);
      for (const k of r.conflicts) print(showConflict(k, c.profile.timezone));
      if (r.conflicts.length) {
        print(`${r.conflicts.length} conflict(s) left as they are: run 'reefknot cal sync --prefer local|server|both'`);
        process.exitCode = 4;
      }
    }));
  cal.command('conflicts').description('conflicts waiting for a decision')
    .action(async (_o: unknown, cmd: Command) => withClient(cmd, (c) => {
      const ks = pendingConflicts(c);
      print(ks.length ? ks.map((k) => showConflict(k, c.profile.timezone)).join('\n\n') : 'No conflicts.');
      if (ks.length) process.exitCode = 4;
    }));
  cal.command('history').description('versions replaced by syncs, edits and answers (nothing is lost)').argument('[uid]').option('--full', 'print each version')
    .action(async (uid: string | undefined, o: { full?: boolean }, cmd: Command) => withClient(cmd, (c) => {
      for (const h of c.store.history(uid)) print(`${h.id}  ${h.at}  ${h.uid}  ${h.reason}${o.full ? `\n${h.ical}` : ''}`);
    }));
}

function registerFreebusy(cal: Command): void {
  cal.command('freebusy').description('when a person is busy, asked through the server').argument('<address>')
    .option('--from <date>', 'YYYY-MM-DD (default today)').option('--days <n>', 'days (default 7)', '7').option('--json')
    .action(async (who: string, o: { from?: string; days: string; json?: boolean }, cmd: Command) => withClient(cmd, async (c) => {
      const zone = c.profile.timezone;
      const start = dayStart(o.from ?? 'today', zone, new Date());
      const end = new Date(start.getTime() + dayCount(o.days) * 86_400_000);
      const answers = await freeBusy(c, who, start, end);
      if (o.json) return print(JSON.stringify(answers, null, 2));
      for (const a of answers) {
        print(`${a.who} (${a.status || 'no status'}):`);
        if (a.busy.length === 0) print('  free the whole time');
        for (const b of a.busy) print(`  ${showInstant(b.start.getTime(), zone)} - ${showInstant(b.end.getTime(), zone)}  ${b.type.toLowerCase()}`);
      }
    }));
}

export function registerCalSyncCommands(cal: Command): void {
  registerSync(cal);
  registerFreebusy(cal);
}
