/** sync-collection (RFC 6578) over the change log. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ics, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer({ users: ['alice', 'bob'] });
});
after(() => s.stop());

const cal = '/calendars/alice/calendar/';
const sync = (token: string, limit = '', user?: string) =>
  s.request('REPORT', cal, { user, body: `<d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level>${limit}<d:prop><d:getetag/></d:prop></d:sync-collection>` });
const tokenOf = (text: string): string => /<d:sync-token>([^<]+)<\/d:sync-token><\/d:multistatus>/.exec(text)?.[1] ?? '';
const putEvent = (name: string, extra = '') => s.request('PUT', cal + name, { body: ics(name.replace('.ics', ''), extra), headers: { 'content-type': 'text/calendar' } });

test('initial sync lists every member; an incremental sync lists only changes and removals', async () => {
  for (const n of ['a.ics', 'b.ics', 'c.ics']) await putEvent(n);
  const first = await sync('');
  assert.equal(first.status, 207);
  assert.equal(first.text.match(/<d:getetag>/g)?.length, 3);
  const token = tokenOf(first.text);
  assert.ok(token);
  await putEvent('b.ics', 'LOCATION:moved\r\n');
  await s.request('DELETE', `${cal}c.ics`);
  await putEvent('d.ics');
  const second = await sync(token);
  assert.match(second.text, /b\.ics<\/d:href><d:propstat>/);
  assert.match(second.text, /c\.ics<\/d:href><d:status>HTTP\/1.1 404/);
  assert.match(second.text, /d\.ics<\/d:href><d:propstat>/);
  assert.doesNotMatch(second.text, /a\.ics/);
  const third = await sync(tokenOf(second.text));
  assert.equal(third.text.match(/<d:response>/g), null, 'nothing changed since');
  assert.equal(tokenOf(third.text), tokenOf(second.text));
});

test('DAV:limit truncates with a 507 response and a token to continue from', async () => {
  const start = tokenOf((await sync('')).text);
  for (const n of ['l1.ics', 'l2.ics', 'l3.ics']) await putEvent(n);
  const partial = await sync(start, '<d:limit><d:nresults>2</d:nresults></d:limit>');
  assert.equal(partial.text.match(/<d:propstat>/g)?.length, 2);
  assert.match(partial.text, /HTTP\/1.1 507/);
  const rest = await sync(tokenOf(partial.text));
  assert.match(rest.text, /l3\.ics/);
  assert.doesNotMatch(rest.text, /l1\.ics/);
});

test('a foreign, forged or future token answers 403 valid-sync-token', async () => {
  for (const bad of ['http://elsewhere/sync/1', 'https://reefknot.org/ns/sync/999-1', 'https://reefknot.org/ns/sync/1-999999']) {
    const res = await sync(bad);
    assert.equal(res.status, 403, bad);
    assert.match(res.text, /valid-sync-token/);
  }
  const infinite = await s.request('REPORT', cal, { body: '<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>infinite</d:sync-level><d:prop/></d:sync-collection>' });
  assert.equal(infinite.status, 403);
});
