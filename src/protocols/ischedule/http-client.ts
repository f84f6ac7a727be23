/**
 * A small HTTP(S) client for server-to-server requests: a hard timeout, a body limit, and host
 * names resolved through the configured DNS resolver (so tests and split-horizon set-ups can
 * name hosts only their resolver knows). A failure to connect throws `ConnectError`.
 */
import { request as httpReq, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsReq } from 'node:https';
import type { LookupFunction } from 'node:net';

export class ConnectError extends Error {}

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

interface Resolves {
  address(host: string): Promise<{ address: string; family: 4 | 6 }>;
}

const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

function lookupVia(discovery: Resolves): LookupFunction {
  return (hostname, options, callback) => {
    discovery.address(hostname).then(
      ({ address, family }) => {
        if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
        else callback(null, address, family);
      },
      (e: Error) => callback(Object.assign(e, { code: 'ENOTFOUND' }), '', 4),
    );
  };
}

function collect(res: IncomingMessage, resolve: (r: HttpResult) => void, reject: (e: Error) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (c: Buffer) => {
    size += c.length;
    if (size > MAX_RESPONSE_BYTES) res.destroy(new Error('the answer is too large'));
    else chunks.push(c);
  });
  res.on('end', () => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
  });
  res.on('error', reject);
}

export function httpRequest(url: URL, o: { method: string; headers?: Record<string, string>; body?: Buffer; timeoutMs: number; discovery: Resolves }): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const options: RequestOptions = {
      method: o.method, hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || undefined, path: `${url.pathname}${url.search}`,
      headers: { ...(o.headers ?? {}), ...(o.body ? { 'content-length': String(o.body.length) } : {}) }, lookup: lookupVia(o.discovery), timeout: o.timeoutMs,
    };
    const req = (url.protocol === 'https:' ? httpsReq : httpReq)(options, (res) => collect(res, resolve, reject));
    let connected = false;
    req.on('socket', (s) => s.once('connect', () => { connected = true; }));
    const timer = setTimeout(() => req.destroy(new ConnectError(`no answer from ${url.host} within ${o.timeoutMs} ms`)), o.timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (e) => reject(e instanceof ConnectError || !connected ? new ConnectError(`cannot reach ${url.host}: ${e.message}`) : e));
    req.end(o.body);
  });
}
