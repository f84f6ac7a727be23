/**
 * Access control over HTTP with three users and an anonymous client: every sharing level, the
 * busy-time view of private items through every read path, the ACL method, delegation, and
 * publishing — and that a revocation applies to the very next request.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ics, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
const CAL = '/calendars/alice/calendar/';
const T = { 'content-type': 'text/calendar' };
const privateEvent = ics('secret', 'CLASS:PRIVATE\r\nLOCATION:Doctor\r\nDESCRIPTION:Very private\r\nATTENDEE:mailto:dr@example.com\r\n').replace('SUMMARY:Test secret', 'SUMMARY:Secret appointment');
const confidentialEvent = ics('conf', 'CLASS:CONFIDENTIAL\r\nLOCATION:Board room\r\n').replace('SUMMARY:Test conf', 'SUMMARY:Merger talks');

before(async () => {
  s = await startTestServer({ users: ['alice', 'bob', 'carol'] });
  await s.request('PUT', `${CAL}public.ics`, { body: ics('public'), headers: T });
  await s.request('PUT', `${CAL}secret.ics`, { body: privateEvent, headers: T });
  await s.request('PUT', `${CAL}conf.ics`, { body: confidentialEvent, headers: T });
});
after(() => s.stop());

const get = (path: string, user: string | null) => s.request('GET', path, { user });
const propfind = (path: string, user: string | null, props = '<d:getetag/>', depth = '1') =>
  s.request('PROPFIND', path, { user, headers: { depth }, body: `<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop>${props}</d:prop></d:propfind>` });
const LEAKS = /Secret appointment|Doctor|Very private|dr@example.com|Merger talks|Board room/;

test('without a share, another user and an anonymous client get nothing', async () => {
  assert.equal((await get(`${CAL}public.ics`, 'bob')).status, 403);
  assert.equal((await get(`${CAL}public.ics`, null)).status, 401);
  assert.equal((await propfind(CAL, 'bob')).status, 403);
});

test('read share: the sharee reads (bound into their home), cannot write, and sees private items as busy time only', async () => {
  await s.app.sharing.share('alice/calendar', { kind: 'user', name: 'bob' }, 'read');
  assert.equal((await get(`${CAL}public.ics`, 'bob')).status, 200);
  const home = await propfind('/calendars/bob/', 'bob', '<d:resourcetype/>');
  assert.match(home.text, /\/calendars\/bob\/alice-calendar\//);
  const viaBinding = await get('/calendars/bob/alice-calendar/public.ics', 'bob');
  assert.equal(viaBinding.status, 200);
  const secret = await get(`${CAL}secret.ics`, 'bob');
  assert.equal(secret.status, 200);
  assert.match(secret.text, /DTSTART:20260110T100000Z/);
  assert.doesNotMatch(secret.text, LEAKS);
  const owner = await get(`${CAL}secret.ics`, 'alice');
  assert.notEqual(secret.headers.get('etag'), owner.headers.get('etag'), 'the busy-time view has its own ETag');
  assert.equal((await s.request('PUT', `${CAL}new.ics`, { user: 'bob', body: ics('new'), headers: T })).status, 403);
  assert.equal((await s.request('DELETE', `${CAL}public.ics`, { user: 'bob' })).status, 403);
  assert.equal((await get(`${CAL}public.ics`, 'carol')).status, 403, 'carol still has nothing');
});

test('no detail of a private or confidential item leaks through any read path', async () => {
  const paths: [string, () => Promise<{ text: string }>][] = [
    ['feed', () => get(CAL, 'bob')],
    ['PROPFIND', () => propfind(CAL, 'bob', '<d:getetag/><d:displayname/><d:getcontentlength/>')],
    ['calendar-query', () => s.request('REPORT', CAL, { user: 'bob', headers: { depth: '1' }, body: '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"/></c:filter></c:calendar-query>' })],
    ['expand', () => s.request('REPORT', CAL, { user: 'bob', headers: { depth: '1' }, body: '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data><c:expand start="20260101T000000Z" end="20260201T000000Z"/></c:calendar-data></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20260101T000000Z" end="20260201T000000Z"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>' })],
    ['multiget', () => s.request('REPORT', CAL, { user: 'bob', body: `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop><d:href>${CAL}secret.ics</d:href><d:href>${CAL}conf.ics</d:href></c:calendar-multiget>` })],
    ['sync-collection', () => s.request('REPORT', CAL, { user: 'bob', body: '<d:sync-collection xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/><c:calendar-data/></d:prop></d:sync-collection>' })],
  ];
  for (const [name, send] of paths) assert.doesNotMatch((await send()).text, LEAKS, name);
  const byText = await s.request('REPORT', CAL, { user: 'bob', headers: { depth: '1' }, body: '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:prop-filter name="SUMMARY"><c:text-match>Secret</c:text-match></c:prop-filter></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>' });
  assert.doesNotMatch(byText.text, /secret\.ics/, 'a filter cannot probe hidden text');
  const feed = await get(CAL, 'bob');
  assert.doesNotMatch(feed.text, /UID:secret/, 'the feed leaves private items out');
  assert.match(feed.text, /UID:conf/, 'and shows confidential ones as busy time');
});

test('write share: the sharee adds and removes items, but cannot overwrite a private one', async () => {
  await s.app.sharing.share('alice/calendar', { kind: 'user', name: 'bob' }, 'write');
  assert.equal((await s.request('PUT', `${CAL}by-bob.ics`, { user: 'bob', body: ics('by-bob'), headers: T })).status, 201);
  assert.equal((await s.request('DELETE', `${CAL}by-bob.ics`, { user: 'bob' })).status, 204);
  assert.equal((await s.request('PUT', `${CAL}secret.ics`, { user: 'bob', body: ics('secret'), headers: T })).status, 403);
  assert.equal((await s.request('MKCALENDAR', '/calendars/alice/bobs/', { user: 'bob' })).status, 403, 'write on a calendar is not bind on the home');
});

test('free-busy share: busy time through free-busy-query, no items', async () => {
  await s.app.sharing.share('alice/calendar', { kind: 'user', name: 'carol' }, 'freebusy');
  const fb = await s.request('REPORT', CAL, { user: 'carol', body: '<c:free-busy-query xmlns:c="urn:ietf:params:xml:ns:caldav"><c:time-range start="20260101T000000Z" end="20260201T000000Z"/></c:free-busy-query>' });
  assert.equal(fb.status, 200);
  assert.match(fb.text, /FREEBUSY:20260110T100000Z/);
  assert.doesNotMatch(fb.text, LEAKS);
  assert.equal((await get(`${CAL}public.ics`, 'carol')).status, 403);
  assert.doesNotMatch((await propfind(CAL, 'carol')).text, /public\.ics/);
  const q = await s.request('REPORT', CAL, { user: 'carol', headers: { depth: '1' }, body: '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"/></c:filter></c:calendar-query>' });
  assert.equal(q.status, 403);
});

test('a revocation applies to the next request', async () => {
  assert.equal((await get(`${CAL}public.ics`, 'bob')).status, 200);
  await s.app.sharing.unshare('alice/calendar', { kind: 'user', name: 'bob' });
  assert.equal((await get(`${CAL}public.ics`, 'bob')).status, 403);
  assert.equal((await propfind('/calendars/bob/alice-calendar/', 'bob')).status, 404);
});

test('publishing: anyone reads without credentials, the feed is cacheable and hides private items', async () => {
  await s.app.sharing.share('alice/calendar', { kind: 'public' }, 'read');
  const feed = await get(CAL, null);
  assert.equal(feed.status, 200);
  assert.doesNotMatch(feed.text, LEAKS);
  assert.doesNotMatch(feed.text, /UID:secret/);
  const again = await s.request('GET', CAL, { user: null, headers: { 'if-none-match': feed.headers.get('etag') ?? '' } });
  assert.equal(again.status, 304);
  assert.equal((await propfind(CAL, null)).status, 207, 'read-only CalDAV without credentials');
  assert.equal((await s.request('PUT', `${CAL}anon.ics`, { user: null, body: ics('anon'), headers: T })).status, 401);
  assert.equal((await get('/calendars/alice/tasks/', null)).status, 401, 'other calendars stay closed');
  await s.app.sharing.unshare('alice/calendar', { kind: 'public' });
  assert.equal((await get(CAL, null)).status, 401);
});

test('everyone signed in: an authenticated grant', async () => {
  await s.app.sharing.share('alice/tasks', { kind: 'authenticated' }, 'read');
  assert.equal((await propfind('/calendars/alice/tasks/', 'carol', '<d:displayname/>', '0')).status, 207);
  assert.equal((await propfind('/calendars/alice/tasks/', null, '<d:displayname/>', '0')).status, 401);
  await s.app.sharing.unshare('alice/tasks', { kind: 'authenticated' });
});

test('the ACL method grants, denies and reports preconditions; DAV:acl shows protected ACEs', async () => {
  const acl = (body: string, user = 'alice') => s.request('ACL', '/calendars/alice/tasks/', { user, body: `<d:acl xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">${body}</d:acl>` });
  const grantBob = '<d:ace><d:principal><d:href>/principals/users/bob/</d:href></d:principal><d:grant><d:privilege><d:read/></d:privilege></d:grant></d:ace>';
  assert.equal((await acl(grantBob, 'bob')).status, 403, 'only holders of write-acl change the ACL');
  assert.equal((await acl(grantBob)).status, 200);
  assert.equal((await propfind('/calendars/alice/tasks/', 'bob', '<d:displayname/>', '0')).status, 207);
  const shown = await propfind('/calendars/alice/tasks/', 'alice', '<d:acl/><d:supported-privilege-set/><d:acl-restrictions/>', '0');
  assert.match(shown.text, /<d:ace><d:principal><d:href>\/principals\/users\/alice\/<\/d:href><\/d:principal><d:grant><d:privilege><d:all\/><\/d:privilege><\/d:grant><d:protected\/><\/d:ace>/);
  assert.match(shown.text, /<cal:read-free-busy\/>/);
  assert.match(shown.text, /<d:no-invert\/>/);
  const cases: [string, string][] = [
    ['<d:ace><d:principal><d:href>/principals/users/nobody/</d:href></d:principal><d:grant><d:privilege><d:read/></d:privilege></d:grant></d:ace>', 'recognized-principal'],
    ['<d:ace><d:principal><d:all/></d:principal><d:grant><d:privilege><d:launch-missiles/></d:privilege></d:grant></d:ace>', 'not-supported-privilege'],
    [`${grantBob}<d:ace><d:principal><d:href>/principals/users/bob/</d:href></d:principal><d:deny><d:privilege><d:read/></d:privilege></d:deny></d:ace>`, 'no-ace-conflict'],
    ['<d:ace><d:invert><d:principal><d:all/></d:principal></d:invert><d:grant><d:privilege><d:read/></d:privilege></d:grant></d:ace>', 'no-invert'],
  ];
  for (const [body, pre] of cases) {
    const res = await acl(body);
    assert.equal(res.status, 403, pre);
    assert.match(res.text, new RegExp(pre));
  }
  assert.equal((await propfind('/calendars/alice/tasks/', 'bob', '<d:displayname/>', '0')).status, 207, 'a refused ACL changed nothing');
  const denyAll = '<d:ace><d:principal><d:href>/principals/users/bob/</d:href></d:principal><d:deny><d:privilege><d:all/></d:privilege></d:deny></d:ace><d:ace><d:principal><d:authenticated/></d:principal><d:grant><d:privilege><d:read/></d:privilege></d:grant></d:ace>';
  assert.equal((await acl(denyAll)).status, 200);
  assert.equal((await propfind('/calendars/alice/tasks/', 'bob', '<d:displayname/>', '0')).status, 403, 'the first matching ACE decides: deny');
  assert.equal((await propfind('/calendars/alice/tasks/', 'carol', '<d:displayname/>', '0')).status, 207);
  assert.equal((await acl('')).status, 200);
  assert.equal((await propfind('/calendars/alice/tasks/', 'carol', '<d:displayname/>', '0')).status, 403);
});

test('delegation: a write proxy acts on all calendars of the person they assist', async () => {
  const setGroup = (user: string, members: string[]) => s.request('PROPPATCH', '/principals/users/alice/calendar-proxy-write/', { user,
    body: `<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:group-member-set>${members.map((m) => `<d:href>/principals/users/${m}/</d:href>`).join('')}</d:group-member-set></d:prop></d:set></d:propertyupdate>` });
  assert.equal((await setGroup('bob', ['bob'])).status, 403, 'only alice chooses her delegates');
  assert.match((await setGroup('alice', ['carol'])).text, /200 OK/);
  const members = await propfind('/principals/users/alice/calendar-proxy-write/', 'carol', '<d:group-member-set/>', '0');
  assert.match(members.text, /\/principals\/users\/carol\//);
  const membership = await propfind('/principals/users/carol/', 'carol', '<d:group-membership/><cs:calendar-proxy-write-for xmlns:cs="http://calendarserver.org/ns/"/>', '0');
  assert.match(membership.text, /calendar-proxy-write\/<\/d:href>/);
  assert.match(membership.text, /calendar-proxy-write-for><d:href>\/principals\/users\/alice\//);
  assert.equal((await s.request('PUT', '/calendars/alice/tasks/t1.ics', { user: 'carol', body: ics('t1', '', 'VTODO'), headers: T })).status, 201);
  const secret = await get(`${CAL}secret.ics`, 'carol');
  assert.match(secret.text, /Secret appointment/, 'a write delegate sees what the person they assist sees');
  assert.match((await setGroup('alice', [])).text, /200 OK/);
  assert.equal((await get(`${CAL}secret.ics`, 'carol')).status, 403);
});
