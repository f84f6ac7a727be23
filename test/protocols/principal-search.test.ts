/**
 * Principal reports over HTTP: RFC 3744 §9.4 principal-property-search (match types, anyof/allof,
 * caseless, limits), §9.5 principal-search-property-set, §9.3 principal-match, RFC 3253 §3.8
 * expand-property; and that none of them shows a password hash or another user's calendar data.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ics, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer({ users: ['alice', 'bob', 'carol'] });
  await s.app.users.addAddress('bob', 'Robert.Builder@Example.org');
  await s.app.users.create('boardroom', { addresses: ['boardroom@example.com'], password: 'secret-boardroom', type: 'room' });
  const put = await s.request('PUT', '/calendars/bob/calendar/dentist.ics', { user: 'bob', body: ics('dentist', 'DESCRIPTION:Bob secret dentist\r\n'), headers: { 'content-type': 'text/calendar' } });
  assert.equal(put.status, 201);
});
after(() => s.stop());

const NS = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/"';
const report = (path: string, body: string, opts: { user?: string | null; depth?: string } = {}) =>
  s.request('REPORT', path, { user: opts.user, headers: { depth: opts.depth ?? '0', 'content-type': 'application/xml' }, body: `<?xml version="1.0"?>${body}` });

type Term = { prop: string; text: string; attrs?: string };
const searchBody = (terms: Term[], extra = '<d:prop><d:displayname/><c:calendar-user-address-set/></d:prop>', rootAttrs = '') =>
  `<d:principal-property-search ${NS}${rootAttrs}>${terms.map((t) => `<d:property-search><d:prop>${t.prop}</d:prop><d:match${t.attrs ?? ''}>${t.text}</d:match></d:property-search>`).join('')}${extra}</d:principal-property-search>`;
const search = (terms: Term[], opts: { path?: string; extra?: string; rootAttrs?: string; user?: string } = {}) =>
  report(opts.path ?? '/principals/users/', searchBody(terms, opts.extra, opts.rootAttrs), { user: opts.user });

/** The hrefs of the top-level responses, in order. */
function found(text: string): string[] {
  return [...text.matchAll(/<d:response><d:href>([^<]+)<\/d:href>/g)].map((m) => m[1] ?? '');
}
const users = (...names: string[]) => names.map((n) => `/principals/users/${n}/`);
const NAME = '<d:displayname/>';
const ADDR = '<c:calendar-user-address-set/>';

test('principal-property-search finds people by display name and returns the requested properties', async () => {
  const res = await search([{ prop: NAME, text: 'ob' }]);
  assert.equal(res.status, 207);
  assert.deepEqual(found(res.text), users('bob'));
  assert.match(res.text, /<d:displayname>bob<\/d:displayname>/);
  assert.match(res.text, /<d:href>mailto:bob@example.com<\/d:href>/);
  assert.match(res.text, /<d:href>mailto:robert.builder@example.org<\/d:href>/);
  assert.deepEqual(found((await search([{ prop: NAME, text: 'nobody-here' }])).text), []);
  const fromRoot = await search([{ prop: NAME, text: 'carol' }], { path: '/principals/' });
  assert.deepEqual(found(fromRoot.text), users('carol'));
});

test('addresses match with or without mailto:, by contains, starts-with and equals', async () => {
  const q = async (text: string, matchType?: string) => found((await search([{ prop: ADDR, text, attrs: matchType ? ` match-type="${matchType}"` : '' }])).text);
  assert.deepEqual(await q('example.org'), users('bob'));
  assert.deepEqual(await q('car', 'starts-with'), users('carol'));
  assert.deepEqual(await q('mailto:car', 'starts-with'), users('carol'));
  assert.deepEqual(await q('arol', 'starts-with'), []);
  assert.deepEqual(await q('bob@example.com', 'equals'), users('bob'));
  assert.deepEqual(await q('mailto:alice@example.com', 'equals'), users('alice'));
  assert.deepEqual(await q('bob@', 'equals'), []);
  assert.deepEqual(await q('example.com'), users('alice', 'boardroom', 'bob', 'carol'));
  const email = await search([{ prop: '<cs:email-address-set/>', text: 'robert', attrs: ' match-type="starts-with"' }]);
  assert.deepEqual(found(email.text), users('bob'));
  assert.equal((await search([{ prop: ADDR, text: 'x', attrs: ' match-type="regex"' }])).status, 400);
});

