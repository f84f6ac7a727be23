/**
 * Malformed and hostile sessions: overlong lines, data without its ".", bad commands and data,
 * flooding, idle and failed logins — each answered NO 001 (or NO 000 / NO 002) or closed, and the
 * listener keeps serving.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CipSession, DEFAULT_SESSION_LIMITS } from '../../src/protocols/cip/session.js';
import { CipGateway } from '../../src/services/scheduling/cip-receive.js';
import { startCipServer, Wire, type CipServer } from './rig.js';

let s: CipServer;
before(async () => {
  s = await startCipServer({
    users: { jen: 'jen@yip.com' }, peers: { 'clearblue.com': 'clearblue-secret' },
    limits: { ...DEFAULT_SESSION_LIMITS, maxDataBytes: 4096, commandsPerMinute: 12, idleTimeoutMs: 1_500 },
  });
});
after(async () => {
  await s.stop();
});

async function open(): Promise<Wire> {
  const w = await Wire.open(s.cip.port);
  assert.match((await w.line()) ?? '', /^OK CIP 1\.0 /);
  return w;
}

async function closedAfter(w: Wire): Promise<void> {
  assert.equal(await w.line(), null, 'the server closed the session');
}

test('bad commands and bad data are answered NO 001 and the session goes on', async () => {
  const w = await open();
  assert.deepEqual(await w.command('HELLO there'), ['NO 001 Unknown command']);
  assert.deepEqual(await w.command('SENDEVENT'), ['NO 001 SENDEVENT takes data: end the command line with +']);
  assert.deepEqual(await w.command('AUTHENTICATE KERBEROS x y'), ['NO 001 Unsupported AUTHENTICATE code; use LOGIN']);
  assert.deepEqual(await w.command('AUTHENTICATE LOGIN clearblue.com'), ['NO 001 Use AUTHENTICATE LOGIN identity password']);
  assert.deepEqual(await w.command('SENDEVENT +', ':::', '.'), ['NO 001 not a property line: :::']);
  assert.deepEqual(await w.command('SENDEVENT +', 'UID: x', 'DTSTART: tomorrow', '.'), ['NO 001 not a date-time: tomorrow']);
  assert.deepEqual(await w.command('SENDEVENT +', 'UID: x', '.'), ['NO 001 no ATTENDEE;ROLE=OWNER']);
  assert.deepEqual(await w.command('RSVP +', 'UID: x', 'ATTENDEE: <a@b.example>', '.'), ['NO 001 no STATUS']);
  assert.deepEqual(await w.command('FREEBUSY +', 'DTSTART: 19970101T000000Z', '.'), ['NO 001 no DTEND']);
  w.socket.write(Buffer.concat([Buffer.from([0xff, 0x00, 0xfe, 0x80]), Buffer.from('\r\n')]));
  assert.deepEqual(await w.answer(), ['NO 001 Unknown command']);
  assert.deepEqual(await w.command('QUIT'), ['OK 000 Bye']);
  await closedAfter(w);
});

test('an overlong line is answered NO 001 and closes', async () => {
  const w = await open();
  w.send('A'.repeat(1100));
  assert.deepEqual(await w.answer(), ['NO 001 Line longer than 1000 bytes; closing']);
  await closedAfter(w);
  const endless = await open();
  endless.socket.write('B'.repeat(5000));
  assert.deepEqual(await endless.answer(), ['NO 001 Line longer than 1000 bytes; closing']);
  await closedAfter(endless);
});

test('a data block larger than the limit is answered NO 001 and closes', async () => {
  const w = await open();
  w.send('SENDEVENT +', ...Array.from({ length: 10 }, (_, i) => `DESCRIPTION: ${String(i).repeat(900)}`));
  assert.deepEqual(await w.answer(), ['NO 001 Data larger than 4096 bytes; closing']);
  await closedAfter(w);
});

test('data without its "." then a hang-up, and an idle session, do no harm', async () => {
  const w = await open();
  w.send('SENDEVENT +', 'UID: never-finished', 'ATTENDEE;ROLE=OWNER: <x@clearblue.com>');
  w.close();
  const idle = await open();
  assert.deepEqual(await idle.answer(), ['NO 001 Idle too long; closing']);
  await closedAfter(idle);
  const after = await open();
  assert.deepEqual(await after.command('AUTHENTICATE LOGIN clearblue.com clearblue-secret'), ['OK 000 LOGIN COMPLETED']);
  after.close();
});

test('flooding: commands sent before their answers, and too many commands a minute, close the session', async () => {
  const w = await open();
  w.send(...Array.from({ length: 10 }, () => 'HELLO'));
  const lines: string[] = [];
  for (let l = await w.line(); l !== null; l = await w.line()) lines.push(l);
  assert.equal(lines.at(-1), 'NO 001 Too many commands before their answers; closing');
  const slow = await open();
  const answers: string[] = [];
  for (let i = 0; i < 13; i++) answers.push(...(await slow.command('HELLO')));
  assert.equal(answers.at(-1), 'NO 001 Too many commands; closing');
  await closedAfter(slow);
});

test('three failed logins close the session', async () => {
  const w = await open();
  assert.deepEqual(await w.command('AUTHENTICATE LOGIN clearblue.com wrong-one'), ['NO 000 Access denied.']);
  assert.deepEqual(await w.command('AUTHENTICATE LOGIN clearblue.com wrong-two'), ['NO 000 Access denied.']);
  assert.deepEqual(await w.command('AUTHENTICATE LOGIN nobody.example wrong-three'), ['NO 000 Access denied.']);
  await closedAfter(w);
});

test('LOGIN in clear is refused (NO 002) unless over TLS, from loopback, or allowed', async () => {
  const written: string[] = [];
  const session = new CipSession({
    gateway: new CipGateway(s.app.context, s.app.delivery, s.peers), hostname: 'cip.test', plainLoginAllowed: false, limits: DEFAULT_SESSION_LIMITS,
    now: Date.now, write: (l) => written.push(l), close: () => undefined, onError: () => undefined,
  });
  session.start();
  session.onLine('AUTHENTICATE LOGIN clearblue.com clearblue-secret');
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(written, ['OK CIP 1.0 cip.test', 'NO 002 LOGIN sends a password in clear: use TLS']);
});
