/**
 * Scheduling by email with a real SMTP relay on loopback: A invites F (email only) and E (a plain
 * iMIP client); F's words are recorded with the CLI; E's REPLY mail is applied; a forged REPLY is
 * quarantined; the relay down for a while delivers once when back, across a restart; no header
 * can be injected through event text.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { freePort, TestRelay } from '../helpers/smtp.js';

let s: TestServer;
let relay: TestRelay;
let mailPort: number;
const BIN = join(process.cwd(), 'bin', 'reefknot.js');
const T = { 'content-type': 'text/calendar' };

before(async () => {
  relay = await TestRelay.start();
  mailPort = await freePort();
  s = await startTestServer({ users: ['alice'], flags: { smtpRelay: relay.url } });
});
after(async () => {
  await s.stop();
  await relay.down();
});

/** Runs the CLI without blocking this process (the server under test lives in it). */
function cli(args: string[], input?: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, '--data', s.dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}
const invite = (uid: string, attendees: string[], summary = 'Budget review'): string =>
  `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270110T100000Z\r\nDTEND:20270110T110000Z\r\n` +
  `SUMMARY:${summary}\r\nLOCATION:Room 4\r\nORGANIZER;CN=Alice:mailto:alice@example.com\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com\r\n` +
  `${attendees.map((a) => `ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:${a}\r\n`).join('')}END:VEVENT\r\nEND:VCALENDAR\r\n`;
const organizerCopy = async (uid: string): Promise<string> => (await s.request('GET', `/calendars/alice/calendar/${uid}.ics`)).text.replace(/\r\n /g, '');