test('matching is caseless unless caseless="no"', async () => {
  assert.deepEqual(found((await search([{ prop: ADDR, text: 'ROBERT.Builder' }])).text), users('bob'));
  assert.deepEqual(found((await search([{ prop: NAME, text: 'BOB', attrs: ' caseless="no"' }])).text), []);
  assert.deepEqual(found((await search([{ prop: NAME, text: 'bob', attrs: ' caseless="no"' }])).text), users('bob'));
});

test('allof (the default) needs every property-search to match; anyof needs one', async () => {
  const terms: Term[] = [{ prop: NAME, text: 'a', attrs: ' match-type="starts-with"' }, { prop: ADDR, text: 'example.org' }];
  assert.deepEqual(found((await search(terms)).text), []);
  assert.deepEqual(found((await search(terms, { rootAttrs: ' test="allof"' })).text), []);
  assert.deepEqual(found((await search(terms, { rootAttrs: ' test="anyof"' })).text), users('alice', 'bob'));
  const both: Term[] = [{ prop: NAME, text: 'b', attrs: ' match-type="starts-with"' }, { prop: ADDR, text: 'example.org' }];
  assert.deepEqual(found((await search(both)).text), users('bob'));
  assert.equal((await search(terms, { rootAttrs: ' test="some"' })).status, 400);
  // An unsearchable property never matches, so anyof ignores it and allof finds nobody.
  const unknown: Term[] = [{ prop: '<cs:first-name/>', text: 'bob' }, { prop: NAME, text: 'bob' }];
  assert.deepEqual(found((await search(unknown, { rootAttrs: ' test="anyof"' })).text), users('bob'));
  assert.deepEqual(found((await search(unknown)).text), []);
});

test('calendar-user-type finds rooms', async () => {
  const res = await search([{ prop: '<c:calendar-user-type/>', text: 'room', attrs: ' match-type="equals"' }], { extra: '<d:prop><c:calendar-user-type/></d:prop>' });
  assert.deepEqual(found(res.text), users('boardroom'));
  assert.match(res.text, /<cal:calendar-user-type>ROOM<\/cal:calendar-user-type>/);
});

test('results are limited: DAV:limit and the 507 number-of-matches-within-limits response', async () => {
  const res = await search([{ prop: ADDR, text: '@' }], { extra: `<d:prop>${NAME}</d:prop><d:limit><d:nresults>2</d:nresults></d:limit>` });
  assert.equal(res.status, 207);
  assert.deepEqual(found(res.text), [...users('alice', 'boardroom'), '/principals/users/']);
  assert.match(res.text, /<d:href>\/principals\/users\/<\/d:href><d:status>HTTP\/1.1 507 Insufficient Storage<\/d:status><d:error><d:number-of-matches-within-limits\/>/);
  const all = await search([{ prop: ADDR, text: '@' }], { extra: '' });
  assert.deepEqual(found(all.text), users('alice', 'boardroom', 'bob', 'carol'), 'without DAV:prop each principal is an href');
  assert.match(all.text, /<d:href>\/principals\/users\/alice\/<\/d:href><d:status>HTTP\/1.1 200 OK<\/d:status>/);
  assert.doesNotMatch(all.text, /507/);
});

test('the search scope: principal collections, one principal, or apply-to-principal-collection-set anywhere', async () => {
  const terms: Term[] = [{ prop: NAME, text: 'o' }];
  assert.deepEqual(found((await search(terms, { path: '/principals/users/bob/' })).text), users('bob'));
  const elsewhere = await search(terms, { path: '/calendars/alice/calendar/' });
  assert.equal(elsewhere.status, 403);
  assert.match(elsewhere.text, /<d:supported-report\/>/);
  const applied = await search(terms, { path: '/calendars/alice/calendar/', extra: `<d:prop>${NAME}</d:prop><d:apply-to-principal-collection-set/>` });
  assert.equal(applied.status, 207);
  assert.deepEqual(found(applied.text), users('boardroom', 'bob', 'carol'));
  const deep = await report('/principals/users/', searchBody(terms), { depth: '1' });
  assert.equal(deep.status, 400, 'RFC 3744 §9.4: only Depth 0');
  assert.equal((await report('/principals/users/', `<d:principal-property-search ${NS}><d:prop>${NAME}</d:prop></d:principal-property-search>`)).status, 400);
  assert.equal((await report('/principals/users/', searchBody(terms), { user: null })).status, 401);
});

