/** --base-url (reverse proxy) and --tls-cert/--tls-key (HTTPS) change what clients see. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer } from '../helpers/server.js';

test('behind a proxy every href carries the public base path, with or without the prefix on requests', async () => {
  const s = await startTestServer({ users: ['alice'], flags: { baseUrl: 'https://cal.example.test/dav/' } });
  try {
    // The listener is reached directly here; the public URL only shapes hrefs.
    const direct = await fetch(`http://127.0.0.1:${s.http.port}/dav/principals/users/alice/`, {
      method: 'PROPFIND', headers: { depth: '0', authorization: `Basic ${Buffer.from('alice:secret-alice').toString('base64')}` },
      body: '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-home-set/><d:current-user-principal/></d:prop></d:propfind>',
    });
    const text = await direct.text();
    assert.equal(direct.status, 207);
    assert.match(text, /<d:href>\/dav\/principals\/users\/alice\/<\/d:href>/);
    assert.match(text, /<cal:calendar-home-set><d:href>\/dav\/calendars\/alice\/<\/d:href>/);
    const stripped = await fetch(`http://127.0.0.1:${s.http.port}/calendars/alice/`, {
      method: 'PROPFIND', headers: { depth: '0', authorization: `Basic ${Buffer.from('alice:secret-alice').toString('base64')}` },
    });
    assert.equal(stripped.status, 207);
    assert.match(await stripped.text(), /<d:href>\/dav\/calendars\/alice\/<\/d:href>/);
    const wellKnown = await fetch(`http://127.0.0.1:${s.http.port}/.well-known/caldav`, { redirect: 'manual' });
    assert.equal(wellKnown.headers.get('location'), '/dav/');
  } finally {
    await s.stop();
  }
});

test('with a certificate and key the server speaks HTTPS', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'reefknot-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { encoding: 'utf8' });
  if (made.status !== 0) {
    if (process.env.CI) assert.fail(`openssl is needed for this test: ${made.stderr}`);
    t.skip('openssl is not installed');
    return;
  }
  const s = await startTestServer({ users: ['alice'], flags: { tlsCert: cert, tlsKey: key } });
  try {
    assert.match(s.url, /^https:\/\//);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${s.url}/`, { method: 'PROPFIND', rejectUnauthorized: false, headers: { depth: '0', authorization: `Basic ${Buffer.from('alice:secret-alice').toString('base64')}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 207);
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('/healthz answers without credentials; /metrics gives Prometheus figures to local clients', async () => {
  const s = await startTestServer({ users: ['alice'] });
  try {
    const health = await fetch(`${s.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
    await s.request('PROPFIND', '/calendars/alice/', { headers: { depth: '0' } });
    const metrics = await fetch(`${s.url}/metrics`);
    assert.equal(metrics.status, 200);
    const text = await metrics.text();
    assert.match(text, /reefknot_http_requests_total\{method="PROPFIND",status="207"\} 1/);
    assert.match(text, /reefknot_deliveries\{status="pending"\} 0/);
    assert.match(text, /reefknot_uptime_seconds \d+/);
  } finally {
    await s.stop();
  }
});
