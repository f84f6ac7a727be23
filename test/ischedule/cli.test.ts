/** `reefknot ischedule keygen` and `peer add|list|remove`, run as real processes on a fresh data folder. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(process.cwd(), 'bin', 'reefknot.js');

function cli(data: string, args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args, '--data', data], { encoding: 'utf8', timeout: 90_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('keygen prints the key record and writes the public key; peers are added, listed and removed', () => {
  const data = mkdtempSync(join(tmpdir(), 'reefknot-ischedule-cli-'));
  try {
    const pem = join(data, 'foo.pem');
    const gen = cli(data, ['ischedule', 'keygen', '--domain', 'Foo.Example', '--public-key-out', pem]);
    assert.equal(gen.code, 0, gen.err);
    assert.match(gen.out, /^ischedule\._domainkey\.foo\.example\. IN TXT "v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+" "[A-Za-z0-9+/=]+"$/m);
    assert.match(readFileSync(pem, 'utf8'), /^-----BEGIN PUBLIC KEY-----/);
    const add = cli(data, ['ischedule', 'peer', 'add', 'bar.example', '--url', 'https://cal.bar.example/.well-known/ischedule', '--key', pem, '--allow', 'deliver,rooms']);
    assert.equal(add.code, 0, add.err);
    assert.equal(cli(data, ['ischedule', 'peer', 'add', 'baz.example']).code, 0);
    const list = cli(data, ['ischedule', 'peer', 'list']).out;
    assert.match(list, /^bar\.example\tallow deliver,rooms\thttps:\/\/cal\.bar\.example\/\.well-known\/ischedule\tkey pinned$/m);
    assert.match(list, /^baz\.example\tallow deliver,freebusy\t\(discovered\)\tkey from DNS$/m);
    const bad = cli(data, ['ischedule', 'peer', 'add', 'qux.example', '--allow', 'everything']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /unknown permission/);
    assert.equal(cli(data, ['ischedule', 'peer', 'remove', 'bar.example']).code, 0);
    assert.doesNotMatch(cli(data, ['ischedule', 'peer', 'list']).out, /bar\.example/);
    assert.equal(cli(data, ['ischedule', 'peer', 'remove', 'bar.example']).code, 3);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});
