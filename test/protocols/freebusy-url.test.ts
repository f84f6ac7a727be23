/** Free-busy URLs: GET /freebusy/USER by grants (anonymous only when published), formats, ranges, token uploads. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { passwordOf, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
const T = { 'content-type': 'text/calendar' };
const cal = (body: string): string => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n${body}END:VCALENDAR\r\n`;
before(async () => {
  s = await startTestServer({ users: ['alice', 'bob', 'erin'] });
  await s.request('PUT', '/calendars/alice/calendar/busy.ics', { body: cal('BEGIN:VEVENT\r\nUID:b\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270105T100000Z\r\nDTEND:20270105T110000Z\r\nSUMMARY:Secret\r\nEND:VEVENT\r\n'), headers: T });
});
after(() => s.stop());

const get = (path: string, user: string | null = 'alice') => s.request('GET', path, { user });
const RANGE = 'start=20270105T000000Z&end=20270106T000000Z';

test('the owner reads their busy time as a VFREEBUSY, by name or by address; no detail leaks', async () => {
  const byName = await get(`/freebusy/alice?${RANGE}`);
  assert.equal(byName.status, 200, byName.text);
  assert.match(byName.headers.get('content-type') ?? '', /^text\/calendar/);
  assert.match(byName.text, /BEGIN:VFREEBUSY/);
  assert.match(byName.text, /FREEBUSY:20270105T100000Z\/(20270105T110000Z|PT1H)/);
  assert.doesNotMatch(byName.text, /Secret/);
  const byAddress = await get(`/freebusy/?user=${encodeURIComponent('mailto:alice@example.com')}&${RANGE}`);
  assert.equal(byAddress.status, 200);
  const period = await get('/freebusy/alice?start=2027-01-05&period=P1D');
  assert.match(period.text, /FREEBUSY:20270105T100000Z/);
  const json = await get(`/freebusy/alice?${RANGE}&format=application/calendar+json`);
  assert.match(json.headers.get('content-type') ?? '', /application\/calendar\+json/);
  assert.equal((JSON.parse(json.text) as unknown[])[0], 'vcalendar');
});

test('others need a grant; anonymous only when published; bad requests are 400', async () => {
  assert.equal((await get(`/freebusy/alice?${RANGE}`, 'bob')).status, 403);
  assert.equal((await get(`/freebusy/alice?${RANGE}`, null)).status, 401);
  await s.app.sharing.share('alice', { kind: 'user', name: 'bob' }, 'freebusy');
  assert.equal((await get(`/freebusy/alice?${RANGE}`, 'bob')).status, 200);
  assert.equal((await get('/calendars/alice/calendar/busy.ics', 'bob')).status, 403, 'busy time only, never items');
  await s.app.sharing.share('alice', { kind: 'public' }, 'freebusy');
  assert.equal((await get(`/freebusy/alice?${RANGE}`, null)).status, 200);
  await s.app.sharing.unshare('alice', { kind: 'public' });
  assert.equal((await get(`/freebusy/alice?${RANGE}`, null)).status, 401);
  assert.equal((await get('/freebusy/alice?start=yesterday')).status, 400);
  assert.equal((await get('/freebusy/alice?start=20270105T000000Z&end=20290105T000000Z')).status, 400);
  assert.equal((await get(`/freebusy/nobody?${RANGE}`)).status, 404);
  assert.equal((await get(`/freebusy/alice?${RANGE}&format=text/html`)).status, 400);
});

test('the principal advertises its free-busy URL', async () => {
  const res = await s.request('PROPFIND', '/principals/users/alice/', { headers: { depth: '0' }, body: '<d:propfind xmlns:d="DAV:" xmlns:r="https://reefknot.org/ns/"><d:prop><r:free-busy-url/></d:prop></d:propfind>' });
  assert.match(res.text, /free-busy-url[^>]*><d:href>\/freebusy\/alice<\/d:href>/);
});

test('someone without a server uploads busy time with a token; a wrong or revoked token is refused', async () => {
  const token = await s.app.freebusy.issueToken('erin');
  const upload = cal('BEGIN:VFREEBUSY\r\nUID:up\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20270105T000000Z\r\nDTEND:20270106T000000Z\r\nFREEBUSY:20270105T140000Z/PT2H\r\nEND:VFREEBUSY\r\n');
  const put = (t: string) => fetch(`${s.url}/freebusy/erin?token=${encodeURIComponent(t)}`, { method: 'PUT', headers: T, body: upload });
  assert.equal((await put('wrong')).status, 403);
  assert.equal((await put(token)).status, 204);
  const res = await s.request('GET', `/freebusy/erin?${RANGE}`, { user: 'erin' });
  assert.match(res.text, /FREEBUSY:20270105T140000Z\/(20270105T160000Z|PT2H)/);
  const garbage = await fetch(`${s.url}/freebusy/erin?token=${encodeURIComponent(token)}`, { method: 'PUT', headers: T, body: 'nonsense' });
  assert.equal(garbage.status, 403);
  assert.equal(await s.app.freebusy.revokeTokens('erin'), 1);
  assert.equal((await put(token)).status, 403);
  void passwordOf;
});
