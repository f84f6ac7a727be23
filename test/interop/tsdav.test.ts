/**
 * Peer test: tsdav (npm, a CalDAV client nobody here wrote) runs the same core scenario as
 * python_caldav_core.py: discovery from the base URL (RFC 6764 well-known, current-user-principal,
 * calendar-home-set), MKCALENDAR, PUT of an event and a todo, calendar-query (RFC 4791 §7.8) and
 * calendar-multiget (§7.9), update with If-Match, a stale If-Match refused (412), DELETE, listing
 * calendars again; then tsdav's own sync (getctag polling, or sync-collection when the server
 * advertises it in supported-report-set).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DAVClient, type DAVCalendar, type DAVCalendarObject } from 'tsdav';
import { passwordOf, startTestServer, type TestServer } from '../helpers/server.js';

interface Logged { method: string; url: string; status: number; body: string }

let s: TestServer;
const log: Logged[] = [];

/** fetch that records every request tsdav sends, so the test can show and check what went out. */
const loggingFetch: typeof fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const res = await fetch(input, init);
  log.push({
    method: init?.method ?? 'GET',
    url,
    status: res.status,
    body: typeof init?.body === 'string' ? init.body : '',
  });
  return res;
};

before(async () => { s = await startTestServer({ users: ['alice'] }); });
after(() => s.stop());

