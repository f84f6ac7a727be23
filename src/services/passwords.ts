/**
 * Password hashing with argon2id (RFC 9106) via @node-rs/argon2, and a short-lived cache of
 * verified credentials so that a client's every request does not pay a hash (tens of ms by
 * design). The cache key is an HMAC of the credentials under a per-process random key; an entry
 * holds the user's credential version, so a password change or disabling drops it at once.
 */
import { hash, verify, Algorithm } from '@node-rs/argon2';
import { createHmac, randomBytes } from 'node:crypto';

export async function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

export function randomPassword(): string {
  return randomBytes(15).toString('base64url');
}

interface CacheEntry {
  userId: number;
  credentialVersion: number;
  expires: number;
}

export class CredentialCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, CacheEntry>();

  constructor(private readonly ttlMs = 5 * 60_000, private readonly maxEntries = 10_000) {}

  keyFor(name: string, password: string): string {
    return createHmac('sha256', this.key).update(name).update('\0').update(password).digest('base64url');
  }

  lookup(key: string, now: number): CacheEntry | undefined {
    const e = this.entries.get(key);
    if (e && e.expires > now) return e;
    if (e) this.entries.delete(key);
    return undefined;
  }

  remember(key: string, userId: number, credentialVersion: number, now: number): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { userId, credentialVersion, expires: now + this.ttlMs });
  }
}
