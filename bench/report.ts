/**
 * Statistics and the markdown report: one table per server (ops/s, p50/p99, result checks), and
 * with --compare one table of ratios (their time per operation / Reefknot's).
 */
import type { OpResult, PopulateResult } from './ops.js';
import type { PeerName } from './peers.js';

export interface RunResult {
  target: PeerName;
  version: string;
  events: number;
  history: number;
  instances: number;
  populate: PopulateResult;
  ops: OpResult[];
  memory: { peakKb: number | null; rssKb: number | null };
  storeAfterPopulate: { diskBytes: number; apparentBytes: number; files: number };
  storeAtEnd: { diskBytes: number; apparentBytes: number; files: number };
  wallSeconds: number;
}

export interface Stats {
  samples: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  opsPerSec: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? NaN;
}

export function stats(op: OpResult): Stats {
  const sorted = [...op.latenciesMs].sort((a, b) => a - b);
  const total = sorted.reduce((a, b) => a + b, 0);
  return {
    samples: sorted.length,
    meanMs: sorted.length ? total / sorted.length : NaN,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    opsPerSec: total > 0 ? sorted.length / (total / 1000) : NaN,
  };
}

const NICE: Record<PeerName, string> = { reefknot: 'Reefknot', radicale: 'Radicale', xandikos: 'Xandikos' };
export const niceName = (p: PeerName): string => NICE[p];

function num(v: number, digits?: number): string {
  if (!Number.isFinite(v)) return '—';
  const d = digits ?? (v >= 100 ? 0 : v >= 10 ? 1 : 2);
  return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

const mb = (bytes: number): string => `${num(bytes / 1048576, 1)} MB`;

export function checkText(op: OpResult): string {
  if (op.errors > 0 && op.latenciesMs.length === 0) return `error: ${op.firstError ?? '?'}`;
  const errs = op.errors > 0 ? `${op.errors} errors (${op.firstError ?? '?'}); ` : '';
  if (op.checked === 0) return `${errs}${op.errors ? '' : 'ok (status)'}`;
  if (op.mismatches === 0) return `${errs}ok ${op.checked}/${op.checked}`;
  return `${errs}**mismatch ${op.mismatches}/${op.checked}** (${op.firstMismatch ?? ''})`;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 220);

export function serverSection(r: RunResult): string {
  const p = r.populate;
  const lines = [
    `### ${NICE[r.target]} ${r.version} — ${r.events.toLocaleString('en-US')} events${r.history ? ` + ${r.history.toLocaleString('en-US')} history` : ''} (${r.instances.toLocaleString('en-US')} instances)`,
    '',
    `- Population: ${p.events.toLocaleString('en-US')} PUTs in ${num(p.seconds, 1)} s = **${num(p.eventsPerSec, 0)} events/s**, ${p.errors} errors${p.firstError ? ` (first: ${cell(p.firstError)})` : ''}`,
    `- Server peak RSS (VmHWM): ${r.memory.peakKb === null ? '?' : mb(r.memory.peakKb * 1024)}; store on disk: ${mb(r.storeAfterPopulate.diskBytes)} after population, ${mb(r.storeAtEnd.diskBytes)} at the end (${r.storeAtEnd.files} files)`,
    '',
    '| operation | reps | errors | ops/s | mean ms | p50 ms | p99 ms | result check |',
    '|---|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const op of r.ops) {
    const s = stats(op);
    const reps = `${op.reps}${op.stoppedByTime ? ' (time cap)' : ''}`;
    lines.push(`| ${op.name} | ${reps} | ${op.errors} | ${num(s.opsPerSec)} | ${num(s.meanMs)} | ${num(s.p50Ms)} | ${num(s.p99Ms)} | ${cell(checkText(op))} |`);
  }
  const get = r.ops.find((o) => o.name === 'GET');
  const week = r.ops.find((o) => o.name.startsWith('calendar-query week (etag'));
  if (get && week) {
    lines.push('', `Week query / GET (p50): ${num(stats(week).p50Ms / stats(get).p50Ms)}×`);
  }
  return lines.join('\n');
}

function ratioCell(ours: OpResult | undefined, theirs: OpResult | undefined): string {
  if (!ours || !theirs) return '—';
  const a = stats(ours);
  const b = stats(theirs);
  if (b.samples === 0) return `error (${cell(theirs.firstError ?? '?').slice(0, 60)})`;
  if (a.samples === 0) return 'ours failed';
  return `${num(b.meanMs / a.meanMs)}× (p50 ${num(b.p50Ms / a.p50Ms)}×)`;
}

const countCell = (op: OpResult | undefined): string => {
  if (!op) return '—';
  if (op.latenciesMs.length === 0) return 'error';
  if (op.checked === 0) return op.errors ? `${op.errors} err` : 'n/a';
  return op.mismatches === 0 ? 'match' : `**${op.mismatches}/${op.checked} differ**`;
};

export function compareSection(runs: RunResult[]): string {
  const ours = runs.find((r) => r.target === 'reefknot');
  const peers = runs.filter((r) => r.target !== 'reefknot');
  if (!ours || peers.length === 0) return '';
  const head = ['operation', 'Reefknot mean ms', ...peers.flatMap((p) => [`${NICE[p.target]} mean ms`, `${NICE[p.target]} / Reefknot`]), ...runs.map((r) => `counts ${NICE[r.target]}`)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 || i >= 2 + peers.length * 2 ? '---' : '--:')).join('|')}|`];
  const popRow = ['population (events/s)', num(ours.populate.eventsPerSec, 0)];
  for (const p of peers) popRow.push(num(p.populate.eventsPerSec, 0), `${num(ours.populate.eventsPerSec / p.populate.eventsPerSec)}×`);
  lines.push(`| ${[...popRow, ...runs.map((r) => (r.populate.errors ? `${r.populate.errors} err` : 'ok'))].join(' | ')} |`);
  for (const op of ours.ops) {
    const row = [op.name, num(stats(op).meanMs)];
    for (const p of peers) {
      const theirs = p.ops.find((o) => o.name === op.name);
      row.push(theirs ? num(stats(theirs).meanMs) : '—', ratioCell(op, theirs));
    }
    for (const r of runs) row.push(countCell(r.ops.find((o) => o.name === op.name)));
    lines.push(`| ${row.map(cell).join(' | ')} |`);
  }
  const rss = ['peak RSS (MB)', num((ours.memory.peakKb ?? NaN) / 1024, 0)];
  const disk = ['store on disk (MB)', num(ours.storeAtEnd.diskBytes / 1048576, 1)];
  for (const p of peers) {
    rss.push(num((p.memory.peakKb ?? NaN) / 1024, 0), '');
    disk.push(num(p.storeAtEnd.diskBytes / 1048576, 1), '');
  }
  lines.push(`| ${[...rss, ...runs.map(() => '')].join(' | ')} |`, `| ${[...disk, ...runs.map(() => '')].join(' | ')} |`);
  return ['### Comparison (ratio = their mean time per operation / Reefknot\'s; higher is better for Reefknot)', '', ...lines].join('\n');
}

/** JSON-friendly copy with the statistics next to the raw latencies. */
export function rawJson(runs: RunResult[], meta: Record<string, unknown>): string {
  return JSON.stringify({ meta, runs: runs.map((r) => ({ ...r, ops: r.ops.map((o) => ({ ...o, stats: stats(o) })) })) }, null, 1);
}
