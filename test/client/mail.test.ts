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
import { cal, tempDir } from './helpers.js';

let relay: TestRelay;
before(async () => {
  relay = await TestRelay.start();
});
after(async () => {
  await relay.down();
});

async function ok(profile: string, args: string[]): Promise<string> {
  const r = await cal(profile, args);
  assert.equal(r.code, 0, `cal ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

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
