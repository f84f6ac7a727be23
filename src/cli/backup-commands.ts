/**
 * `reefknot backup` and `reefknot restore`: a consistent copy of the SQLite store, taken while
 * `serve` runs (SQLite's online backup), and putting one back into an empty (or --force) data
 * folder while the server is stopped.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import Database from 'better-sqlite3';
import { configFrom, out, withApp } from './common.js';

const STORE_FILE = 'reefknot.sqlite';

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
    .description('put a backup back as the store of the data folder (stop serve first)')
    .requiredOption('--from <file>', 'the backup file')
    .option('--force', 'replace an existing store')
    .action((o: { from: string; force?: boolean }, cmd: Command) => {
      const source = resolve(o.from);
      if (!existsSync(source)) throw new Error(`There is no backup file ${o.from}`);
      const check = new Database(source, { readonly: true, fileMustExist: true });
      try {
        const ok = check.pragma('integrity_check', { simple: true });
        if (ok !== 'ok') throw new Error(`${o.from} is damaged: ${String(ok)}`);
      } finally {
        check.close();
      }
      const data = resolve(configFrom(cmd).data);
      const store = join(data, STORE_FILE);
      if (existsSync(store) && !o.force) throw new Error(`${data} already has a store; stop serve and pass --force to replace it`);
      mkdirSync(data, { recursive: true, mode: 0o700 });
      for (const extra of ['-wal', '-shm']) rmSync(store + extra, { force: true });
      copyFileSync(source, store);
      out(`Restored ${o.from} into ${data}`);
    });
}
