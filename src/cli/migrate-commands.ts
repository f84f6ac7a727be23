/** `reefknot migrate-store`: moves a server's data from its SQLite store into PostgreSQL (docs/deploying.md). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { migrateSqliteToPostgres } from '../store/migrate-store.js';
import { redactUrl } from '../server/config.js';
import { out } from './common.js';

export function registerMigrateCommands(program: Command): void {
  program
    .command('migrate-store')
    .description('copy a SQLite store into an empty PostgreSQL database, then verify every table (stop serve first)')
    .requiredOption('--from <source>', 'sqlite:DIR, the data folder of the SQLite store')
    .requiredOption('--to <url>', 'postgres://user:password@host:port/database, an empty database')
    .action(async (o: { from: string; to: string }) => {
      const m = /^sqlite:(.+)$/.exec(o.from);
      if (!m?.[1]) throw new Error(`--from must be sqlite:DIR (the data folder), not '${o.from}'`);
      if (!/^postgres(ql)?:\/\//i.test(o.to)) throw new Error('--to must be a postgres://user:password@host:port/database URL');
      const dataDir = resolve(m[1]);
      // A bar on a terminal; otherwise a line per table so logs show how far it got.
      const bar = process.stderr.isTTY ? new SingleBar({ format: 'copying [{bar}] {value}/{total} rows ({table})', stream: process.stderr }, Presets.shades_classic) : null;
      let lastTable = '';
      const report = await migrateSqliteToPostgres(dataDir, o.to, (p) => {
        if (bar) {
          if (p.done === 0 || !lastTable) bar.start(p.total, 0, { table: p.table });
          bar.update(p.done, { table: p.table });
        } else if (p.table !== lastTable) process.stderr.write(`copying ${p.table} (${p.done}/${p.total} rows so far)\n`);
        lastTable = p.table;
      });
      bar?.stop();
      for (const t of report.tables) out(`${t.table.padEnd(18)} ${String(t.source).padStart(8)} → ${String(t.target).padStart(8)}  ${t.same ? 'same' : 'DIFFERENT'}`);
      if (!report.ok) throw new Error('Verification failed: the tables marked DIFFERENT do not match; the PostgreSQL database should not be used');
      out(`Copied and verified ${report.rows} rows from ${dataDir} to ${redactUrl(o.to)}.`);
      out(`Start the server with --store ${redactUrl(o.to)} (or REEFKNOT_STORE).`);
    });
}