const vevent = (uid: string, summary: string): string =>
  'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tsdav test//EN\r\nBEGIN:VEVENT\r\n' +
  `UID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20261201T100000Z\r\nDTEND:20261201T110000Z\r\n` +
  `SUMMARY:${summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
const vtodo = (uid: string, summary: string): string =>
  'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tsdav test//EN\r\nBEGIN:VTODO\r\n' +
  `UID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:${summary}\r\nEND:VTODO\r\nEND:VCALENDAR\r\n`;

const todoFilter = [{ 'comp-filter': { _attributes: { name: 'VCALENDAR' }, 'comp-filter': { _attributes: { name: 'VTODO' } } } }];

function showLog(t: { diagnostic(msg: string): void }, from: number): void {
  for (const e of log.slice(from)) {
    const path = new URL(e.url).pathname;
    const what = /<([a-z]+:)?(calendar-query|calendar-multiget|sync-collection|propfind|mkcalendar)\b/i.exec(e.body)?.[2] ?? '';
    t.diagnostic(`${e.method} ${path} ${what ? `(${what}) ` : ''}→ ${e.status}`);
  }
}

test('tsdav: discovery, MKCALENDAR, event and todo, query, update, delete, list', { timeout: 60_000 }, async (t) => {
  const client = new DAVClient({
    serverUrl: new URL('/', s.url).href,
    credentials: { username: 'alice', password: passwordOf('alice') },
    authMethod: 'Basic',
    defaultAccountType: 'caldav',
    fetch: loggingFetch,
  });
  let mark = log.length;
  await client.login();
  const account = client.account;
  assert.ok(account);
  assert.equal(new URL(account.principalUrl ?? '').pathname, '/principals/users/alice/');
  assert.equal(new URL(account.homeUrl ?? '').pathname, '/calendars/alice/');
  t.diagnostic(`discovery: root ${account.rootUrl}, principal ${account.principalUrl}, home ${account.homeUrl}`);

  const before = await client.fetchCalendars();
  const paths = before.map((c) => new URL(c.url).pathname).sort();
  assert.deepEqual(paths, ['/calendars/alice/calendar/', '/calendars/alice/tasks/']);
  for (const c of before) assert.ok(c.ctag !== undefined && c.ctag !== null, `getctag on ${c.url}`);
  showLog(t, mark);

  // MKCALENDAR with a display name and both component types.
  mark = log.length;
  const calId = `ts-${randomUUID().slice(0, 8)}`;
  const calUrl = new URL(`${calId}/`, account.homeUrl).href;
  const made = await client.makeCalendar({
    url: calUrl,
    props: {
      'd:displayname': 'tsdav test',
      'c:supported-calendar-component-set': { 'c:comp': [{ _attributes: { name: 'VEVENT' } }, { _attributes: { name: 'VTODO' } }] },
    },
  });
  assert.ok(log.some((e) => e.method === 'MKCALENDAR' && e.status === 201), 'MKCALENDAR answered 201');
  assert.ok(made.every((r) => r.ok !== false || r.status === undefined), JSON.stringify(made));
  const afterMake = await client.fetchCalendars();
  const cal = afterMake.find((c) => new URL(c.url).pathname === `/calendars/alice/${calId}/`);
  assert.ok(cal, `new calendar listed: ${afterMake.map((c) => c.url).join(', ')}`);
  assert.equal(cal.displayName, 'tsdav test');
  assert.deepEqual([...(cal.components ?? [])].sort(), ['VEVENT', 'VTODO']);
  showLog(t, mark);

  // An event and a todo.
  mark = log.length;
  const uid = randomUUID();
  const todoUid = randomUUID();
  const put1 = await client.createCalendarObject({ calendar: cal, iCalString: vevent(uid, 'TS meeting'), filename: `${uid}.ics` });
  assert.equal(put1.status, 201);
  const put2 = await client.createCalendarObject({ calendar: cal, iCalString: vtodo(todoUid, 'TS task'), filename: `${todoUid}.ics` });
  assert.equal(put2.status, 201);
  // createCalendarObject sends If-None-Match: *, so creating the same name again must be refused.
  const again = await client.createCalendarObject({ calendar: cal, iCalString: vevent(uid, 'dup'), filename: `${uid}.ics` });
  assert.equal(again.status, 412);
  showLog(t, mark);

  // fetchCalendarObjects: calendar-query (VEVENT comp-filter) for hrefs, then calendar-multiget.
  mark = log.length;
  const events = await client.fetchCalendarObjects({ calendar: cal });
  assert.equal(events.length, 1, JSON.stringify(events));
  const ev = events[0]!;
  assert.match(ev.data as string, /SUMMARY:TS meeting/);
  assert.ok(ev.etag, 'etag from calendar-multiget');
  const sent = log.slice(mark);
  assert.ok(sent.some((e) => e.method === 'REPORT' && /calendar-query/.test(e.body)), 'tsdav sent a calendar-query');
  assert.ok(sent.some((e) => e.method === 'REPORT' && /calendar-multiget/.test(e.body)), 'tsdav sent a calendar-multiget');
  // With a time-range on the VEVENT comp-filter.
  const inRange = await client.fetchCalendarObjects({ calendar: cal, timeRange: { start: '2026-12-01T00:00:00Z', end: '2026-12-02T00:00:00Z' } });
  assert.equal(inRange.length, 1);
  const outOfRange = await client.fetchCalendarObjects({ calendar: cal, timeRange: { start: '2027-01-01T00:00:00Z', end: '2027-01-02T00:00:00Z' } });
  assert.equal(outOfRange.length, 0);
  assert.ok(log.slice(mark).some((e) => /time-range/.test(e.body)), 'tsdav sent a time-range filter');
  // The todo through a custom VTODO filter, and the event found by UID (prop-filter text-match).
  const todos = await client.fetchCalendarObjects({ calendar: cal, filters: todoFilter });
  assert.equal(todos.length, 1);
  assert.match(todos[0]!.data as string, /SUMMARY:TS task/);
  const byUid = await client.fetchCalendarObjects({
    calendar: cal,
    filters: [{ 'comp-filter': { _attributes: { name: 'VCALENDAR' }, 'comp-filter': { _attributes: { name: 'VEVENT' }, 'prop-filter': { _attributes: { name: 'UID' }, 'text-match': { _attributes: { collation: 'i;octet' }, _text: uid } } } } }],
  });
  assert.equal(byUid.length, 1);
  showLog(t, mark);

  // Update with the current ETag (If-Match), then a stale ETag must be refused with 412.
  mark = log.length;
  const updated: DAVCalendarObject = { ...ev, data: (ev.data as string).replace('TS meeting', 'TS meeting (moved)') };
  const up = await client.updateCalendarObject({ calendarObject: updated });
  assert.ok(up.status === 204 || up.status === 200 || up.status === 201, `update: ${up.status}`);
  const stale = await client.updateCalendarObject({ calendarObject: { ...updated, etag: ev.etag ?? '"x"' } });
  assert.equal(stale.status, 412, 'update with the old ETag');
  const [reread] = await client.fetchCalendarObjects({ calendar: cal, objectUrls: [ev.url] });
  assert.ok(reread);
  assert.match(reread.data as string, /TS meeting \(moved\)/);
  assert.notEqual(reread.etag, ev.etag);
  showLog(t, mark);

  // Delete: with the stale ETag refused, with the current one accepted.
  mark = log.length;
  const delStale = await client.deleteCalendarObject({ calendarObject: { ...reread, etag: ev.etag } });
  assert.equal(delStale.status, 412);
  const del = await client.deleteCalendarObject({ calendarObject: reread });
  assert.ok(del.status === 204 || del.status === 200, `delete: ${del.status}`);
  assert.equal((await client.fetchCalendarObjects({ calendar: cal })).length, 0);
  const listed = await client.fetchCalendars();
  assert.equal(listed.length, 3);
  showLog(t, mark);

  // Remove the calendar itself.
  const delCal = await client.deleteObject({ url: cal.url });
  assert.ok(delCal.status === 204 || delCal.status === 200, `DELETE calendar: ${delCal.status}`);
  assert.equal((await client.fetchCalendars()).length, 2);
  t.diagnostic('tsdav core scenario: all steps passed');
});

test('tsdav: syncCalendars and smartCollectionSync see created, changed and deleted objects', { timeout: 60_000 }, async (t) => {
  const client = new DAVClient({
    serverUrl: new URL('/', s.url).href,
    credentials: { username: 'alice', password: passwordOf('alice') },
    authMethod: 'Basic',
    defaultAccountType: 'caldav',
    fetch: loggingFetch,
  });
  await client.login();
  const home = client.account?.homeUrl ?? '';
  const calUrl = new URL('sync-test/', home).href;
  await client.makeCalendar({ url: calUrl, props: { 'd:displayname': 'sync test' } });

  const load = async (): Promise<DAVCalendar> => {
    const cals = await client.fetchCalendars();
    const c = cals.find((x) => x.url === calUrl);
    assert.ok(c, 'sync-test calendar listed');
    return { ...c, objects: await client.fetchCalendarObjects({ calendar: c }) };
  };
  const local = await load();
  assert.equal(local.objects?.length, 0);
  const advertisesSync = (local.reports ?? []).includes('syncCollection');
  t.diagnostic(`supported-report-set: ${(local.reports ?? []).join(', ')}; tsdav sync method: ${advertisesSync ? 'webdav (sync-collection)' : 'basic (getctag)'}`);

  // Server-side changes, made behind tsdav's back.
  const a = randomUUID();
  const b = randomUUID();
  const put = (name: string, body: string) =>
    s.request('PUT', `/calendars/alice/sync-test/${name}`, { body, headers: { 'content-type': 'text/calendar' } });
  assert.equal((await put(`${a}.ics`, vevent(a, 'first'))).status, 201);
  assert.equal((await put(`${b}.ics`, vevent(b, 'second'))).status, 201);

  // syncCalendars: the calendar's getctag changed, so it is 'updated' and its objects refreshed.
  let mark = log.length;
  const synced = await client.syncCalendarsDetailed({ oldCalendars: [local] });
  assert.equal(synced.created.length, 2, 'the two default calendars are new to this local list');
  assert.equal(synced.deleted.length, 0);
  const upd = synced.updated.find((c) => c.url === calUrl);
  assert.ok(upd, 'sync-test reported as updated (its ctag changed)');
  assert.equal(upd.objects?.length, 2);
  showLog(t, mark);

  // smartCollectionSync with getctag polling: nothing changed → same objects, no fetch.
  mark = log.length;
  const state: DAVCalendar = { ...upd, ctag: upd.ctag };
  const quiet = await client.smartCollectionSyncDetailed({ collection: { ...state, fetchObjects: (p?: { collection: DAVCalendar }) => client.fetchCalendarObjects({ calendar: p!.collection }) }, method: 'basic' });
  assert.deepEqual(quiet.objects, { created: [], updated: [], deleted: [] });
  assert.ok(!log.slice(mark).some((e) => e.method === 'REPORT'), 'an unchanged getctag means no REPORT');

  // One changed, one deleted, one added.
  const aObj = state.objects?.find((o) => o.url.endsWith(`${a}.ics`));
  assert.ok(aObj);
  assert.equal((await put(`${a}.ics`, vevent(a, 'first, changed'))).status, 204);
  assert.equal((await s.request('DELETE', `/calendars/alice/sync-test/${b}.ics`)).status, 204);
  const c = randomUUID();
  assert.equal((await put(`${c}.ics`, vevent(c, 'third'))).status, 201);
  mark = log.length;
  const changed = await client.smartCollectionSyncDetailed({ collection: { ...state, fetchObjects: (p?: { collection: DAVCalendar }) => client.fetchCalendarObjects({ calendar: p!.collection }) }, method: 'basic' });
  const objs = changed.objects;
  assert.deepEqual(objs.created.map((o) => o.url.split('/').pop()), [`${c}.ics`]);
  assert.deepEqual(objs.updated.map((o) => o.url.split('/').pop()), [`${a}.ics`]);
  assert.deepEqual(objs.deleted.map((o) => o.url.split('/').pop()), [`${b}.ics`]);
  assert.match(objs.updated[0]!.data as string, /first, changed/);
  assert.notEqual(changed.ctag, state.ctag);
  showLog(t, mark);

  if (advertisesSync) {
    // The server claims sync-collection (RFC 6578), so tsdav's webdav sync must work too: an
    // initial sync without a token, then a delta after one change and one deletion.
    mark = log.length;
    const multiGet = client.calendarMultiGet.bind(client);
    const initial = await client.smartCollectionSyncDetailed({ collection: { ...changed, objects: [], syncToken: '', objectMultiGet: multiGet }, method: 'webdav' });
    assert.deepEqual(initial.objects.created.map((o) => o.url.split('/').pop()).sort(), [`${a}.ics`, `${c}.ics`].sort());
    assert.ok(initial.syncToken, 'a sync-token after the initial sync');
    const current = await client.fetchCalendarObjects({ calendar: state });
    assert.equal((await put(`${c}.ics`, vevent(c, 'third, changed'))).status, 204);
    assert.equal((await s.request('DELETE', `/calendars/alice/sync-test/${a}.ics`)).status, 204);
    const delta = await client.smartCollectionSyncDetailed({ collection: { ...changed, objects: current, syncToken: initial.syncToken, objectMultiGet: multiGet }, method: 'webdav' });
    assert.deepEqual(delta.objects.created, []);
    assert.deepEqual(delta.objects.updated.map((o) => o.url.split('/').pop()), [`${c}.ics`]);
    assert.match(delta.objects.updated[0]!.data as string, /third, changed/);
    assert.deepEqual(delta.objects.deleted.map((o) => o.url.split('/').pop()), [`${a}.ics`]);
    assert.notEqual(delta.syncToken, initial.syncToken);
    const syncBodies = log.slice(mark).filter((e) => /sync-collection/.test(e.body));
    assert.equal(syncBodies.length, 2);
    assert.ok(syncBodies[1]!.body.includes(String(initial.syncToken)), 'the second sync sent the token');
    showLog(t, mark);
  }
});