test('A invites F, who has only email: a readable mail with the iTIP part goes out, the copy shows 1.1', async () => {
  assert.equal((await s.request('PUT', '/calendars/alice/calendar/f1.ics', { body: invite('f1', ['f@baz.example']), headers: T })).status, 201);
  assert.match(await organizerCopy('f1'), /SCHEDULE-STATUS=1\.0[^\n]*mailto:f@baz.example/);
  assert.equal(await s.app.worker.runOnce(), 1);
  const mail = relay.mails.find((m) => m.to.includes('f@baz.example'));
  assert.ok(mail, 'the relay received the invitation');
  assert.equal(mail.from, 'alice@example.com');
  assert.equal(mail.parsed.subject, 'Invitation: Budget review');
  for (const line of ['What:', 'Budget review', 'When:', 'Where:', 'Room 4', 'Organizer:', 'Alice <alice@example.com>', 'f@baz.example: no answer yet', 'reply to this message']) {
    assert.ok(mail.parsed.text?.includes(line), `the text part says ${line}`);
  }
  assert.match(mail.raw, /Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
  assert.ok(mail.parsed.attachments.some((a) => a.filename === 'invite.ics'));
  assert.match(await organizerCopy('f1'), /SCHEDULE-STATUS=1\.1[^\n]*mailto:f@baz.example/);
  assert.equal(await s.app.worker.runOnce(), 0, 'sent once');
});

test("F's hand-written answer is recorded with `reefknot attendee set`", async () => {
  const r = await cli(['attendee', 'set', '--user', 'alice', '--uid', 'f1', '--attendee', 'mailto:f@baz.example', '--partstat', 'ACCEPTED']);
  assert.equal(r.status, 0, r.stderr);
  return organizerCopy('f1').then((copy) => assert.match(copy, /PARTSTAT=ACCEPTED[^\n]*mailto:f@baz.example/));
});

const replyMail = (from: string, attendee: string, uid: string, partstat: string, messageId: string): string =>
  `From: ${from}\r\nTo: alice@example.com\r\nSubject: Accepted\r\nMessage-ID: <${messageId}>\r\nMIME-Version: 1.0\r\nContent-Type: text/calendar; charset=utf-8; method=REPLY\r\n\r\n` +
  `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//E//EN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260102T000000Z\r\nSEQUENCE:0\r\n` +
  `ORGANIZER:mailto:alice@example.com\r\nATTENDEE;PARTSTAT=${partstat}:mailto:${attendee}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;

test('E answers by mail from a plain iMIP client: `reefknot imip ingest` applies it once', async () => {
  await s.request('PUT', '/calendars/alice/calendar/e1.ics', { body: invite('e1', ['e@baz.example']), headers: T });
  const r = await cli(['imip', 'ingest'], replyMail('E <e@baz.example>', 'e@baz.example', 'e1', 'ACCEPTED', 'reply-e1@baz.example'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /alice@example.com: 1\.2;Delivered/);
  assert.match(await organizerCopy('e1'), /PARTSTAT=ACCEPTED[^\n]*mailto:e@baz.example/);
  const again = await cli(['imip', 'ingest'], replyMail('E <e@baz.example>', 'e@baz.example', 'e1', 'ACCEPTED', 'reply-e1@baz.example'));
  assert.match(again.stdout, /already applied/);
});

test('a forged REPLY (From is not the attendee) is quarantined, not applied; it can be reviewed and dropped', async () => {
  await s.request('PUT', '/calendars/alice/calendar/g1.ics', { body: invite('g1', ['g@baz.example']), headers: T });
  const r = await cli(['imip', 'ingest'], replyMail('mallory@evil.example', 'g@baz.example', 'g1', 'DECLINED', 'forged@evil.example'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /quarantined as #\d+: From <mallory@evil.example> is not the attendee/);
  assert.match(await organizerCopy('g1'), /PARTSTAT=NEEDS-ACTION[^\n]*mailto:g@baz.example/);
  const list = await cli(['imip', 'quarantine', 'list']);
  assert.match(list.stdout, /from mallory@evil.example/);
  const id = /#(\d+)/.exec(list.stdout)?.[1] ?? '';
  assert.equal((await cli(['imip', 'quarantine', 'drop', id])).status, 0);
  assert.match((await cli(['imip', 'quarantine', 'list'])).stdout, /empty/);
});

test('a mail without a calendar part is refused with a one-line reason', async () => {
  const r = await cli(['imip', 'ingest'], 'From: x@y.example\r\nTo: alice@example.com\r\nSubject: hi\r\n\r\njust text\r\n');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /no text\/calendar part/);
});

test('the relay down for a while: the message is retried, and delivered exactly once after it returns, across a restart', async () => {
  await relay.down();
  await s.request('PUT', '/calendars/alice/calendar/h1.ics', { body: invite('h1', ['h@baz.example']), headers: T });
  await s.app.worker.runOnce();
  const [pending] = await s.app.store.read((tx) => tx.listDeliveries({ uid: 'h1' }));
  assert.equal(pending?.status, 'pending');
  assert.equal(pending?.attempts, 1);
  assert.ok((pending?.nextTry ?? 0) > Date.now(), 'backed off');
  await relay.up();
  // A second process on the same data folder (the server restarted) picks it up.
  const restarted = buildApp(loadConfig({ env: {}, flags: { data: s.dataDir, smtpRelay: relay.url, logLevel: 'silent' } }));
  try {
    await restarted.store.write((tx) => tx.updateDelivery(pending?.id ?? 0, { nextTry: Date.now() }, Date.now()));
    assert.equal(await restarted.worker.runOnce(), 1);
    assert.equal(await restarted.worker.runOnce(), 0);
  } finally {
    await restarted.store.close();
  }
  assert.equal(relay.mails.filter((m) => m.to.includes('h@baz.example')).length, 1, 'exactly once');
  assert.match(await organizerCopy('h1'), /SCHEDULE-STATUS=1\.1[^\n]*mailto:h@baz.example/);
});

test('no header can be injected through the SUMMARY', async () => {
  await s.request('PUT', '/calendars/alice/calendar/x1.ics', { body: invite('x1', ['x@baz.example'], 'Hello\\nBcc: victim@evil.example\\r\\nX-Evil: 1'), headers: T });
  await s.app.worker.runOnce();
  const mail = relay.mails.find((m) => m.to.includes('x@baz.example'));
  assert.ok(mail);
  assert.deepEqual(mail.to, ['x@baz.example']);
  const headers = mail.raw.slice(0, mail.raw.indexOf('\r\n\r\n'));
  assert.doesNotMatch(headers, /^Bcc:/im);
  assert.doesNotMatch(headers, /^X-Evil:/im);
});

test('the SMTP listener takes calendar mail for local users and refuses others at RCPT', async () => {
  const listening = await startTestServer({ users: ['alice'], flags: { mailListen: `127.0.0.1:${mailPort}`, mailProtocol: 'smtp' } });
  const { startMailListener } = await import('../../src/server/mail-listener.js');
  const { createLogger } = await import('../../src/server/logger.js');
  const listener = await startMailListener({ listen: `127.0.0.1:${mailPort}`, protocol: 'smtp', auth: 'none', receive: listening.app.receive, users: listening.app.users, log: createLogger('silent') });
  try {
    await listening.request('PUT', '/calendars/alice/calendar/k1.ics', { body: invite('k1', ['k@baz.example']), headers: T });
    const sender = nodemailer.createTransport({ host: '127.0.0.1', port: mailPort, secure: false, ignoreTLS: true });
    await assert.rejects(sender.sendMail({ envelope: { from: 'k@baz.example', to: ['nobody@example.com'] }, raw: 'Subject: x\r\n\r\nx' }), /550|not a calendar user/);
    await sender.sendMail({ envelope: { from: 'k@baz.example', to: ['alice@example.com'] }, raw: replyMail('k@baz.example', 'k@baz.example', 'k1', 'TENTATIVE', 'k1@baz.example') });
    const copy = (await listening.request('GET', '/calendars/alice/calendar/k1.ics')).text.replace(/\r\n /g, '');
    assert.match(copy, /PARTSTAT=TENTATIVE[^\n]*mailto:k@baz.example/);
    sender.close();
  } finally {
    await listener.close();
    await listening.stop();
  }
});