test('principal-search-property-set lists the searchable properties with descriptions', async () => {
  const res = await report('/principals/', `<d:principal-search-property-set ${NS}/>`);
  assert.equal(res.status, 200);
  assert.match(res.text, /^<\?xml[^>]*>\s*<d:principal-search-property-set /);
  for (const p of ['<d:displayname/>', '<cal:calendar-user-address-set/>', '<cal:calendar-user-type/>', '<cs:email-address-set/>']) {
    assert.match(res.text, new RegExp(`<d:principal-search-property><d:prop>${p}</d:prop><d:description xml:lang="en">[^<]+</d:description>`), p);
  }
  const wrong = await report('/calendars/alice/', `<d:principal-search-property-set ${NS}/>`);
  assert.equal(wrong.status, 403);
  assert.match(wrong.text, /<d:supported-report\/>/);
  const reports = await s.request('PROPFIND', '/principals/users/', { headers: { depth: '0' }, body: `<d:propfind ${NS}><d:prop><d:supported-report-set/></d:prop></d:propfind>` });
  for (const r of ['principal-property-search', 'principal-search-property-set', 'principal-match', 'expand-property']) assert.match(reports.text, new RegExp(`<d:${r}/>`), r);
});

test('principal-match with DAV:self finds the current user\'s principal and home', async () => {
  const body = `<d:principal-match ${NS}><d:self/><d:prop>${NAME}</d:prop></d:principal-match>`;
  const principals = await report('/principals/users/', body, { user: 'bob' });
  assert.equal(principals.status, 207);
  assert.deepEqual(found(principals.text), users('bob'));
  assert.match(principals.text, /<d:displayname>bob<\/d:displayname>/);
  assert.deepEqual(found((await report('/principals/', body, { user: 'carol' })).text), users('carol'));
  assert.deepEqual(found((await report('/calendars/', body, { user: 'carol' })).text), ['/calendars/carol/']);
  assert.deepEqual(found((await report('/calendars/carol/', body, { user: 'carol' })).text), ['/calendars/carol/']);
  const bare = await report('/principals/users/', `<d:principal-match ${NS}><d:self/></d:principal-match>`, { user: 'alice' });
  assert.match(bare.text, /<d:href>\/principals\/users\/alice\/<\/d:href><d:status>HTTP\/1.1 200 OK/);
});

