/**
 * A simulated prompt cache: entries keyed by a hash of (key scope, model, prefix up to a
 * breakpoint), each with its TTL, refreshed on a hit. Prefixes shorter than the model's minimum
 * are silently not cached, as on the API.
 */
import { createHash } from 'node:crypto';
import type { CacheTtl, Segment } from './prompt.ts';
import { REQUEST_OVERHEAD } from './tokens.ts';

const TTL_MS: Record<CacheTtl, number> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };
/** Bounded so a long-running stand-in cannot grow without limit; oldest entries go first. */
const MAX_ENTRIES = 200_000;

export type CacheUsage = {
  input: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
};

export class PromptCache {
  private readonly entries = new Map<string, { expiresAt: number; ttl: CacheTtl }>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Account one request: the longest live cached prefix is read; every later breakpoint whose
   * prefix is long enough is written, its tokens attributed to that breakpoint's TTL.
   * `dryRun` computes the split without touching the cache (count_tokens, rejected requests).
   */
  apply(scope: string, model: string, minTokens: number, segments: readonly Segment[], options: { dryRun?: boolean } = {}): CacheUsage {
    const now = this.now();
    const breakpoints: { hash: string; tokens: number; ttl: CacheTtl }[] = [];
    const hash = createHash('sha256').update(`${scope}\0${model}`);
    let tokens = REQUEST_OVERHEAD;
    for (const segment of segments) {
      hash.update('\0').update(segment.key);
      tokens += segment.tokens;
      if (segment.breakpoint) breakpoints.push({ hash: hash.copy().digest('base64url'), tokens, ttl: segment.breakpoint });
    }
    const total = tokens;

    let readUpTo = 0;
    let hitIndex = -1;
    for (let i = breakpoints.length - 1; i >= 0; i--) {
      const bp = breakpoints[i];
      const entry = bp && this.entries.get(bp.hash);
      if (bp && entry && entry.expiresAt > now) {
        readUpTo = bp.tokens;
        hitIndex = i;
        if (!options.dryRun) entry.expiresAt = now + TTL_MS[entry.ttl];
        break;
      }
    }

    let covered = readUpTo;
    const writes: Record<CacheTtl, number> = { '5m': 0, '1h': 0 };
    for (const bp of breakpoints.slice(hitIndex + 1)) {
      if (bp.tokens < minTokens || bp.tokens <= covered) continue;
      writes[bp.ttl] += bp.tokens - covered;
      covered = bp.tokens;
      if (!options.dryRun) this.store(bp.hash, bp.ttl, now);
    }
    return {
      input: total - readUpTo - writes['5m'] - writes['1h'],
      cacheRead: readUpTo,
      cacheWrite5m: writes['5m'],
      cacheWrite1h: writes['1h'],
    };
  }

  private store(hash: string, ttl: CacheTtl, now: number): void {
    this.entries.delete(hash);
    this.entries.set(hash, { expiresAt: now + TTL_MS[ttl], ttl });
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}
