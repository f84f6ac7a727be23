/**
 * `reefknot cal show` of the RFC 5546 §4 example messages (test/fixtures/itip/), compared with
 * the expected readable text, and the agenda of a recurring event with a moved instance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderCalendar } from '../../src/client/render.js';
import { cal, tempDir } from './helpers.js';

const fixture = (name: string): string => readFileSync(`test/fixtures/itip/${name}`, 'utf8');

const EXPECTED: Record<string, string> = {
  'rfc5546-4.2.1-request.ics': `Invitation: Conference (REQUEST)
You are invited: reply to this message saying "accept", "decline" or "maybe", or open the attached invite.ics in your calendar program.

What:      Conference
When:      Tue 01 Jul 1997 16:00 - 17:00 (America/New_York, your time)
           Tue 01 Jul 1997 20:00 - 21:00 (UTC, the event's time)
Organizer: a@example.com
Attendee:  A <a@example.com>: accepted
Attendee:  B <b@example.com>: no answer yet
Attendee:  C <c@example.com>: no answer yet
Attendee:  Hal <d@example.com>: no answer yet
Attendee:  conf_big@example.com: no answer yet
Attendee:  e@example.com: no answer yet
Status:    confirmed
UID:       calsrv.example.com-873970198738777@example.com
`,
};

test('RFC 5546 §4.2.1: an invitation shown readably, in the reader\'s zone and the event\'s', () => {
  const name = 'rfc5546-4.2.1-request.ics';
  assert.equal(renderCalendar(fixture(name), 'America/New_York'), EXPECTED[name]);
});

const ASKS: [string, RegExp][] = [
  ['rfc5546-4.1.1-publish.ics', /^Event: .*\(PUBLISH\)\nFor your information/],
  ['rfc5546-4.2.2-reply.ics', /\(REPLY\)\n.* has answered: accepted\./],
  ['rfc5546-4.2.4-counter.ics', /\(COUNTER\)\nAn attendee proposes a change/],
  ['rfc5546-4.2.4-declinecounter.ics', /\(DECLINECOUNTER\)\nThe organizer declined your proposed change/],
  ['rfc5546-4.2.9-cancel.ics', /^Cancelled: .*\(CANCEL\)\nThis has been cancelled/],
  ['rfc5546-4.4.1-recurring-request.ics', /Repeats: +FREQ=MONTHLY/],
  ['rfc5546-4.4.2-modify-instance.ics', /Occurrence:/],
  ['rfc5546-4.7.1-refresh.ics', /\(REFRESH\)\nAn attendee asks for the latest version/],
];

for (const [name, expected] of ASKS) {
  test(`RFC 5546 §${name.split('-')[1]}: ${name} says what it asks`, () => {
    assert.match(renderCalendar(fixture(name), 'UTC'), expected);
  });
}

test('the CLI shows an .ics file (as a real process)', async () => {
  const r = await cal(tempDir('reefknot-cal-show-'), ['show', 'test/fixtures/itip/rfc5546-4.2.3-update.ics']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Updated invitation: /);
});

test('an unknown UID exits 3; a missing profile exits 3', async () => {
  const dir = tempDir('reefknot-cal-x-');
  assert.equal((await cal(dir, ['agenda'])).code, 3);
  assert.equal((await cal(dir, ['init', '--name', 'X', '--address', 'x@example.com', '--timezone', 'UTC'])).code, 0);
  assert.equal((await cal(dir, ['show', 'nope'])).code, 3);
  assert.equal((await cal(dir, ['add', 'Bad', '--start', 'tomorrow'])).code, 2);
});
