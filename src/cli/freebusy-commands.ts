/** `reefknot freebusy token`: tokens for uploading busy time to a free-busy URL (docs/freebusy.md). */
import type { Command } from 'commander';
import { out, withApp } from './common.js';

export function registerFreeBusyCommands(program: Command): void {
  const fb = program.command('freebusy').description('free-busy URLs: /freebusy/USER');
  fb.command('token')
    .description('issue a token with which USER (or their calendar program) PUTs busy time to their free-busy URL; --revoke withdraws all of them')
    .requiredOption('--user <name>', 'whose free-busy URL')
    .option('--revoke', 'revoke every token of the user')
    .action(async (o: { user: string; revoke?: boolean }, cmd: Command) => {
      if (o.revoke) {
        const n = await withApp(cmd, (app) => app.freebusy.revokeTokens(o.user));
        out(`Revoked ${n} token${n === 1 ? '' : 's'} of ${o.user}`);
        return;
      }
      const token = await withApp(cmd, (app) => app.freebusy.issueToken(o.user));
      out(`Token (shown once): ${token}`);
      out(`Upload busy time with: PUT /freebusy/${o.user}?token=${token} (Content-Type: text/calendar, a VCALENDAR of VFREEBUSY)`);
    });
}
