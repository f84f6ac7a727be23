/**
 * No server (the seed's §4.3–4.4, E): two client profiles exchange an invitation and its answer
 * as iMIP mail (RFC 6047) through a real SMTP relay on loopback; each ends with the event and the
 * right PARTSTAT (RFC 5545 §3.2.12) in its local store. A forged answer is refused (RFC 6047 §3).
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestRelay } from '../helpers/smtp.js';
import { cal, ok, tempDir } from './helpers.js';

let relay: TestRelay;
before(async () => {
  relay = await TestRelay.start();
});
after(async () => {
  await relay.down();
});

function deliver(maildir: string, raw: string, name: string): void {
  mkdirSync(join(maildir, 'new'), { recursive: true });
  mkdirSync(join(maildir, 'cur'), { recursive: true });
  writeFileSync(join(maildir, 'new', name), raw);
}

const unfold = (s: string): string => s.replace(/\r?\n[ \t]/g, '');
const partstat = (ics: string, who: string): string | undefined => new RegExp(`^ATTENDEE[^\\n]*PARTSTAT=([A-Z-]+)[^\\n]*:mailto:${who}`, 'mi').exec(unfold(ics))?.[1];

test('E invites B by mail, B accepts by mail, both stores agree', async () => {
  const e = tempDir('reefknot-cal-e-');
  const b = tempDir('reefknot-cal-b-');
  const eMail = join(e, 'Maildir');
  const bMail = join(b, 'Maildir');
  await ok(e, ['init', '--name', 'E', '--address', 'e@baz.example', '--timezone', 'Europe/London', '--smtp', relay.url, '--mail-in', eMail]);
  await ok(b, ['init', '--name', 'B', '--address', 'b@bar.example', '--timezone', 'America/New_York', '--smtp', relay.url, '--mail-in', bMail]);

  const added = await ok(e, ['add', 'Lunch', '--start', '2026-04-02 12:30', '--duration', '1h', '--location', 'Café', '--attendee', 'B <b@bar.example>']);
  assert.match(added, /mailed REQUEST to b@bar\.example/);
  const uid = /added (\S+)/.exec(added)?.[1] ?? '';
  const invite = relay.mails.at(-1);
  assert.ok(invite);
  assert.deepEqual(invite.to, ['b@bar.example']);
  assert.match(invite.parsed.text ?? '', /You are invited/);

  deliver(bMail, invite.raw, 'invite.eml');
  assert.match(await ok(b, ['fetch']), /created/);
  assert.match(await ok(b, ['inbox']), /REQUEST .*from e@baz\.example\s+Lunch/);
  assert.equal(partstat(await ok(b, ['export', uid]), 'b@bar.example'), 'NEEDS-ACTION');

  assert.match(await ok(b, ['accept', uid]), /mailed REPLY to e@baz\.example/);
  assert.equal(partstat(await ok(b, ['export', uid]), 'b@bar.example'), 'ACCEPTED');
  assert.match(await ok(b, ['inbox']), /The inbox is empty/);
  const reply = relay.mails.at(-1);
  assert.ok(reply);
  assert.deepEqual(reply.to, ['e@baz.example']);

  deliver(eMail, reply.raw, 'reply.eml');
  assert.match(await ok(e, ['fetch']), /updated/);
  assert.equal(partstat(await ok(e, ['export', uid]), 'b@bar.example'), 'ACCEPTED');
  assert.match(await ok(e, ['show', uid]), /B <b@bar\.example>: accepted/);

  // The same answer claimed by someone else: refused, exit 5, the copy unchanged.
  const forged = reply.raw.replace(/^From: .*$/m, 'From: mallory@evil.example').replace(/^Message-ID: .*$/im, 'Message-ID: <forged@evil.example>').replace(/PARTSTAT=ACCEPTED/g, 'PARTSTAT=DECLINED');
  deliver(eMail, forged, 'forged.eml');
  const r = await cal(e, ['fetch']);
  assert.equal(r.code, 5, r.stdout + r.stderr);
  assert.match(r.stdout, /refused: From <mallory@evil\.example> is not the attendee/);
  assert.equal(partstat(await ok(e, ['export', uid]), 'b@bar.example'), 'ACCEPTED');
});

test('without a server: B counters by mail, E accepts (new REQUEST), B counters again, E declines', async () => {
  const e = tempDir('reefknot-cal-e2-');
  const b = tempDir('reefknot-cal-b2-');
  const eMail = join(e, 'Maildir');
  const bMail = join(b, 'Maildir');
  await ok(e, ['init', '--name', 'E', '--address', 'e@baz.example', '--timezone', 'Europe/London', '--smtp', relay.url, '--mail-in', eMail]);
  await ok(b, ['init', '--name', 'B', '--address', 'b@bar.example', '--timezone', 'Europe/London', '--smtp', relay.url, '--mail-in', bMail]);
  const uid = /added (\S+)/.exec(await ok(e, ['add', 'Tea', '--start', '2026-04-03 16:00', '--duration', '30m', '--attendee', 'b@bar.example']))?.[1] ?? '';
  deliver(bMail, relay.mails.at(-1)?.raw ?? '', 'invite.eml');
  await ok(b, ['fetch']);

  assert.match(await ok(b, ['counter', uid, '--start', '2026-04-03 17:00', '--comment', 'Later?']), /mailed COUNTER to e@baz\.example/);
  deliver(eMail, relay.mails.at(-1)?.raw ?? '', 'counter.eml');
  assert.match(await ok(e, ['fetch']), /counter-proposed/);
  assert.match(await ok(e, ['inbox']), /COUNTER\s+new\s+from b@bar\.example/);
  assert.match(await ok(e, ['accept-counter', uid]), /accepted the proposal; mailed REQUEST to b@bar\.example/);
  assert.match(await ok(e, ['export', uid]), /DTSTART;TZID=Europe\/London:20260403T170000/);
  deliver(bMail, relay.mails.at(-1)?.raw ?? '', 'update.eml');
  assert.match(await ok(b, ['fetch']), /updated/);
  assert.match(await ok(b, ['export', uid]), /DTSTART;TZID=Europe\/London:20260403T170000/);

  await ok(b, ['counter', uid, '--location', 'Garden']);
  deliver(eMail, relay.mails.at(-1)?.raw ?? '', 'counter2.eml');
  await ok(e, ['fetch']);
  assert.match(await ok(e, ['decline-counter', uid, '--comment', 'It will rain']), /declined the proposal; mailed DECLINECOUNTER to b@bar\.example/);
  const r = await cal(e, ['decline-counter', uid]);
  assert.equal(r.code, 3, r.stderr);
  deliver(bMail, relay.mails.at(-1)?.raw ?? '', 'declined.eml');
  assert.match(await ok(b, ['fetch']), /counter-declined/);
  assert.match(await ok(b, ['inbox']), /DECLINECOUNTER\s+new\s+from e@baz\.example/);
  const copy = await ok(b, ['export', uid]);
  assert.doesNotMatch(copy, /Garden/);
  assert.match(copy, /X-REEFKNOT-COUNTER-DECLINED/, 'the refusal is recorded on the copy');
});

test('without a server: B delegates to C by mail; C is invited, E sees DELEGATED', async () => {
  const [e, b, c] = ['e3', 'b3', 'c3'].map((n) => tempDir(`reefknot-cal-${n}-`)) as [string, string, string];
  await ok(e, ['init', '--name', 'E', '--address', 'e@baz.example', '--timezone', 'Europe/London', '--smtp', relay.url]);
  await ok(b, ['init', '--name', 'B', '--address', 'b@bar.example', '--timezone', 'Europe/London', '--smtp', relay.url]);
  await ok(c, ['init', '--name', 'C', '--address', 'c@bar.example', '--timezone', 'Europe/London', '--smtp', relay.url]);
  const uid = /added (\S+)/.exec(await ok(e, ['add', 'Audit', '--start', '2026-04-06 10:00', '--attendee', 'b@bar.example']))?.[1] ?? '';
  deliver(join(b, 'in'), relay.mails.at(-1)?.raw ?? '', 'invite.eml');
  await ok(b, ['fetch', join(b, 'in')]);
  const before = relay.mails.length;
  assert.match(await ok(b, ['delegate', uid, 'c@bar.example']), /delegated to c@bar\.example; mailed REPLY\/REQUEST to /);
  const sent = relay.mails.slice(before);
  const toC = sent.find((m) => m.to.includes('c@bar.example'));
  const toE = sent.find((m) => m.to.includes('e@baz.example'));
  assert.ok(toC && toE, 'a REQUEST to the delegate and a REPLY to the organizer');
  deliver(join(c, 'in'), toC.raw, 'request.eml');
  assert.match(await ok(c, ['fetch', join(c, 'in')]), /created/, 'the REQUEST forwarded by the delegator is accepted');
  assert.equal(partstat(await ok(c, ['export', uid]), 'c@bar.example'), 'NEEDS-ACTION');
  deliver(join(e, 'in'), toE.raw, 'reply.eml');
  assert.match(await ok(e, ['fetch', join(e, 'in')]), /updated/);
  assert.equal(partstat(await ok(e, ['export', uid]), 'b@bar.example'), 'DELEGATED');
  assert.match(await ok(e, ['show', uid]), /b@bar\.example: delegated/);
});
