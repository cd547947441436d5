/**
 * A simulated prompt cache: entries keyed by a hash of (key scope, model, prefix up to a
 * breakpoint), each with its TTL, refreshed on a hit. Prefixes shorter than the model's minimum
 * are silently not cached, as on the API.
 */
import { createHash } from 'node:crypto';
import { sha256 } from './digest.ts';
import type { CacheTtl, Segment } from './prompt.ts';
import { TextMemo } from './text-memo.ts';
import { REQUEST_OVERHEAD } from './tokens.ts';

const TTL_MS: Record<CacheTtl, number> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };
/** Bounded so a long-running stand-in cannot grow without limit; oldest entries go first. */
const MAX_ENTRIES = 200_000;
/** Segment keys whose digests are remembered: long ones only, a bounded number and size per kind. */
const MEMO_MIN_CHARS = 256;
const MEMO_ENTRIES = 256;
const MEMO_CHARS = 4 * 1024 * 1024;
/** Prefix chains remembered (each a few digests and hashes). */
const MAX_CHAINS = 16;

export type CacheUsage = {
  input: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
};

/** A prompt's breakpoints, hashed once and then previewed (before admission) and charged. */
export type HashedPrompt = {
  readonly total: number;
  readonly breakpoints: readonly { hash: string; tokens: number; ttl: CacheTtl }[];
};

export class PromptCache {
  private readonly entries = new Map<string, { expiresAt: number; ttl: CacheTtl }>();
  /** Segment digests by kind (`tool`, `format`, `system`, a role), then body. */
  private readonly digests = new Map<string, TextMemo<Buffer>>();
  /** Recently hashed prefixes, newest first (a handful of system prompts per fleet). */
  private readonly chains: { scope: string; model: string; digests: readonly Buffer[]; hashes: Map<number, string> }[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Hashes every breakpoint's prefix. Segments after the last breakpoint are never part of a
   * prefix, so only their tokens are counted (their keys are not even built).
   */
  hash(scope: string, model: string, segments: readonly Segment[]): HashedPrompt {
    let last = -1;
    let total = REQUEST_OVERHEAD;
    segments.forEach((segment, i) => {
      total += segment.tokens;
      if (segment.breakpoint) last = i;
    });
    const breakpoints: { hash: string; tokens: number; ttl: CacheTtl }[] = [];
    if (last < 0) return { total, breakpoints };
    // A prefix is identified by the digests of its segments (fixed length, so the sequence is
    // unambiguous), which lets a repeated segment skip hashing: see `segmentDigest`.
    const digests: Buffer[] = [];
    for (let i = 0; i <= last; i++) {
      const segment = segments[i] as Segment;
      digests.push(this.segmentDigest(segment.kind, segment.body()));
    }
    const prefixes = this.prefixHashes(scope, model, digests, segments);
    let tokens = REQUEST_OVERHEAD;
    for (let i = 0; i <= last; i++) {
      const segment = segments[i] as Segment;
      tokens += segment.tokens;
      if (segment.breakpoint) breakpoints.push({ hash: prefixes.get(i) as string, tokens, ttl: segment.breakpoint });
    }
    return { total, breakpoints };
  }

  /**
   * The prefix hash at every breakpoint index. Remembered digests are the same Buffer objects
   * from call to call, so a prompt whose segments all repeat is recognised by identity and its
   * prefix hashes reused; anything else is hashed.
   */
  private prefixHashes(scope: string, model: string, digests: readonly Buffer[], segments: readonly Segment[]): ReadonlyMap<number, string> {
    const known = this.chains.find(
      (c) => c.scope === scope && c.model === model && c.digests.length === digests.length && c.digests.every((d, i) => d === digests[i]) && breakpointsAt(segments, digests.length).every((i) => c.hashes.has(i)),
    );
    if (known) return known.hashes;
    const hashes = new Map<number, string>();
    const hash = createHash('sha256').update(`${scope}\0${model}\0`);
    digests.forEach((digest, i) => {
      hash.update(digest);
      if (segments[i]?.breakpoint) hashes.set(i, hash.copy().digest('base64url'));
    });
    this.chains.unshift({ scope, model, digests, hashes });
    if (this.chains.length > MAX_CHAINS) this.chains.pop();
    return hashes;
  }

  /**
   * SHA-256 of one segment key, `kind:body`. System prompts, schemas and tool definitions repeat
   * on nearly every call and are kilobytes long, so their digests are remembered (per kind, by
   * body); short keys are cheaper to hash than to look up.
   */
  private segmentDigest(kind: string, body: string): Buffer {
    if (body.length < MEMO_MIN_CHARS) return sha256(`${kind}:${body}`);
    let memo = this.digests.get(kind);
    if (!memo) {
      memo = new TextMemo<Buffer>(MEMO_ENTRIES, MEMO_CHARS);
      this.digests.set(kind, memo);
    }
    let digest = memo.get(body);
    if (!digest) {
      digest = sha256(`${kind}:${body}`);
      memo.set(body, digest);
    }
    return digest;
  }

  /**
   * Account one request: the longest live cached prefix is read; every later breakpoint whose
   * prefix is long enough is written, its tokens attributed to that breakpoint's TTL.
   * `dryRun` computes the split without touching the cache (rate-limit admission previews it).
   */
  apply(prompt: HashedPrompt, minTokens: number, options: { dryRun?: boolean } = {}): CacheUsage {
    const now = this.now();
    const { breakpoints, total } = prompt;

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

/** Indices of the segments below `count` that carry a breakpoint. */
function breakpointsAt(segments: readonly Segment[], count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (segments[i]?.breakpoint) out.push(i);
  return out;
}
