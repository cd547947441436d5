/**
 * Secrets for sign-in links, sessions and CSRF tokens. Only SHA-256 hashes of link and session
 * secrets are stored, so reading the database (or a backup) signs nobody in.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: 256 bits, safe in URLs and cookies. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time string comparison (different lengths are unequal without a timing hint on content). */
export function secretsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Shape of a secret minted by `newSecret`; anything else is refused before touching the database. */
export const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
