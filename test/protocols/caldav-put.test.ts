/** PUT preconditions of RFC 4791 §5.3.2.1, quota (RFC 4331), conditional requests (RFC 7232). */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ics, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer({ users: ['alice'], flags: { limits: { maxAttendeesPerInstance: 3 } } });
});
after(() => s.stop());

const cal = '/calendars/alice/calendar/';
const put = (name: string, body: string, headers: Record<string, string> = {}) =>
  s.request('PUT', cal + name, { body, headers: { 'content-type': 'text/calendar', ...headers } });

test('PUT creates (201) with a strong ETag, GET returns the same bytes, replacing answers 204', async () => {
  const body = ics('put-1');
  const created = await put('put-1.ics', body);
  assert.equal(created.status, 201);
  const etag = created.headers.get('etag');
  assert.match(etag ?? '', /^"[^"]+"$/);
  const got = await s.request('GET', `${cal}put-1.ics`);
  assert.equal(got.text, body);
  assert.equal(got.headers.get('etag'), etag);
  assert.match(got.headers.get('content-type') ?? '', /^text\/calendar/);
  assert.ok(got.headers.get('last-modified'));
  const notModified = await s.request('GET', `${cal}put-1.ics`, { headers: { 'if-none-match': etag ?? '' } });
  assert.equal(notModified.status, 304);
  assert.equal((await put('put-1.ics', ics('put-1', 'LOCATION:here\r\n'))).status, 204);
});

test('If-Match and If-None-Match guard writes', async () => {
  const first = await put('cond.ics', ics('cond'), { 'if-none-match': '*' });
  assert.equal(first.status, 201);
  assert.equal((await put('cond.ics', ics('cond'), { 'if-none-match': '*' })).status, 412);
  assert.equal((await put('cond.ics', ics('cond', 'LOCATION:x\r\n'), { 'if-match': '"wrong"' })).status, 412);
  const ok = await put('cond.ics', ics('cond', 'LOCATION:y\r\n'), { 'if-match': first.headers.get('etag') ?? '' });
  assert.equal(ok.status, 204);
  assert.equal((await s.request('DELETE', `${cal}cond.ics`, { headers: { 'if-match': '"wrong"' } })).status, 412);
  assert.equal((await put('absent.ics', ics('absent'), { 'if-match': '*' })).status, 412);
});

const violations: [string, string, string, number, string][] = [
  ['invalid iCalendar', 'bad.ics', 'this is not iCalendar', 403, 'valid-calendar-data'],
  ['METHOD in a stored object', 'm.ics', ics('m').replace('VERSION:2.0', 'VERSION:2.0\r\nMETHOD:REQUEST'), 403, 'valid-calendar-object-resource'],
  ['two UIDs in one resource', 'two.ics', ics('two').replace('END:VCALENDAR', ics('other').split('PRODID:-//Reefknot tests//EN\r\n')[1] ?? ''), 403, 'valid-calendar-object-resource'],
  ['a VTODO in an event calendar', 'todo.ics', ics('todo', '', 'VTODO'), 403, 'supported-calendar-component'],
  ['a date before min-date-time', 'old.ics', ics('old').replace('20260110T100000Z', '18500110T100000Z'), 403, 'min-date-time'],
  ['a date after max-date-time', 'late.ics', ics('late').replace('20260110T110000Z', '22500110T110000Z'), 403, 'max-date-time'],
  ['too many instances', 'many.ics', ics('many', 'RRULE:FREQ=MINUTELY;COUNT=50000\r\n'), 403, 'max-instances'],
  ['too many attendees', 'crowd.ics', ics('crowd', 'ATTENDEE:mailto:a@x.org\r\nATTENDEE:mailto:b@x.org\r\nATTENDEE:mailto:c@x.org\r\nATTENDEE:mailto:d@x.org\r\n'), 403, 'max-attendees-per-instance'],
];

for (const [name, file, body, status, precondition] of violations) {
  test(`PUT refuses ${name} with ${status} ${precondition}`, async () => {
    const res = await put(file, body);
    assert.equal(res.status, status, res.text);
    assert.match(res.text, new RegExp(`<cal:${precondition}`));
    assert.match(res.text, /<x\d+:message|message/);
    assert.equal((await s.request('GET', cal + file)).status, 404, 'nothing was stored');
  });
}

test('PUT refuses a non-calendar media type with supported-calendar-data', async () => {
  const res = await s.request('PUT', `${cal}plain.ics`, { body: ics('plain'), headers: { 'content-type': 'text/plain' } });
  assert.equal(res.status, 403);
  assert.match(res.text, /supported-calendar-data/);
});

test('PUT refuses a second resource with the same UID, naming the first (no-uid-conflict)', async () => {
  assert.equal((await put('uid-a.ics', ics('same-uid'))).status, 201);
  const res = await put('uid-b.ics', ics('same-uid'));
  assert.equal(res.status, 403);
  assert.match(res.text, /no-uid-conflict/);
  assert.match(res.text, /<d:href>\/calendars\/alice\/calendar\/uid-a.ics<\/d:href>/);
  const changed = await put('uid-a.ics', ics('another-uid'));
  assert.equal(changed.status, 403, 'a PUT may not change the UID of a resource');
});

test('PUT beyond max-resource-size answers max-resource-size', async () => {
  const small = await startTestServer({ users: ['bob'], flags: { limits: { maxResourceSize: 400 } } });
  try {
    const res = await small.request('PUT', '/calendars/bob/calendar/big.ics', { body: ics('big', `DESCRIPTION:${'x'.repeat(500)}\r\n`), headers: { 'content-type': 'text/calendar' } });
    assert.equal(res.status, 403);
    assert.match(res.text, /max-resource-size/);
  } finally {
    await small.stop();
  }
});

test('quota: quota properties are reported and a PUT past the quota answers 507 quota-not-exceeded', async () => {
  const q = await startTestServer({ users: ['carol'], flags: { quotaBytes: 1000 } });
  try {
    const props = await q.request('PROPFIND', '/calendars/carol/calendar/', { headers: { depth: '0' },
      body: '<propfind xmlns="DAV:"><prop><quota-used-bytes/><quota-available-bytes/></prop></propfind>' });
    assert.match(props.text, /<d:quota-available-bytes>1000<\/d:quota-available-bytes>/);
    const ok = await q.request('PUT', '/calendars/carol/calendar/a.ics', { body: ics('a'), headers: { 'content-type': 'text/calendar' } });
    assert.equal(ok.status, 201);
    const over = await q.request('PUT', '/calendars/carol/calendar/b.ics', { body: ics('b', `DESCRIPTION:${'y'.repeat(900)}\r\n`), headers: { 'content-type': 'text/calendar' } });
    assert.equal(over.status, 507);
    assert.match(over.text, /quota-not-exceeded/);
    const after = await q.request('PROPFIND', '/calendars/carol/', { headers: { depth: '0' }, body: '<propfind xmlns="DAV:"><prop><quota-used-bytes/></prop></propfind>' });
    assert.match(after.text, new RegExp(`<d:quota-used-bytes>${Buffer.byteLength(ics('a'))}<`));
  } finally {
    await q.stop();
  }
});
