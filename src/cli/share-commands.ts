/** `reefknot share`, `unshare` and `shares`: calendar sharing from the command line (docs/sharing.md). */
import type { Command } from 'commander';
import { parseShareTarget } from '../services/sharing.js';
import { out, withApp } from './common.js';

export function registerShareCommands(program: Command): void {
  program
    .command('share <user/calendar>')
    .description('share a calendar with a user, everyone signed in (authenticated) or anyone (public)')
    .requiredOption('--with <who>', 'a user name, authenticated, or public')
    .option('--access <level>', 'freebusy, read, write, write-properties or admin', 'read')
    .action(async (spec: string, o: { with: string; access: string }, cmd: Command) => {
      const view = await withApp(cmd, (app) => app.sharing.share(spec, parseShareTarget(o.with), o.access));
      out(`Shared ${view.calendar} with ${view.with} (${view.access})${view.sharedAs ? `; it appears at ${view.sharedAs}` : ''}`);
    });

  program
    .command('unshare <user/calendar>')
    .description('stop sharing a calendar with a user, authenticated or public')
    .requiredOption('--with <who>', 'a user name, authenticated, or public')
    .action(async (spec: string, o: { with: string }, cmd: Command) => {
      await withApp(cmd, (app) => app.sharing.unshare(spec, parseShareTarget(o.with)));
      out(`Stopped sharing ${spec} with ${o.with}`);
    });

  program
    .command('shares <user>')
    .description('list what a user shares and what is shared with them')
    .option('--json', 'print JSON')
    .action(async (user: string, o: { json?: boolean }, cmd: Command) => {
      const { shared, received } = await withApp(cmd, (app) => app.sharing.list(user));
      if (o.json) {
        out(JSON.stringify({ shared, received }, null, 2));
        return;
      }
      for (const s of shared) out(`shares\t${s.calendar}\twith ${s.with}\t${s.access}\t${s.status}`);
      for (const s of received) out(`receives\t${s.calendar}\t${s.access}\t${s.status}${s.sharedAs ? `\tat ${s.sharedAs}` : ''}`);
      if (shared.length + received.length === 0) out(`${user} shares nothing and receives nothing`);
    });
}
