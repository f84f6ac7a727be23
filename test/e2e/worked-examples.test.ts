/**
 * The seed's worked examples end to end (reefknot-client-server-architecture.txt §4.1–4.5, §5.1):
 * two servers on 127.0.0.1, a real SMTP relay, the CLI client as real processes, python caldav as
 * a second CalDAV client. The story is played once (worked-examples.ts); each test asserts the
 * final state the seed states for one example — who has the event in which store, with which
 * PARTSTAT — and how it travelled (iSchedule, or exactly one mail each way).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { playWorkedExamples, type ExampleResult, type Holding, type Outcome } from './worked-examples.js';

let outcome: Outcome;
const lines: string[] = [];

before(async () => {
  outcome = await playWorkedExamples({ say: (line) => lines.push(line) });
}, { timeout: 170_000 });

function example(id: string): ExampleResult {
  const e = outcome.examples.find((x) => x.id === id);
  assert.ok(e, `example ${id} was played`);
  assert.equal(e.error, undefined, `${id} failed: ${e.error}\n${lines.join('\n')}`);
  return e;
}

/** The holding of `holder` in the store whose label starts with `store`; asserts it exists. */
function copyOf(e: ExampleResult, holder: string, store: string): Holding {
  const h = e.holdings.find((x) => x.holder === holder && x.store.startsWith(store));
  assert.ok(h, `${e.id}: no record of ${holder}'s copy in ${store}; have ${e.holdings.map((x) => `${x.holder}@${x.store}`).join(', ')}`);
  assert.ok(h.found, `${e.id}: ${holder} has no copy of the event in ${h.store}`);
  return h;
}

function expectPartstats(e: ExampleResult, holder: string, store: string, expected: Record<string, string>): void {
  const h = copyOf(e, holder, store);
  for (const [who, partstat] of Object.entries(expected)) {
    assert.equal(h.partstat[who], partstat, `${e.id}: in ${h.store} (${holder}'s copy), ${who} should be ${partstat}; copy says ${JSON.stringify(h.partstat)}`);
  }
}

const mailsFor = (uid: string, method: string, to: string): Outcome['mails'] => outcome.mails.filter((m) => m.uid === uid && m.method === method && m.to.includes(to));

test('the story plays in time, every server and process stopped', () => {
  // About 45 s alone; the bound leaves room for a loaded machine running other test files.
  assert.ok(outcome.elapsedMs < 120_000, `the story took ${outcome.elapsedMs} ms`);
  const failed = outcome.examples.filter((e) => e.error).map((e) => `${e.id}: ${e.error}`);
  assert.deepEqual(failed, [], lines.join('\n'));
});

test('4.1 A invites B on one server; B accepts from python caldav; A and B have it, foo.example knows it', () => {
  const e = example('4.1');
  assert.equal(e.notes.statusForB, '1.2', 'delivered to B at once (a local user)');
  const accepted = { 'a@foo.example': 'ACCEPTED', 'b@foo.example': 'ACCEPTED' };
  expectPartstats(e, 'A', "A's client", accepted);
  expectPartstats(e, 'A', 'foo.example server', accepted);
  expectPartstats(e, 'B', 'foo.example server', { 'b@foo.example': 'ACCEPTED' });
  expectPartstats(e, 'B', "B's client", { 'b@foo.example': 'ACCEPTED' });
  assert.equal(outcome.mails.filter((m) => m.uid === e.uid).length, 0, 'no mail: both are users of foo.example');
});

const cAccepted = { 'a@foo.example': 'ACCEPTED', 'c@bar.example': 'ACCEPTED' };
function aAndCHaveIt(e: ExampleResult): void {
  expectPartstats(e, 'A', "A's client", cAccepted);
  expectPartstats(e, 'A', 'foo.example server', cAccepted);
  expectPartstats(e, 'C', 'bar.example server', cAccepted);
  expectPartstats(e, 'C', "C's client", cAccepted);
}

