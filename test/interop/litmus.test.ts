/**
 * Peer test: litmus (the WebDAV server test suite, Debian package `litmus`) against a real server.
 * Suites basic, copymove, props and http must pass with zero failures (RFC 4918 class 1). The
 * locks suite is run too, and must skip itself because the server does not claim class 2 in DAV.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { passwordOf, startTestServer, type TestServer } from '../helpers/server.js';
import { hasCommand, missingPeer, run } from './peer.js';

const SUITES = ['basic', 'copymove', 'props', 'http'];

let s: TestServer | undefined;
let work: string | undefined;
before(async () => {
  if (!hasCommand('litmus')) return;
  s = await startTestServer({ users: ['alice'] });
  work = mkdtempSync(join(tmpdir(), 'reefknot-litmus-'));
});
after(async () => {
  await s?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Summary { suite: string; run: number; passed: number; failed: number }

function summaries(out: string): Map<string, Summary> {
  const map = new Map<string, Summary>();
  for (const m of out.matchAll(/<- summary for `([a-z0-9]+)': of (\d+) tests run: (\d+) passed, (\d+) failed/g)) {
    map.set(m[1]!, { suite: m[1]!, run: Number(m[2]), passed: Number(m[3]), failed: Number(m[4]) });
  }
  return map;
}

test('litmus: basic, copymove, props, http pass; locks skipped (no class 2)', { timeout: 90_000 }, async (t) => {
  if (!s || !work) return missingPeer(t, 'litmus');
  // A plain WebDAV collection in alice's home; litmus creates its own `litmus/` beneath it.
  const mk = await s.request('MKCOL', '/calendars/alice/litmus/');
  assert.equal(mk.status, 201, `MKCOL /calendars/alice/litmus/: ${mk.status} ${mk.text}`);

  const opts = await s.request('OPTIONS', '/calendars/alice/litmus/');
  const dav = (opts.headers.get('dav') ?? '').split(',').map((x) => x.trim());
  assert.ok(dav.includes('1'), `DAV header claims class 1: ${dav.join(', ')}`);
  assert.ok(!dav.includes('2'), 'the server does not implement LOCK, so it must not claim class 2');

  const url = new URL('/calendars/alice/litmus/', s.url).href;
  const r = await run('litmus', ['--keep-going', url, 'alice', passwordOf('alice')], {
    cwd: work, // litmus writes debug.log and child.log into its working directory
    env: { TESTS: [...SUITES, 'locks'].join(' ') },
    timeoutMs: 60_000,
  });
  // litmus redraws each test line with \r; keep what the terminal would show.
  const out = (r.stdout + r.stderr).split('\n').map((l) => l.slice(l.lastIndexOf('\r') + 1)).join('\n');
  t.diagnostic(`litmus ${url} (exit ${r.code}${r.timedOut ? ', timed out' : ''})`);
  for (const line of out.split('\n')) if (line.trim()) t.diagnostic(line);

  const sums = summaries(out);
  const failedNames = [...out.matchAll(/^\s*\d+\.\s+(\S+?)\.*\s+FAIL/gm)].map((m) => m[1]);
  if (failedNames.length > 0 || r.code !== 0) {
    let debugTail = '';
    try { debugTail = readFileSync(join(work, 'debug.log'), 'utf8').slice(-4000); } catch { /* none */ }
    t.diagnostic(`debug.log (tail):\n${debugTail}`);
  }
  assert.equal(r.timedOut, false, 'litmus timed out');
  for (const suite of SUITES) {
    const sum = sums.get(suite);
    assert.ok(sum, `no summary line for suite ${suite}`);
    t.diagnostic(`summary ${suite}: ${sum.run} run, ${sum.passed} passed, ${sum.failed} failed`);
    assert.equal(sum.failed, 0, `litmus ${suite}: ${sum.failed} failed (${failedNames.join(', ')})`);
    assert.equal(sum.passed, sum.run);
  }
  // The locks suite stops itself at `precond` when the server does not advertise class 2.
  const locks = sums.get('locks');
  assert.ok(locks, 'no summary line for suite locks');
  assert.equal(locks.failed, 0);
  assert.match(out, /locking tests skipped,\s*server does not claim Class 2 compliance/);
  t.diagnostic('locks: skipped by litmus, the server does not claim class 2 (no LOCK/UNLOCK)');
  assert.equal(r.code, 0, `litmus exit code ${r.code}`);
});
