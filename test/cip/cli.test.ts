/** `reefknot cip peer add|list|remove`, `cip redirect`, and the serve settings, run as real processes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(process.cwd(), 'bin', 'reefknot.js');

function cli(data: string, args: string[], input?: string, env: NodeJS.ProcessEnv = {}): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args, '--data', data], { encoding: 'utf8', timeout: 90_000, input, env: { ...process.env, ...env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('peers are added with a password on stdin, listed and removed; redirects too', () => {
  const data = mkdtempSync(join(tmpdir(), 'reefknot-cip-cli-'));
  try {
    const add = cli(data, ['cip', 'peer', 'add', 'Bar.Example', '--password-stdin', '--host', 'cal.bar.example:5545'], 'shared-secret\n');
    assert.equal(add.code, 0, `${add.err}${add.out}`);
    assert.match(add.out, /logs in here as 'bar\.example'; reached at cal\.bar\.example:5545/);
    assert.equal(cli(data, ['cip', 'peer', 'add', 'baz.example', '--password-stdin', '--tls'], 'other-secret\n').code, 0);
    const list = cli(data, ['cip', 'peer', 'list']).out;
    assert.match(list, /^bar\.example\tcal\.bar\.example:5545\ttcp$/m);
    assert.match(list, /^baz\.example\t\(discovered\)\ttls$/m);
    assert.doesNotMatch(list, /secret/);
    const short = cli(data, ['cip', 'peer', 'add', 'qux.example', '--password-stdin'], 'short\n');
    assert.notEqual(short.code, 0);
    assert.match(short.err, /at least 8 characters/);
    assert.notEqual(cli(data, ['cip', 'peer', 'add', 'qux.example']).code, 0);
    assert.equal(cli(data, ['cip', 'peer', 'remove', 'bar.example']).code, 0);
    assert.doesNotMatch(cli(data, ['cip', 'peer', 'list']).out, /bar\.example/);
    assert.equal(cli(data, ['cip', 'peer', 'remove', 'bar.example']).code, 3);
    assert.equal(cli(data, ['cip', 'redirect', 'add', 'jyip@yip.com', 'Jen@Yip.com']).code, 0);
    assert.match(cli(data, ['cip', 'redirect', 'list']).out, /^jyip@yip\.com\tjen@yip\.com$/m);
    assert.equal(cli(data, ['cip', 'redirect', 'remove', 'jyip@yip.com']).code, 0);
    assert.match(cli(data, ['cip', 'redirect', 'list']).out, /no redirects/);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});

test('cipListen comes from REEFKNOT_CIP_LISTEN and is checked', () => {
  const data = mkdtempSync(join(tmpdir(), 'reefknot-cip-cli-'));
  try {
    const show = cli(data, ['config', 'show'], undefined, { REEFKNOT_CIP_LISTEN: '127.0.0.1:5545' });
    assert.equal(show.code, 0, show.err);
    const config = JSON.parse(show.out) as { cipListen: string; cipTls: boolean; cipAllowPlainLogin: boolean };
    assert.equal(config.cipListen, '127.0.0.1:5545');
    assert.equal(config.cipTls, false);
    assert.notEqual(cli(data, ['config', 'show'], undefined, { REEFKNOT_CIP_LISTEN: 'nonsense' }).code, 0);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});
