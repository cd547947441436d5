/**
 * SHA-256 of a string (as UTF-8), as `createHash('sha256').update(text).digest()` gives it.
 * Ids, key scopes and cache keys hash a few short strings per request; Node's one-shot
 * `crypto.hash` (20.12+) skips building a Hash object for each and is used where present.
 */
import * as crypto from 'node:crypto';

export const sha256: (text: string) => Buffer =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'buffer') : (text) => crypto.createHash('sha256').update(text).digest();
