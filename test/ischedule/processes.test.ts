/**
 * iSchedule between two separate `reefknot serve` processes on 127.0.0.1, set up only with the
 * documented CLI (keygen, peer add with pinned keys): an invitation from foo.example reaches
 * bar.example at once, the answer comes back, and the organizer's copy shows both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/smtp.js';

const BIN = join(process.cwd(), 'bin', 'reefknot.js');

function cli(data: string, args: string[], input?: string): string {
  const r = spawnSync(process.execPath, [BIN, ...args, '--data', data], { input, encoding: 'utf8', timeout: 90_000 });
  assert.equal(r.status, 0, `reefknot ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function serve(data: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--data', data, '--listen', `127.0.0.1:${port}`, '--log-level', 'silent', '--no-discovery'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const deadline = Date.now() + 20_000;
  while (!/listening on/.test(err) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.match(err, /listening on/, err);
  return child;
}

const auth = (user: string): string => `Basic ${Buffer.from(`${user}:secret-${user}`).toString('base64')}`;

test('two server processes schedule with each other over iSchedule, set up with the CLI only', { timeout: 120_000 }, async () => {
  const foo = mkdtempSync(join(tmpdir(), 'reefknot-foo-'));
  const bar = mkdtempSync(join(tmpdir(), 'reefknot-bar-'));
  const [fooPort, barPort] = [await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  try {
    cli(foo, ['user', 'add', 'alice', '--email', 'alice@foo.example', '--password-stdin'], 'secret-alice\n');
    cli(bar, ['user', 'add', 'carol', '--email', 'carol@bar.example', '--password-stdin'], 'secret-carol\n');
    cli(foo, ['ischedule', 'keygen', '--domain', 'foo.example', '--public-key-out', join(foo, 'foo.pem')]);
    cli(bar, ['ischedule', 'keygen', '--domain', 'bar.example', '--public-key-out', join(bar, 'bar.pem')]);
    cli(foo, ['ischedule', 'peer', 'add', 'bar.example', '--url', `http://127.0.0.1:${barPort}/.well-known/ischedule`, '--key', join(bar, 'bar.pem')]);
    cli(bar, ['ischedule', 'peer', 'add', 'foo.example', '--url', `http://127.0.0.1:${fooPort}/.well-known/ischedule`, '--key', join(foo, 'foo.pem')]);
    children.push(await serve(foo, fooPort), await serve(bar, barPort));
    const invite = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', 'BEGIN:VEVENT', 'UID:xproc-1', 'DTSTAMP:20260101T000000Z',
      'DTSTART:20270401T100000Z', 'DTEND:20270401T110000Z', 'SUMMARY:Across two processes', 'ORGANIZER:mailto:alice@foo.example',
      'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@foo.example', 'ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:carol@bar.example', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const put = await fetch(`http://127.0.0.1:${fooPort}/calendars/alice/calendar/xproc-1.ics`, { method: 'PUT', headers: { authorization: auth('alice'), 'content-type': 'text/calendar' }, body: invite });
    assert.equal(put.status, 201);
    const organizer = async (): Promise<string> => (await (await fetch(`http://127.0.0.1:${fooPort}/calendars/alice/calendar/xproc-1.ics`, { headers: { authorization: auth('alice') } })).text()).replace(/\r\n /g, '');
    assert.match(await organizer(), /SCHEDULE-STATUS=1\.2[^\n]*mailto:carol@bar.example/, 'delivered in real time');
    const copyUrl = `http://127.0.0.1:${barPort}/calendars/carol/calendar/xproc-1.ics`;
    const copy = await fetch(copyUrl, { headers: { authorization: auth('carol') } });
    assert.equal(copy.status, 200, 'carol has her copy on bar.example');
    const accepted = (await copy.text()).replace(/\r\n /g, '').replace(/(ATTENDEE[^\n]*)PARTSTAT=NEEDS-ACTION([^\n]*mailto:carol@bar.example)/, '$1PARTSTAT=ACCEPTED$2');
    const answer = await fetch(copyUrl, { method: 'PUT', headers: { authorization: auth('carol'), 'content-type': 'text/calendar' }, body: accepted });
    assert.ok([201, 204].includes(answer.status));
    assert.match(await organizer(), /PARTSTAT=ACCEPTED[^\n]*mailto:carol@bar.example/, 'the answer came back to foo.example');
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    rmSync(foo, { recursive: true, force: true });
    rmSync(bar, { recursive: true, force: true });
  }
});