test('4.2 A invites C over iSchedule: delivered while A syncs, C accepts, both servers and both clients agree', () => {
  const e = example('4.2');
  assert.equal(e.notes.statusForC, '1.2', 'delivered in real time to bar.example');
  assert.equal(e.notes.cCopyBeforeAnswer, 'NEEDS-ACTION', "C's copy on bar.example waited for her answer");
  aAndCHaveIt(e);
  assert.equal(outcome.mails.filter((m) => m.uid === e.uid).length, 0, 'server to server: no mail');
});

test('4.2 A invites C over iMIP (no trust): one invitation mail, one answer mail, the same final state', () => {
  const e = example('4.2-imip');
  assert.equal(e.notes.statusForC, '1.0', 'queued for mail while A syncs');
  assert.equal(e.notes.sentByWorker, 1);
  assert.equal(e.notes.statusAfterWorker, '1.1', 'sent through the relay');
  assert.equal(mailsFor(e.uid, 'REQUEST', 'c@bar.example').length, 1, 'exactly one invitation mail');
  assert.equal(mailsFor(e.uid, 'REPLY', 'a@foo.example').length, 1, 'exactly one answer mail');
  assert.equal(e.notes.replySent, 1, "bar.example's worker sent C's answer");
  aAndCHaveIt(e);
});

test('4.2 A invites C over CIP', (t) => {
  const e = outcome.examples.find((x) => x.id === '4.2-cip');
  assert.ok(e);
  if (e.skipped) return void t.skip(e.skipped);
  assert.equal(e.error, undefined, `${e.error}\n${lines.join('\n')}`);
  assert.equal(e.notes.statusForC, '1.0', 'queued while A syncs (CIP is not tried in real time)');
  assert.equal(e.notes.sentByWorker, 1);
  assert.equal(e.notes.statusAfterWorker, '1.2', "delivered by bar.example's CIP listener");
  assert.equal(e.notes.replySent, 1, "bar.example's worker sent C's RSVP over CIP");
  aAndCHaveIt(e);
  assert.equal(outcome.mails.filter((m) => m.uid === e.uid).length, 0, 'server to server over CIP: no mail');
});

test("4.3 A invites E; E's client answers by mail straight from the client; A and E have it, foo.example knows it", () => {
  const e = example('4.3');
  const accepted = { 'a@foo.example': 'ACCEPTED', 'e@baz.example': 'ACCEPTED' };
  expectPartstats(e, 'A', "A's client", accepted);
  expectPartstats(e, 'A', 'foo.example server', accepted);
  expectPartstats(e, 'E', "E's client", accepted);
  assert.equal(mailsFor(e.uid, 'REQUEST', 'e@baz.example').length, 1);
  const reply = mailsFor(e.uid, 'REPLY', 'a@foo.example');
  assert.equal(reply.length, 1);
  assert.equal(reply[0]?.from, 'e@baz.example', "sent by E's client itself");
});

test("4.4 E invites A by mail; A accepts on her server; the answer reaches E's client by mail", () => {
  const e = example('4.4');
  const accepted = { 'e@baz.example': 'ACCEPTED', 'a@foo.example': 'ACCEPTED' };
  expectPartstats(e, 'E', "E's client", accepted);
  expectPartstats(e, 'A', 'foo.example server', accepted);
  expectPartstats(e, 'A', "A's client", accepted);
  assert.equal(mailsFor(e.uid, 'REQUEST', 'a@foo.example').length, 1);
  const reply = mailsFor(e.uid, 'REPLY', 'e@baz.example');
  assert.equal(reply.length, 1, 'exactly one answer mail');
  assert.equal(reply[0]?.from, 'a@foo.example', 'sent by foo.example for A');
});

