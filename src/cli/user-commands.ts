/** `reefknot user ...`: add, passwd, list, disable, enable, delete, email add/remove. */
import type { Command } from 'commander';
import type { UserType } from '../store/types.js';
import { out, withApp } from './common.js';
import { confirm, readNewPassword } from './prompt.js';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage users and their calendar user addresses');

  user
    .command('add <name>')
    .description('create a user with a default calendar and a tasks calendar')
    .option('--email <address>', 'calendar user address (repeatable)', collect, [])
    .option('--password-stdin', 'read the password as one line from standard input')
    .option('--type <type>', 'individual, room, resource or group', 'individual')
    .action(async (name: string, o: { email: string[]; passwordStdin?: boolean; type: string }, cmd: Command) => {
      if (!['individual', 'room', 'resource', 'group'].includes(o.type)) throw new Error(`--type must be individual, room, resource or group`);
      const password = await readNewPassword(o.passwordStdin === true);
      await withApp(cmd, async (app) => {
        await app.users.create(name, { addresses: o.email, password, type: o.type as UserType });
      });
      out(`Created user ${name}${o.email.length ? ` (${o.email.join(', ')})` : ''}`);
    });

  user
    .command('passwd <name>')
    .description("set a user's password")
    .option('--password-stdin', 'read the password as one line from standard input')
    .action(async (name: string, o: { passwordStdin?: boolean }, cmd: Command) => {
      const password = await readNewPassword(o.passwordStdin === true);
      await withApp(cmd, (app) => app.users.setPassword(name, password));
      out(`Password changed for ${name}`);
    });

  user
    .command('list')
    .description('list users')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const users = await withApp(cmd, (app) => app.users.list());
      if (o.json) {
        out(JSON.stringify(users.map((u) => ({ ...u, addresses: u.addresses.map((a) => a.replace(/^mailto:/, '')) })), null, 2));
        return;
      }
      for (const u of users) {
        const flags = [u.type !== 'individual' ? u.type : '', u.disabled ? 'disabled' : ''].filter(Boolean).join(', ');
        out(`${u.name}\t${u.addresses.map((a) => a.replace(/^mailto:/, '')).join(', ') || '-'}${flags ? `\t(${flags})` : ''}`);
      }
    });

  for (const [verb, disabled] of [['disable', true], ['enable', false]] as const) {
    user
      .command(`${verb} <name>`)
      .description(disabled ? 'stop a user from signing in (data is kept)' : 'let a disabled user sign in again')
      .action(async (name: string, _o: unknown, cmd: Command) => {
        await withApp(cmd, (app) => app.users.setDisabled(name, disabled));
        out(`User ${name} ${disabled ? 'disabled' : 'enabled'}`);
      });
  }

  user
    .command('delete <name>')
    .description('delete a user and all their calendars')
    .option('--yes', 'do not ask for confirmation')
    .action(async (name: string, o: { yes?: boolean }, cmd: Command) => {
      if (!o.yes && !(await confirm(`Delete user ${name} and all their calendars?`))) {
        throw new Error('Not deleted (confirm at the prompt, or pass --yes)');
      }
      await withApp(cmd, (app) => app.users.remove(name));
      out(`Deleted user ${name}`);
    });

  const email = user.command('email').description("manage a user's calendar user addresses");
  email
    .command('add <name> <address>')
    .description('add an address (unique across the server)')
    .action(async (name: string, address: string, _o: unknown, cmd: Command) => {
      await withApp(cmd, (app) => app.users.addAddress(name, address));
      out(`Added ${address} to ${name}`);
    });
  email
    .command('remove <name> <address>')
    .description('remove an address')
    .action(async (name: string, address: string, _o: unknown, cmd: Command) => {
      await withApp(cmd, (app) => app.users.removeAddress(name, address));
      out(`Removed ${address} from ${name}`);
    });
}
