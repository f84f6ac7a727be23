/** CalendarServer sharing (and DAV:share-resource) as clients drive it: invite, accept, revoke. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ics, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
const CAL = '/calendars/alice/calendar/';
const CS = 'xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"';
before(async () => {
  s = await startTestServer({ users: ['alice', 'bob', 'carol'] });
  await s.request('PUT', `${CAL}e1.ics`, { body: ics('e1'), headers: { 'content-type': 'text/calendar' } });
});
after(() => s.stop());

const post = (path: string, body: string, user = 'alice') => s.request('POST', path, { user, body, headers: { 'content-type': 'application/xml' } });
const props = (path: string, user: string, inner: string, depth = '0') =>
  s.request('PROPFIND', path, { user, headers: { depth }, body: `<D:propfind ${CS}><D:prop>${inner}</D:prop></D:propfind>` });

test('invite, see the notification, accept, and find the calendar in the sharee home', async () => {
  const invite = await post(CAL, `<CS:share ${CS}><CS:set><D:href>mailto:bob@example.com</D:href><CS:summary>Alice's work</CS:summary><CS:read-write/></CS:set></CS:share>`);
  assert.equal(invite.status, 200, invite.text);
  assert.equal((await s.request('GET', `${CAL}e1.ics`, { user: 'bob' })).status, 403, 'a pending invitation grants nothing');
  const principal = await props('/principals/users/bob/', 'bob', '<CS:notification-URL/>');
  assert.match(principal.text, /\/calendars\/bob\/notifications\//);
  const list = await props('/calendars/bob/notifications/', 'bob', '<D:resourcetype/><CS:notificationtype/>', '1');
  const href = /<d:href>(\/calendars\/bob\/notifications\/[^<]+\.xml)<\/d:href>/.exec(list.text)?.[1];
  assert.ok(href, list.text);
  const note = await s.request('GET', href, { user: 'bob' });
  assert.match(note.text, /<cs:hosturl><d:href>\/calendars\/alice\/calendar\/<\/d:href><\/cs:hosturl>/);
  assert.match(note.text, /<cs:read-write\/>/);
  const uid = /<cs:uid>([^<]+)<\/cs:uid>/.exec(note.text)?.[1] ?? '';
  const reply = await post('/calendars/bob/', `<CS:invite-reply ${CS}><D:href>mailto:alice@example.com</D:href><CS:invite-accepted/><CS:hosturl><D:href>${CAL}</D:href></CS:hosturl><CS:in-reply-to>${uid}</CS:in-reply-to></CS:invite-reply>`, 'bob');
  assert.equal(reply.status, 200, reply.text);
  const sharedAs = /<cs:shared-as[^>]*><d:href>([^<]+)<\/d:href>/.exec(reply.text)?.[1];
  assert.equal(sharedAs, '/calendars/bob/alice-calendar/');
  const bound = await props(sharedAs, 'bob', '<D:resourcetype/><D:share-access/>');
  assert.match(bound.text, /<cs:shared\/>/);
  assert.match(bound.text, /<d:share-access><d:read-write\/><\/d:share-access>/);
  assert.equal((await s.request('PUT', `${sharedAs}from-bob.ics`, { user: 'bob', body: ics('from-bob'), headers: { 'content-type': 'text/calendar' } })).status, 201);
  assert.equal((await s.request('GET', `${CAL}from-bob.ics`, { user: 'alice' })).status, 200, 'written into alice\'s calendar');
  const owner = await props(CAL, 'alice', '<D:resourcetype/><CS:invite/><D:share-access/><CS:allowed-sharing-modes/>');
  assert.match(owner.text, /<cs:shared-owner\/>/);
  assert.match(owner.text, /<cs:user><d:href>mailto:bob@example.com<\/d:href><cs:common-name>bob<\/cs:common-name><cs:invite-accepted\/>/);
  assert.match(owner.text, /<d:share-access><d:shared-owner\/>/);
  assert.match(owner.text, /<cs:can-be-shared\/>/);
});

test('a sharee cannot delete the owner\'s calendar; removing the binding ends the share only', async () => {
  assert.equal((await s.request('DELETE', CAL, { user: 'bob' })).status, 403);
  assert.equal((await s.request('DELETE', '/calendars/bob/alice-calendar/', { user: 'bob' })).status, 204);
  assert.equal((await s.request('GET', `${CAL}e1.ics`, { user: 'bob' })).status, 403);
  assert.equal((await s.request('GET', `${CAL}e1.ics`, { user: 'alice' })).status, 200, 'alice\'s calendar is intact');
});

test('DAV:share-resource invites too; declining by deleting the notification', async () => {
  const res = await s.request('POST', CAL, { body: '<D:share-resource xmlns:D="DAV:"><D:sharee><D:href>mailto:carol@example.com</D:href><D:share-access><D:read/></D:share-access></D:sharee></D:share-resource>', headers: { 'content-type': 'application/davsharing+xml' } });
  assert.equal(res.status, 200, res.text);
  const list = await props('/calendars/carol/notifications/', 'carol', '<D:getetag/>', '1');
  const href = /<d:href>(\/calendars\/carol\/notifications\/[^<]+\.xml)<\/d:href>/.exec(list.text)?.[1] ?? '';
  assert.equal((await s.request('DELETE', href, { user: 'carol' })).status, 204);
  assert.doesNotMatch((await props('/calendars/carol/notifications/', 'carol', '<D:getetag/>', '1')).text, /\.xml/);
  const owner = await props(CAL, 'alice', '<CS:invite/>');
  assert.match(owner.text, /carol@example.com<\/d:href><cs:common-name>carol<\/cs:common-name><cs:invite-declined\/>/);
  assert.equal((await s.request('GET', `${CAL}e1.ics`, { user: 'carol' })).status, 403);
});

test('removing a sharee, unknown sharees and sharing by someone else', async () => {
  await post(CAL, `<CS:share ${CS}><CS:set><D:href>/principals/users/bob/</D:href><CS:read/></CS:set></CS:share>`);
  await post('/calendars/bob/', `<CS:invite-reply ${CS}><CS:invite-accepted/><CS:hosturl><D:href>${CAL}</D:href></CS:hosturl></CS:invite-reply>`, 'bob');
  assert.equal((await s.request('GET', `${CAL}e1.ics`, { user: 'bob' })).status, 200);
  await post(CAL, `<CS:share ${CS}><CS:remove><D:href>mailto:bob@example.com</D:href></CS:remove></CS:share>`);
  assert.equal((await s.request('GET', `${CAL}e1.ics`, { user: 'bob' })).status, 403, 'revoked at once');
  const unknown = await post(CAL, `<CS:share ${CS}><CS:set><D:href>mailto:stranger@elsewhere.example</D:href><CS:read/></CS:set></CS:share>`);
  assert.equal(unknown.status, 409);
  assert.match(unknown.text, /not a user of this server/);
  const notOwner = await post('/calendars/alice/calendar/', `<CS:share ${CS}><CS:set><D:href>mailto:carol@example.com</D:href><CS:read/></CS:set></CS:share>`, 'carol');
  assert.equal(notOwner.status, 403);
  const odd = await post(CAL, '<x:something xmlns:x="urn:x"/>');
  assert.equal(odd.status, 400);
});
