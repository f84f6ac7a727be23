/** Discovery (RFC 6764, RFC 5397, RFC 4791 §6), authentication, and privacy between users. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ics, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer({ users: ['alice', 'bob'] });
  await s.app.users.addAddress('alice', 'Alice.Second@Example.org');
});
after(() => s.stop());

const propfind = (path: string, props: string, depth = '0', user?: string) =>
  s.request('PROPFIND', path, { user, headers: { depth, 'content-type': 'application/xml' },
    body: `<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/"><d:prop>${props}</d:prop></d:propfind>` });

test('/.well-known/caldav redirects to the context root without credentials', async () => {
  const res = await fetch(`${s.url}/.well-known/caldav`, { redirect: 'manual' });
  assert.equal(res.status, 301);
  assert.equal(res.headers.get('location'), '/');
});

test('requests without valid credentials get 401 with a Basic challenge', async () => {
  const anon = await s.request('PROPFIND', '/', { user: null, headers: { depth: '0' } });
  assert.equal(anon.status, 401);
  assert.match(anon.headers.get('www-authenticate') ?? '', /^Basic realm=/);
  const wrong = await fetch(`${s.url}/`, { method: 'PROPFIND', headers: { authorization: `Basic ${Buffer.from('alice:nope').toString('base64')}` } });
  assert.equal(wrong.status, 401);
});

test('the root answers current-user-principal; the principal answers home, addresses and type', async () => {
  const root = await propfind('/', '<d:current-user-principal/><d:principal-collection-set/>');
  assert.equal(root.status, 207);
  assert.match(root.text, /<d:current-user-principal><d:href>\/principals\/users\/alice\/<\/d:href>/);
  const p = await propfind('/principals/users/alice/', '<c:calendar-home-set/><c:calendar-user-address-set/><d:displayname/><d:principal-URL/><d:resourcetype/><c:calendar-user-type/>');
  assert.match(p.text, /<cal:calendar-home-set><d:href>\/calendars\/alice\/<\/d:href>/);
  assert.match(p.text, /<d:href>mailto:alice@example.com<\/d:href>/);
  assert.match(p.text, /<d:href>mailto:alice.second@example.org<\/d:href>/, 'addresses are stored lower-cased');
  assert.match(p.text, /<d:principal\/>/);
  assert.match(p.text, /<cal:calendar-user-type>INDIVIDUAL</);
});

test('a new user has a default event calendar and a tasks calendar with CalDAV properties', async () => {
  const res = await propfind('/calendars/alice/', '<d:resourcetype/><d:displayname/><c:supported-calendar-component-set/><cs:getctag/><d:sync-token/><d:supported-report-set/><d:current-user-privilege-set/><d:owner/>', '1');
  assert.match(res.text, /<d:href>\/calendars\/alice\/calendar\/<\/d:href>.*?<cal:comp name="VEVENT"\/>/s);
  assert.match(res.text, /<d:href>\/calendars\/alice\/tasks\/<\/d:href>.*?<cal:comp name="VTODO"\/>/s);
  assert.match(res.text, /<cal:calendar-multiget\/>/);
  assert.match(res.text, /<d:privilege><d:write-content\/><\/d:privilege>/);
  assert.match(res.text, /<d:owner><d:href>\/principals\/users\/alice\/<\/d:href>/);
});

test('calendar limits are advertised', async () => {
  const res = await propfind('/calendars/alice/calendar/', '<c:max-resource-size/><c:min-date-time/><c:max-date-time/><c:max-instances/><c:max-attendees-per-instance/><c:supported-calendar-data/>');
  for (const name of ['max-resource-size', 'min-date-time', 'max-date-time', 'max-instances', 'max-attendees-per-instance']) {
    assert.match(res.text, new RegExp(`<cal:${name}>[^<]+</cal:${name}>`), name);
  }
  assert.match(res.text, /<cal:min-date-time>19000101T000000Z</);
  assert.match(res.text, /content-type="text\/calendar"/);
});

test("another user's home, calendars and objects answer 403 whether or not they exist; principals are public to users", async () => {
  await s.request('PUT', '/calendars/bob/calendar/secret.ics', { user: 'bob', body: ics('secret'), headers: { 'content-type': 'text/calendar' } });
  for (const path of ['/calendars/bob/', '/calendars/bob/calendar/', '/calendars/bob/calendar/secret.ics', '/calendars/bob/nothing/', '/calendars/nobody/']) {
    const get = await s.request('GET', path);
    assert.equal(get.status, 403, path);
    assert.doesNotMatch(get.text, /secret|Test/);
    const pf = await propfind(path, '<d:displayname/>');
    assert.equal(pf.status, 403, path);
  }
  assert.equal((await s.request('PUT', '/calendars/bob/calendar/x.ics', { body: ics('x'), headers: { 'content-type': 'text/calendar' } })).status, 403);
  assert.equal((await s.request('DELETE', '/calendars/bob/calendar/secret.ics')).status, 403);
  const bobPrincipal = await propfind('/principals/users/bob/', '<c:calendar-user-address-set/><c:calendar-home-set/>');
  assert.equal(bobPrincipal.status, 207, 'signed-in users see each other\'s principals (addresses are how they invite)');
  assert.match(bobPrincipal.text, /mailto:bob@example.com/);
  const listing = await propfind('/calendars/', '<d:displayname/>', '1');
  assert.doesNotMatch(listing.text, /bob/, 'the homes listing shows only your own home');
});

test('OPTIONS advertises WebDAV classes 1 and 3 and calendar-access', async () => {
  const res = await s.request('OPTIONS', '/calendars/alice/calendar/');
  assert.equal(res.status, 200);
  const dav = res.headers.get('dav') ?? '';
  for (const c of ['1', '3', 'calendar-access', 'extended-mkcol', 'access-control']) assert.ok(dav.split(/,\s*/).includes(c), c);
  assert.ok(!dav.split(/,\s*/).includes('2'), 'no class 2: locking is not offered');
  assert.match(res.headers.get('allow') ?? '', /MKCALENDAR/);
});

test('the calendar credential cache drops a password at once when it changes', async () => {
  assert.equal((await propfind('/', '<d:current-user-principal/>', '0', 'bob')).status, 207);
  await s.app.users.setPassword('bob', 'a-new-password');
  assert.equal((await propfind('/', '<d:current-user-principal/>', '0', 'bob')).status, 401);
  await s.app.users.setPassword('bob', 'secret-bob');
  await s.app.users.setDisabled('bob', true);
  assert.equal((await propfind('/', '<d:current-user-principal/>', '0', 'bob')).status, 401, 'a disabled user cannot sign in');
  await s.app.users.setDisabled('bob', false);
});

test('repeated wrong passwords block the name for a while, even with the right one', async () => {
  const s2 = await startTestServer({ users: ['erin'] });
  try {
    const attempt = (password: string) => fetch(`${s2.url}/`, { method: 'PROPFIND', headers: { depth: '0', authorization: `Basic ${Buffer.from(`erin:${password}`).toString('base64')}` } });
    for (let i = 0; i < 10; i++) assert.equal((await attempt(`guess-${i}`)).status, 401);
    assert.equal((await attempt('secret-erin')).status, 401, 'blocked after ten failures');
  } finally {
    await s2.stop();
  }
});