test('4.5 A invites F; F reads a readable mail and answers in words; A records it with the CLI; server and clients show it', () => {
  const e = example('4.5');
  const mail = outcome.fMail;
  assert.ok(mail, 'F received the invitation');
  assert.equal(mail.subject, 'Invitation: Budget review');
  for (const [what, expected] of [['what', 'What:'], ['the title', 'Budget review'], ['when', 'When:'], ['the time in UTC', '13:00 UTC'], ['where', 'Room 4'],
    ['who organizes', 'Organizer: a@foo.example'], ['who is invited', '<f@baz.example>: no answer yet'], ['how to answer', 'reply to this message']]) {
    assert.ok(mail.text.includes(expected ?? ''), `F's text part says ${what} (${expected}):\n${mail.text}`);
  }
  assert.ok(mail.hasCalendarPart, 'and carries the iTIP part for calendar programs');
  assert.equal(e.notes.aReadTheAnswer, true, "F's words reached A's mailbox");
  assert.equal(outcome.mails.filter((m) => m.uid === e.uid && m.method === 'REPLY').length, 0, 'F sent no iTIP');
  const accepted = { 'a@foo.example': 'ACCEPTED', 'f@baz.example': 'ACCEPTED' };
  expectPartstats(e, 'A', 'foo.example server', accepted);
  expectPartstats(e, 'A', "A's client", accepted);
  expectPartstats(e, 'A', "A's CalDAV client", accepted);
});

test('5.1 a private event stored on the server shows only as busy time to B (read share)', () => {
  const e = example('5.1-server');
  const server = copyOf(e, 'A', 'foo.example server');
  assert.equal(server.klass, 'PRIVATE');
  assert.equal(server.summary, 'Doctor appointment', 'the owner keeps everything');
  const p = outcome.privateServer;
  assert.ok(p);
  assert.match(p.ownerView, /Doctor appointment/);
  assert.equal(p.bStatus, 200, 'B may read the shared calendar');
  assert.match(p.bView, /^DTSTART/m, 'B sees the time');
  assert.doesNotMatch(p.bView, /Doctor|Clinic/, 'and nothing else');
  assert.doesNotMatch(p.bView, /^(SUMMARY|LOCATION|DESCRIPTION|ATTENDEE)/m);
});

test('5.1 a client profile with --private local-only never sends its private event to the server', () => {
  const e = example('5.1-local');
  const p = outcome.privateLocal;
  assert.ok(p);
  assert.equal(p.inPhone, true, 'kept on the device');
  assert.equal(p.onServer, false, 'never stored on foo.example');
  assert.match(p.syncOutput, / 0 sent/);
  assert.equal(copyOf(e, "A's phone", "A's phone").klass, 'PRIVATE');
});

test('bar.example down for a while: the iSchedule invitation waits (1.0) and arrives exactly once when bar is back', () => {
  const e = example('down');
  const d = outcome.down;
  assert.ok(d);
  assert.equal(d.statusWhileDown, '1.0', 'queued, not failed');
  assert.equal(d.pendingWhileDown, 1);
  assert.equal(d.firstRun, 1, "foo's worker delivered it");
  assert.equal(d.secondRun, 0, 'and nothing is left');
  assert.equal(d.inboxRequests, 1, "D's inbox holds exactly one REQUEST");
  assert.equal(d.statusAfter, '1.2');
  expectPartstats(e, 'D', 'bar.example server', { 'd@bar.example': 'NEEDS-ACTION' });
  assert.equal(outcome.mails.filter((m) => m.uid === e.uid).length, 0, 'it went by iSchedule, not by mail');
});

// docs/email.md promises every mail says what and when: answers too (their REPLY carries the
// event's SUMMARY and time, RFC 5546 §3.2.3).
test('answer mails say which event they answer (subject and text name it)', () => {
  const replies = outcome.mails.filter((m) => m.method === 'REPLY');
  assert.ok(replies.length >= 3, 'C, E and A each mailed an answer');
  for (const m of replies) {
    assert.doesNotMatch(m.subject, /\(no title\)/, `${m.from} → ${m.to.join(', ')}: subject "${m.subject}"\n${m.text}`);
    assert.match(m.text, /When:/, `${m.from} → ${m.to.join(', ')}: the text says when\n${m.text}`);
  }
});
