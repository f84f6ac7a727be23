/**
 * Every `reefknot cal` command of docs/client.md run as a real process without a server, and the
 * exit codes the documentation promises: 0 done, 1 failed, 2 wrong usage (and `import` skipping
 * objects), 3 no profile / no such event / no such file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cal, tempDir } from './helpers.js';

async function code(profile: string, args: string[], expected: number, out?: RegExp): Promise<string> {
  const r = await cal(profile, args);
  assert.equal(r.code, expected, `cal ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  if (out) assert.match(r.stdout + r.stderr, out);
  return r.stdout;
}

test('the local calendar commands and their exit codes', async () => {
  const p = tempDir('reefknot-cal-cmd-');
  await code(p, ['agenda'], 3, /no profile in .*run 'reefknot cal init' first/);
  await code(p, ['init', '--address', 'x@example.com'], 2, /required option '--name/);
  await code(p, ['init', '--name', 'X', '--address', 'x@example.com', '--timezone', 'Mars/Base'], 2, /unknown time zone/);
  await code(p, ['init', '--name', 'X', '--address', 'x@example.com', '--timezone', 'Europe/Paris', '--private', 'sometimes'], 2, /--private takes/);
  await code(p, ['init', '--name', 'X', '--address', 'x@example.com', '--timezone', 'Europe/Paris'], 0, /profile saved/);

  await code(p, ['add', 'Bad', '--start', '2026-02-30 10:00'], 2, /no such date/);
  await code(p, ['add', 'Bad', '--start', 'tomorrow'], 2, /cannot read the date/);
  await code(p, ['add', 'Bad', '--start', '2026-03-02 10:00', '--duration', 'ages'], 2, /cannot read the duration/);
  await code(p, ['add', 'Bad', '--start', '2026-03-02 10:00', '--repeat', 'now and then'], 2, /cannot read the recurrence/);
  await code(p, ['add', 'Bad', '--start', '2026-03-02 10:00', '--colour', 'red'], 2, /unknown option/);
  await code(p, ['add', '--start', '2026-03-02 10:00'], 2, /missing required argument/);
  await code(p, ['frobnicate'], 2, /unknown command/);

  const uid = /added (\S+)/.exec(await code(p, ['add', 'Yoga', '--start', '2026-03-02 07:30', '--duration', '1h', '--repeat', 'every monday and friday', '--alarm', '10m', '--location', 'Studio', '--description', 'Bring a mat', '--private'], 0))?.[1] ?? '';
  const day = await code(p, ['add', 'Holiday', '--start', '2026-03-04', '--all-day', '--tz', 'UTC'], 0);
  assert.match(day, /added /);
  const table = await code(p, ['agenda', '--from', '2026-03-02', '--days', '7'], 0);
  assert.match(table, /Mon 02 Mar 2026\n {2}07:30-08:30 {2}Yoga/);
  assert.match(table, /Holiday/);
  const rows = JSON.parse(await code(p, ['list', '--from', '2026-03-02', '--to', '2026-03-09', '--json'], 0)) as { title: string }[];
  assert.deepEqual(rows.map((r) => r.title), ['Yoga', 'Holiday', 'Yoga']);
  await code(p, ['agenda', '--days', 'many'], 2, /--days takes/);
  await code(p, ['agenda', '--from', '2026-03-09', '--to', '2026-03-02'], 2, /--to must come after --from/);

  const shown = await code(p, ['show', uid.slice(0, 12)], 0);
  assert.match(shown, /Yoga[\s\S]*Mon 02 Mar 2026 07:30 - 08:30 \(Europe\/Paris, your time\)[\s\S]*Studio[\s\S]*Private:\s+yes/);
  await code(p, ['show', 'no-such-uid'], 3, /no event with UID/);
  await code(p, ['show', join(p, 'missing.ics')], 3, /no such file/);

  await code(p, ['edit', uid, '--instance', '2026-03-06', '--start', '2026-03-06 18:00', '--title', 'Evening yoga'], 0, /changed/);
  await code(p, ['delete', uid, '--instance', '2026-03-09'], 0, /deleted the instance 2026-03-09/);
  await code(p, ['edit', uid, '--instance', '2026-03-07', '--title', 'Saturday?'], 2, /no instance on 2026-03-07/);
  assert.deepEqual((JSON.parse(await code(p, ['agenda', '--from', '2026-03-06', '--days', '4', '--json'], 0)) as { title: string; start: string }[]).map((r) => [r.title, r.start]),
    [['Evening yoga', '2026-03-06T17:00:00.000Z']]);
  await code(p, ['edit', 'no-such-uid', '--title', 'x'], 3);
  await code(p, ['history', uid], 0, /replaced by a local edit/);

  const file = join(p, 'out.ics');
  await code(p, ['export', uid, '--output', file], 0);
  await code(p, ['export', 'no-such-uid'], 3, /no event with UID/);
  await code(p, ['delete', uid], 0, /deleted /);
  await code(p, ['show', uid], 3);
  await code(p, ['import', file], 0, /imported 1 event/);
  assert.match(await code(p, ['show', uid], 0), /Changed:\s+1 occurrence differs/);
  writeFileSync(join(p, 'mixed.ics'), 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:ok-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260310T100000Z\r\nSUMMARY:Fine\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260310T100000Z\r\nSUMMARY:No UID\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n');
  await code(p, ['import', join(p, 'mixed.ics')], 2, /imported 1 event\(s\)\nskipped \(no UID\)/);
  await code(p, ['import', join(p, 'missing.ics')], 3, /no such file/);

  await code(p, ['inbox'], 0, /The inbox is empty/);
  await code(p, ['dismiss', '7'], 3, /nothing waiting/);
  await code(p, ['fetch'], 2, /no mail folder/);
  await code(p, ['fetch', join(p, 'Maildir')], 3, /no mail at/);
  await code(p, ['accept', uid], 2, /not an attendee/);
  await code(p, ['accept-counter', '1'], 3, /no counter-proposal/);
  await code(p, ['conflicts'], 0, /No conflicts/);
  await code(p, ['sync'], 2, /this profile has no server/);
  await code(p, ['freebusy', 'y@example.com'], 2, /this profile has no server/);
  await code(p, ['sync', '--prefer', 'mine'], 2);

  const invited = /added (\S+)/.exec(await code(p, ['add', 'Lunch', '--start', '2026-03-03 12:00'], 0))?.[1] ?? '';
  await code(p, ['edit', invited, '--attendee', 'y@example.com'], 1, /no SMTP relay in the profile/);
});