test('principal-match on DAV:owner lists what the user owns, not what is shared with them', async () => {
  await s.app.sharing.share('bob/tasks', { kind: 'user', name: 'carol' }, 'read');
  const body = `<d:principal-match ${NS}><d:principal-property><d:owner/></d:principal-property><d:prop><d:owner/></d:prop></d:principal-match>`;
  const res = await report('/calendars/carol/', body, { user: 'carol' });
  assert.equal(res.status, 207);
  assert.deepEqual(found(res.text).sort(), ['/calendars/carol/', '/calendars/carol/calendar/', '/calendars/carol/inbox/', '/calendars/carol/outbox/', '/calendars/carol/tasks/']);
  assert.doesNotMatch(res.text, /\/principals\/users\/bob\//);
  const children = await s.request('PROPFIND', '/calendars/carol/', { user: 'carol', headers: { depth: '1' }, body: `<d:propfind ${NS}><d:prop><d:owner/></d:prop></d:propfind>` });
  assert.match(children.text, /\/principals\/users\/bob\//, 'the shared calendar is in carol\'s home');
  const neither = await report('/calendars/carol/', `<d:principal-match ${NS}><d:prop>${NAME}</d:prop></d:principal-match>`, { user: 'carol' });
  assert.equal(neither.status, 400);
  const onObject = await report('/calendars/bob/calendar/dentist.ics', body, { user: 'bob' });
  assert.equal(onObject.status, 403);
  assert.match(onObject.text, /<d:supported-report\/>/);
  assert.equal((await report('/calendars/carol/', body, { user: 'carol', depth: 'infinity' })).status, 400);
});

const expand = (inner: string) => `<d:expand-property ${NS}>${inner}</d:expand-property>`;

test('expand-property replaces hrefs with responses, keeps mailto: hrefs and plain values', async () => {
  const body = expand('<d:property name="displayname"/><d:property name="calendar-user-address-set" namespace="urn:ietf:params:xml:ns:caldav"><d:property name="displayname"/><d:property name="calendar-home-set" namespace="urn:ietf:params:xml:ns:caldav"/></d:property>');
  const res = await report('/principals/users/alice/', body);
  assert.equal(res.status, 207);
  assert.match(res.text, /^<\?xml[^>]*>\s*<d:multistatus[^>]*><d:response><d:href>\/principals\/users\/alice\/<\/d:href>/);
  assert.match(res.text, /<cal:calendar-user-address-set><d:href>mailto:alice@example.com<\/d:href><d:response><d:href>\/principals\/users\/alice\/<\/d:href><d:propstat><d:prop><d:displayname>alice<\/d:displayname><cal:calendar-home-set><d:href>\/calendars\/alice\/<\/d:href>/);
  const missing = await report('/principals/users/alice/', expand('<d:property name="no-such-property"/>'));
  assert.match(missing.text, /<d:no-such-property\/><\/d:prop><d:status>HTTP\/1.1 404 Not Found/);
  assert.equal((await report('/principals/users/alice/', expand('<d:property/>'))).status, 400);
});

test('expand-property follows delegation (calendar-proxy-read-for, group-membership)', async () => {
  const set = await s.request('PROPPATCH', '/principals/users/alice/calendar-proxy-read/', { user: 'alice',
    body: `<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:group-member-set><d:href>/principals/users/carol/</d:href></d:group-member-set></d:prop></d:set></d:propertyupdate>` });
  assert.match(set.text, /200 OK/);
  const body = expand(`<d:property name="calendar-proxy-read-for" namespace="http://calendarserver.org/ns/"><d:property name="displayname"/><d:property name="calendar-user-address-set" namespace="urn:ietf:params:xml:ns:caldav"/></d:property>
    <d:property name="group-membership"><d:property name="displayname"/></d:property>`);
  const res = await report('/principals/users/carol/', body, { user: 'carol' });
  assert.equal(res.status, 207);
  assert.match(res.text, /<cs:calendar-proxy-read-for><d:response><d:href>\/principals\/users\/alice\/<\/d:href><d:propstat><d:prop><d:displayname>alice<\/d:displayname><cal:calendar-user-address-set><d:href>mailto:alice@example.com/);
  assert.match(res.text, /<d:group-membership><d:response><d:href>\/principals\/users\/alice\/calendar-proxy-read\/<\/d:href>/);
});

test('no report shows a password hash or another user\'s calendar data', async () => {
  const texts: string[] = [];
  const add = async (p: Promise<{ status: number; text: string }>) => {
    const r = await p;
    assert.ok(r.status < 500, String(r.status));
    texts.push(r.text);
    return r.text;
  };
  await add(search([{ prop: ADDR, text: '@' }], { extra: `<d:prop><d:allprop/>${NAME}<d:password/><d:passwordHash/><c:calendar-home-set/></d:prop>` }));
  const homes = await add(report('/principals/users/bob/', expand('<d:property name="calendar-home-set" namespace="urn:ietf:params:xml:ns:caldav"><d:property name="displayname"/><d:property name="getctag" namespace="http://calendarserver.org/ns/"/></d:property>'), { user: 'alice' }));
  assert.match(homes, /<d:response><d:href>\/calendars\/bob\/<\/d:href><d:status>HTTP\/1.1 403 Forbidden<\/d:status><\/d:response>/);
  await add(report('/calendars/', `<d:principal-match ${NS}><d:principal-property><d:owner/></d:principal-property><d:prop><d:displayname/></d:prop></d:principal-match>`, { user: 'alice' }));
  await add(report('/calendars/alice/', expand('<d:property name="owner"><d:property name="calendar-home-set" namespace="urn:ietf:params:xml:ns:caldav"><d:property name="displayname"/></d:property></d:property>'), { user: 'alice', depth: '1' }));
  for (const t of texts) {
    assert.doesNotMatch(t, /argon2|\$[a-z0-9]+\$v=|dentist|\/calendars\/bob\/calendar/i);
  }
});
