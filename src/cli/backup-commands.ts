/**
 * `reefknot backup` and `reefknot restore`: a consistent copy of the store, taken while `serve`
 * runs (SQLite's online backup; pg_dump for PostgreSQL), and putting one back into an empty (or
 * --force) data folder or database while every server process is stopped.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { restoreSqliteBackup } from '../store/sqlite/sqlite-store.js';
import { restorePgBackup } from '../store/postgres/pg-store.js';
import { redactUrl } from '../server/config.js';
import { configFrom, out, withApp } from './common.js';

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('write a consistent copy of the store to a file (safe while serve runs)')
    .requiredOption('--to <file>', 'the backup file to write')
    .action(async (o: { to: string }, cmd: Command) => {
      const target = resolve(o.to);
      if (existsSync(target)) throw new Error(`${o.to} exists; choose a new file name`);
      await withApp(cmd, (app) => app.store.backup(target));
      out(`Backed up the store to ${o.to}`);
    });

  program
    .command('restore')
    .description('put a backup back as the store of the data folder or --store database (stop serve first)')
    .requiredOption('--from <file>', 'the backup file')
    .option('--force', 'replace an existing store')
    .action(async (o: { from: string; force?: boolean }, cmd: Command) => {
      const config = configFrom(cmd);
      if (config.store) {
        await restorePgBackup(resolve(o.from), config.store, { force: o.force });
        out(`Restored ${o.from} into ${redactUrl(config.store)}`);
        return;
      }
      const data = resolve(config.data);
      restoreSqliteBackup(resolve(o.from), data, { force: o.force });
      out(`Restored ${o.from} into ${data}`);
    });
}
