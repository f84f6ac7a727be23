/** Hostile and malformed requests answer 4xx with a message, never 500, and change nothing. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { ics, passwordOf, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer({ users: ['alice', 'bob'] });
  await s.request('PUT', '/calendars/alice/calendar/keep.ics', { body: ics('keep'), headers: { 'content-type': 'text/calendar' } });
});
after(() => s.stop());

/** Everything stored, as one comparable string. */
async function snapshot(): Promise<string> {
  return s.app.store.read(async (tx) => {
    const lines: string[] = [];
    for (const u of await tx.listUsers()) {
      for (const c of await tx.listCollectionsOwnedBy(u.id)) {
        lines.push(`${c.path} r${c.revision} ${JSON.stringify(await tx.getProperties(c.id, ''))}`);
        for (const o of await tx.listObjects(c.id)) lines.push(`${c.path}${o.name} ${o.etag}`);
      }
    }
    return lines.join('\n');
  });
}

/** A raw request: the path is sent exactly as given (fetch would normalise '..'). */
function raw(method: string, path: string, headers: Record<string, string> = {}, body: string | Buffer = ''): Promise<{ status: number; text: string }> {
  const url = new URL(s.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: {
      authorization: `Basic ${Buffer.from(`alice:${passwordOf('alice')}`).toString('base64')}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const PF = (inner: string): string => `<?xml version="1.0"?>${inner}`;
const cases: [string, () => Promise<{ status: number; text: string }>, number][] = [
  ['XXE entity in PROPFIND', () => raw('PROPFIND', '/calendars/alice/', { depth: '0' }, PF('<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&x;</d:displayname></d:prop></d:propfind>')), 400],
  ['billion laughs in PROPPATCH', () => raw('PROPPATCH', '/calendars/alice/calendar/', {}, PF('<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>&c;</d:displayname></d:prop></d:set></d:propertyupdate>')), 400],
  ['malformed XML', () => raw('PROPFIND', '/calendars/alice/', { depth: '0' }, '<d:propfind xmlns:d="DAV:"><d:prop>'), 400],
  ['undeclared namespace prefix', () => raw('PROPFIND', '/calendars/alice/', { depth: '0' }, '<x:propfind><x:prop/></x:propfind>'), 400],
  ['wrong root element for PROPFIND', () => raw('PROPFIND', '/calendars/alice/', { depth: '0' }, '<d:nonsense xmlns:d="DAV:"/>'), 400],
  ['PROPPATCH without a body', () => raw('PROPPATCH', '/calendars/alice/calendar/'), 400],
  ['PROPPATCH with set but no prop', () => raw('PROPPATCH', '/calendars/alice/calendar/', {}, '<d:propertyupdate xmlns:d="DAV:"><d:set/></d:propertyupdate>'), 400],
  ['a bad Depth header', () => raw('PROPFIND', '/calendars/alice/', { depth: 'deep' }), 400],
  ['dot-dot path traversal', () => raw('GET', '/calendars/alice/../bob/calendar/'), 400],
  ['encoded dot-dot traversal', () => raw('GET', '/calendars/alice/%2e%2e/bob/'), 400],
  ['an encoded slash', () => raw('GET', '/calendars/alice/calendar%2F..%2F..%2Fbob/'), 400],
  ['a NUL byte in the path', () => raw('PUT', '/calendars/alice/calendar/a%00.ics', { 'content-type': 'text/calendar' }, ics('nul')), 400],
  ['an invalid percent-encoding', () => raw('GET', '/calendars/alice/%E0%A4%A'), 400],
  ['a method the server does not implement', () => raw('SEARCH', '/calendars/alice/'), 501],
  ['LOCK (class 2 is not offered)', () => raw('LOCK', '/calendars/alice/calendar/keep.ics'), 405],
  ['PUT with Content-Range', () => raw('PUT', '/calendars/alice/calendar/keep.ics', { 'content-type': 'text/calendar', 'content-range': 'bytes 0-5/10' }, ics('keep')), 400],
  ['PUT of garbage into a calendar', () => raw('PUT', '/calendars/alice/calendar/g.ics', { 'content-type': 'text/calendar' }, '\u0000\u0001garbage'), 403],
  ['PUT of non-UTF-8 bytes', () => raw('PUT', '/calendars/alice/calendar/latin.ics', { 'content-type': 'text/calendar' }, Buffer.from(ics('latin').replace('Test', 'T\u00e9st'), 'latin1')), 403],
  ['PUT onto a collection', () => raw('PUT', '/calendars/alice/calendar/', { 'content-type': 'text/calendar' }, ics('coll')), 405],
  ['PUT with no parent collection', () => raw('PUT', '/calendars/alice/nowhere/x.ics', { 'content-type': 'text/calendar' }, ics('x')), 409],
  ['MOVE without Destination', () => raw('MOVE', '/calendars/alice/calendar/keep.ics'), 400],
  ["MOVE into another user's calendar", () => raw('MOVE', '/calendars/alice/calendar/keep.ics', { destination: `${s.url}/calendars/bob/calendar/keep.ics` }), 403],
  ['MOVE with a bad Overwrite', () => raw('MOVE', '/calendars/alice/calendar/keep.ics', { destination: `${s.url}/calendars/alice/calendar/k2.ics`, overwrite: 'maybe' }), 400],
  ['COPY of a collection into itself', () => raw('COPY', '/calendars/alice/calendar/', { destination: `${s.url}/calendars/alice/calendar/inner/` }), 403],
  ['DELETE of the calendar home', () => raw('DELETE', '/calendars/alice/'), 403],
  ['MKCOL inside a calendar', () => raw('MKCOL', '/calendars/alice/calendar/sub/'), 403],
  ['MKCOL outside any home', () => raw('MKCOL', '/elsewhere/'), 403],
  ['a REPORT without a body', () => raw('REPORT', '/calendars/alice/calendar/'), 400],
  ['a calendar-query with an invalid filter', () => raw('REPORT', '/calendars/alice/calendar/', { depth: '1' }, '<c:calendar-query xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:d="DAV:"><d:prop/><c:filter><c:comp-filter name="VEVENT"/></c:filter></c:calendar-query>'), 403],
  ['a time-range that is not UTC', () => raw('REPORT', '/calendars/alice/calendar/', { depth: '1' }, '<c:calendar-query xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:d="DAV:"><d:prop/><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="yesterday"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>'), 403],
  ['an unsupported collation', () => raw('REPORT', '/calendars/alice/calendar/', { depth: '1' }, '<c:calendar-query xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:d="DAV:"><d:prop/><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:prop-filter name="SUMMARY"><c:text-match collation="i;klingon">x</c:text-match></c:prop-filter></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>'), 403],
];

for (const [name, send, expected] of cases) {
  test(`hostile: ${name} answers ${expected} and changes nothing`, async () => {
    const before = await snapshot();
    const res = await send();
    assert.equal(res.status, expected, res.text);
    assert.ok(res.text.length > 0, 'the answer explains itself');
    assert.equal(await snapshot(), before);
  });
}

test('hostile: headers larger than the limit answer 431', async () => {
  const res = await raw('GET', '/calendars/alice/', { 'x-junk': 'x'.repeat(70_000) }).catch(() => ({ status: 431, text: 'closed' }));
  assert.equal(res.status, 431);
});

test('hostile: a body larger than the limit answers 413 without storing anything', async () => {
  const small = await startTestServer({ users: ['zed'], flags: { maxRequestBytes: 2048 } });
  try {
    const res = await small.request('PUT', '/calendars/zed/calendar/big.ics', { body: 'x'.repeat(10_000), headers: { 'content-type': 'text/calendar' } });
    assert.equal(res.status, 413);
    assert.equal((await small.request('GET', '/calendars/zed/calendar/big.ics')).status, 404);
  } finally {
    await small.stop();
  }
});

test('hostile: unknown namespaces in PROPFIND are answered 404 per property, not an error', async () => {
  const res = await raw('PROPFIND', '/calendars/alice/', { depth: '0' }, '<d:propfind xmlns:d="DAV:" xmlns:z="urn:zzz"><d:prop><z:whatever/><d:displayname/></d:prop></d:propfind>');
  assert.equal(res.status, 207);
  assert.match(res.text, /<x\d+:whatever xmlns:x\d+="urn:zzz"\/>.*?<d:status>HTTP\/1.1 404/);
});
