/**
 * DKIM for HTTP requests, as iSchedule uses it (draft-desruisseaux-ischedule-05 §7; RFC 6376):
 * an rsa-sha256 signature over the listed request headers (relaxed canonicalization, RFC 6376
 * §3.4.2), the body hash (bh=, simple body canonicalization §3.4.3), the request method and path
 * (the draft's `http=` tag) and the DKIM-Signature header itself with an empty b=. The signing
 * time t= and expiry x= bound the window in which a captured request could be replayed.
 */
import { createHash, createSign, createVerify } from 'node:crypto';

/** Headers every iSchedule request signs (§7.1: at least Originator, Recipient and Content-Type). */
export const SIGNED_HEADERS = ['Originator', 'Recipient', 'Content-Type', 'iSchedule-Version', 'iSchedule-Message-ID'];
/** How long a signature stays valid after it was made, and how far clocks may disagree. */
export const SIGNATURE_LIFETIME_S = 300;
export const CLOCK_SKEW_S = 300;

export interface SignInput {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  domain: string;
  selector: string;
  privateKeyPem: string;
  /** Milliseconds since the epoch. */
  now: number;
  lifetimeS?: number;
}

export type Verdict = { ok: true; domain: string; selector: string } | { ok: false; reason: string };

const relaxedHeader = (name: string, value: string): string => `${name.toLowerCase()}:${value.replace(/\r?\n[ \t]+/g, ' ').replace(/[ \t]+/g, ' ').trim()}`;

/** RFC 6376 §3.4.3 simple body canonicalization: trailing empty lines reduced to one CRLF. */
function bodyHash(body: Buffer): string {
  const text = body.toString('latin1').replace(/(\r\n)*$/, '') + '\r\n';
  return createHash('sha256').update(Buffer.from(text, 'latin1')).digest('base64');
}

export function parseTags(value: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of value.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) tags.set(part.slice(0, i).trim(), part.slice(i + 1).replace(/\s+/g, ''));
  }
  return tags;
}

function signedData(headers: Record<string, string | undefined>, names: string[], signatureWithoutB: string): string {
  const lines = names.map((n) => `${relaxedHeader(n, headers[n.toLowerCase()] ?? '')}\r\n`);
  return lines.join('') + relaxedHeader('DKIM-Signature', signatureWithoutB);
}

const lower = (h: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

/** The DKIM-Signature header value for a request. */
export function signRequest(s: SignInput): string {
  const t = Math.floor(s.now / 1000);
  const tags = [
    'v=1', 'a=rsa-sha256', `d=${s.domain}`, `s=${s.selector}`, 'c=relaxed/simple', 'q=dns/txt:http/well-known',
    `http=${Buffer.from(`${s.method.toUpperCase()}:${s.path}`).toString('base64')}`, `t=${t}`, `x=${t + (s.lifetimeS ?? SIGNATURE_LIFETIME_S)}`,
    `h=${SIGNED_HEADERS.join(':')}`, `bh=${bodyHash(s.body)}`, 'b=',
  ];
  const unsigned = tags.join('; ');
  const signer = createSign('RSA-SHA256');
  signer.update(signedData(lower(s.headers), SIGNED_HEADERS, unsigned));
  return unsigned + signer.sign(s.privateKeyPem, 'base64');
}

/** Checks the parts of a signature that need no key: version, algorithm, coverage, time, body, method and path. */
export function checkSignature(req: { method: string; path: string; headers: Record<string, string | undefined>; body: Buffer }, now: number): Verdict {
  const tags = parseTags(req.headers['dkim-signature'] ?? '');
  const d = tags.get('d')?.toLowerCase();
  const sel = tags.get('s');
  if (!d || !sel || !tags.get('b') || !tags.get('bh') || !tags.get('h')) return { ok: false, reason: 'no complete DKIM-Signature (d=, s=, h=, bh=, b=)' };
  if (tags.get('v') !== '1' || tags.get('a') !== 'rsa-sha256') return { ok: false, reason: 'only DKIM v=1 with a=rsa-sha256 is accepted' };
  const signed = (tags.get('h') ?? '').split(':').map((h) => h.toLowerCase());
  for (const h of ['originator', 'recipient', 'content-type', 'ischedule-message-id']) if (!signed.includes(h)) return { ok: false, reason: `the signature does not cover ${h}` };
  const http = tags.get('http');
  if (http !== undefined && Buffer.from(http, 'base64').toString() !== `${req.method.toUpperCase()}:${req.path}`) return { ok: false, reason: 'the signature was made for another method or path' };
  const t = Number(tags.get('t'));
  const x = tags.has('x') ? Number(tags.get('x')) : t + SIGNATURE_LIFETIME_S;
  const nowS = now / 1000;
  if (!Number.isFinite(t) || t > nowS + CLOCK_SKEW_S || nowS - t > SIGNATURE_LIFETIME_S + CLOCK_SKEW_S) return { ok: false, reason: 'the signature time (t=) is outside the accepted window' };
  if (!Number.isFinite(x) || x + CLOCK_SKEW_S < nowS) return { ok: false, reason: 'the signature has expired (x=)' };
  if (tags.get('bh') !== bodyHash(req.body)) return { ok: false, reason: 'the body hash (bh=) does not match the body' };
  return { ok: true, domain: d, selector: sel };
}

/** Verifies the RSA signature itself with the signer's public key. */
export function verifySignature(headers: Record<string, string | undefined>, publicKeyPem: string): boolean {
  const value = headers['dkim-signature'] ?? '';
  const tags = parseTags(value);
  const unsigned = value.replace(/(^|;)(\s*b\s*=)[^;]*/, '$1$2');
  const verifier = createVerify('RSA-SHA256');
  verifier.update(signedData(headers, (tags.get('h') ?? '').split(':'), unsigned));
  try {
    return verifier.verify(publicKeyPem, tags.get('b') ?? '', 'base64');
  } catch {
    return false;
  }
}
