/**
 * `npm run bench [-- options]`: starts Reefknot on a fresh data folder, fills one calendar with
 * generated events (see generate.ts), measures the CalDAV operations of ops.ts, and prints a
 * markdown report on stdout (progress goes to stderr). With --compare the same operations run
 * on the same data against Radicale and Xandikos (Debian packages). Not part of the test suite.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { objectAt } from './generate.js';
import { populate, runOperations, type Plan } from './ops.js';
import { memoryOf, startTarget, storeSize, type PeerName, type Target } from './peers.js';
import { Reference } from './reference.js';
import { compareSection, niceName, rawJson, serverSection, type RunResult } from './report.js';

const HELP = `usage: npm run bench -- [options]
  --events N            events in the calendar (default 10000)
  --compare             also run Radicale and Xandikos (apt-get install -y radicale xandikos)
  --peers LIST          peers for --compare (default radicale,xandikos)
  --json FILE           write the raw numbers (every latency) as JSON
  --history N           extra objects in 1996–2022 that no query reaches (default 0)
  --seed N              generator seed (default 42)
  --reps-factor F       multiply every repetition count (default 1; e.g. 0.25 for 100000 events)
  --max-seconds S       time cap per measured operation (default 30)
  --populate-seconds S  time cap for population (default 900)
  --concurrency C       parallel PUTs during population (default 4)
  --keep                keep the servers' data folders`;

const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

function options(): { plan: Plan; compare: boolean; peers: PeerName[]; json?: string; keep: boolean; populateSeconds: number } {
  const { values } = parseArgs({
    options: {
      events: { type: 'string' }, history: { type: 'string' }, compare: { type: 'boolean' }, peers: { type: 'string' }, json: { type: 'string' },
      seed: { type: 'string' }, 'reps-factor': { type: 'string' }, 'max-seconds': { type: 'string' },
      'populate-seconds': { type: 'string' }, concurrency: { type: 'string' }, keep: { type: 'boolean' }, help: { type: 'boolean' },
    },
  });
  if (values.help) {
    log(HELP);
    process.exit(0);
  }
  const number = (v: string | undefined, dflt: number, name: string): number => {
    const n = v === undefined ? dflt : Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  const peers = (values.peers ?? 'radicale,xandikos').split(',').map((p) => p.trim()).filter((p): p is PeerName => p === 'radicale' || p === 'xandikos');
  const res = {
    plan: {
      seed: Math.floor(number(values.seed, 42, 'seed')),
      events: Math.max(10, Math.floor(number(values.events, 10_000, 'events'))),
      history: Math.max(0, Math.floor(Number(values.history ?? 0)) || 0),
      repsFactor: number(values['reps-factor'], 1, 'reps-factor'),
      maxSecondsPerOp: number(values['max-seconds'], 30, 'max-seconds'),
      concurrency: Math.floor(number(values.concurrency, 4, 'concurrency')),
    },
    compare: values.compare ?? false,
    peers,
    keep: values.keep ?? false,
    populateSeconds: number(values['populate-seconds'], 900, 'populate-seconds'),
  };
  return values.json ? { ...res, json: values.json } : res;
}

function machine(): Record<string, string | number> {
  const cpuinfo = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return '';
    }
  })();
  return {
    date: new Date().toISOString(),
    nproc: cpus().length,
    cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? '?',
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    commit: gitState(),
  };
}

/** The commit the server was built from, marked when the work tree had changes in src/. */
function gitState(): string {
  const cwd = fileURLToPath(new URL('../../', import.meta.url));
  const head = (spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', cwd }).stdout ?? '').trim();
  const dirty = (spawnSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8', cwd }).stdout ?? '').trim() !== '';
  return head ? `${head}${dirty ? ' + uncommitted src/ changes' : ''}` : '?';
}

const hasCommand = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

let current: Target | null = null;

async function benchTarget(name: PeerName, plan: Plan, ref: Reference, populateSeconds: number, keep: boolean): Promise<RunResult> {
  const t0 = performance.now();
  log(`${niceName(name)}: starting`);
  const t = await startTarget(name, keep);
  current = t;
  try {
    log(`${niceName(name)} ${t.version} (pid ${t.pid}): populating ${plan.events + plan.history} events`);
    const pop = await populate(t, plan, populateSeconds);
    log(`  ${pop.events} events in ${pop.seconds.toFixed(1)} s (${pop.eventsPerSec.toFixed(0)}/s), ${pop.errors} errors${pop.firstError ? `: ${pop.firstError.slice(0, 200)}` : ''}`);
    const storeAfterPopulate = storeSize(t.storeDir);
    const ops = await runOperations(t, plan, ref, log);
    return {
      target: name, version: t.version, events: plan.events, history: plan.history, instances: ref.instanceCount, populate: pop, ops,
      memory: memoryOf(t.pid), storeAfterPopulate, storeAtEnd: storeSize(t.storeDir),
      wallSeconds: (performance.now() - t0) / 1000,
    };
  } finally {
    current = null;
    await t.stop();
    log(`${niceName(name)}: stopped${keep ? ` (data kept in ${t.storeDir})` : ''}`);
  }
}

async function main(): Promise<void> {
  const opts = options();
  const { plan } = opts;
  const onSignal = (): void => {
    void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const g0 = performance.now();
  const ref = new Reference();
  for (let i = 0; i < plan.events + plan.history; i++) {
    const ev = objectAt(plan.seed, plan.events, i);
    ref.add(ev.instances, ev.opaque);
  }
  log(`generated ${plan.events + plan.history} events (${ref.instanceCount} instances) in ${((performance.now() - g0) / 1000).toFixed(1)} s`);

  const names: PeerName[] = ['reefknot'];
  const missing: string[] = [];
  if (opts.compare) {
    for (const p of opts.peers) {
      if (hasCommand(p)) names.push(p);
      else missing.push(`${p} is not installed (apt-get update && apt-get install -y ${p}); skipped`);
    }
  }
  missing.forEach(log);
  const runs: RunResult[] = [];
  for (const name of names) {
    try {
      runs.push(await benchTarget(name, plan, ref, opts.populateSeconds, opts.keep));
    } catch (e) {
      const msg = `${niceName(name)} failed: ${e instanceof Error ? e.message : String(e)}`;
      log(msg);
      missing.push(msg);
    }
  }

  const m = machine();
  const out = [
    `## Reefknot benchmark — ${plan.events.toLocaleString('en-US')} events${plan.history ? ` + ${plan.history.toLocaleString('en-US')} history` : ''}, seed ${plan.seed}`,
    '',
    `${m.date}; ${m.nproc} × ${m.cpu}; ${m.ramGiB} GiB RAM; node ${m.node}; server at ${m.commit}; population concurrency ${plan.concurrency}; repetition factor ${plan.repsFactor}; cap ${plan.maxSecondsPerOp} s per operation.`,
    ...missing.map((s) => `\n> ${s}`),
    '',
    ...runs.flatMap((r) => [serverSection(r), '']),
    compareSection(runs),
  ];
  process.stdout.write(out.join('\n') + '\n');
  if (opts.json) {
    writeFileSync(opts.json, rawJson(runs, { ...m, ...plan, missing }));
    log(`raw numbers written to ${opts.json}`);
  }
  if (runs.length === 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  log(`bench failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  process.exitCode = 1;
});
