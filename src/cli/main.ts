/**
 * The `reefknot` command (docs/cli.md). Every command takes --data and --config; settings come
 * from the config file, then REEFKNOT_* variables, then flags.
 */
import { Command, CommanderError } from 'commander';
import { ReefknotError } from '../domain/errors.js';
import { registerDataCommands } from './data-commands.js';
import { registerServeCommands } from './serve-command.js';
import { registerUserCommands } from './user-commands.js';
import { registerShareCommands } from './share-commands.js';
import { registerMailCommands } from './mail-commands.js';
import { registerFreeBusyCommands } from './freebusy-commands.js';
import { registerBackupCommands } from './backup-commands.js';
import { registerCalCommands } from './cal-commands.js';
import { registerIScheduleCommands } from './ischedule-commands.js';
import { registerCipCommands } from './cip-commands.js';
import { registerMigrateCommands } from './migrate-commands.js';

export function buildProgram(): Command {
  const program = new Command('reefknot')
    .description('Reefknot calendaring and scheduling server')
    .option('--data <dir>', 'data folder (default ./reefknot-data, or REEFKNOT_DATA)')
    .option('--store <url>', 'postgres://user:password@host:port/database: use PostgreSQL instead of SQLite in the data folder (or REEFKNOT_STORE)')
    .option('--config <file>', 'JSON config file (or REEFKNOT_CONFIG)')
    .showHelpAfterError()
    .exitOverride();
  registerServeCommands(program);
  registerUserCommands(program);
  registerDataCommands(program);
  registerShareCommands(program);
  registerMailCommands(program);
  registerFreeBusyCommands(program);
  registerBackupCommands(program);
  registerCalCommands(program);
  registerIScheduleCommands(program);
  registerCipCommands(program);
  registerMigrateCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    const message = e instanceof ReefknotError || e instanceof Error ? e.message : String(e);
    process.stderr.write(`reefknot: ${message}\n`);
    return e instanceof ReefknotError && e.kind === 'not-found' ? 3 : 1;
  }
}
