/**
 * The `anthropic-ratelimit-*` response headers, parsed. Every Messages API response (429s
 * included) reports the organization's per-minute limits and what is left of them; the fleet's
 * provider limiter (src/budget/rate-limit.ts) reads its capacities from here and the adaptive
 * concurrency controller reads how close the fleet runs to them.
 */
import { z } from 'zod';

/** One bucket as the API reported it; a header that was missing or unreadable stays `undefined`. */
export type RateLimitBucket = { limit?: number | undefined; remaining?: number | undefined };

/** The per-minute buckets of one response: requests, uncached input tokens, output tokens. */
export type RateLimitSnapshot = {
  requests: RateLimitBucket;
  inputTokens: RateLimitBucket;
  outputTokens: RateLimitBucket;
};

/** Response headers as a `Headers` (fetch, SDK errors) or a plain record (node:http, tests). */
export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | number | null | undefined>>;

/** Header names of each bucket's limit and remaining, built once (this runs on every call). */
const NAMES = (['requests', 'input-tokens', 'output-tokens'] as const).map((stem) => [
  `anthropic-ratelimit-${stem}-limit`,
  `anthropic-ratelimit-${stem}-remaining`,
]) as Array<[string, string]>;

/**
 * A header value is a boundary input (a proxy or an "Anthropic-compatible" server may send
 * anything): only a plain non-negative decimal counts. `Number('')` is 0 and `Number('-1')` is
 * negative, either of which would stall a bucket. A bare regex schema: trim/transform steps
 * doubled the cost, and this runs six times per model call.
 */
const HeaderCount = z.string().regex(/^\s*\d+(?:\.\d+)?\s*$/);

function count(raw: string | null | undefined): number | undefined {
  if (raw == null) return undefined;
  if (!HeaderCount.safeParse(raw).success) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

type Read = (name: string) => string | null | undefined;

function recordReader(source: Exclude<HeaderSource, Headers>): Read {
  let lowered: Map<string, string> | undefined;
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' ? value
    : typeof value === 'number' ? String(value)
    : Array.isArray(value) && typeof value[0] === 'string' ? value[0]
    : undefined;
  return (name) => {
    const exact = text(source[name]);
    if (exact !== undefined) return exact;
    // Node lower-cases incoming header names, hand-written records may not.
    lowered ??= new Map(
      Object.entries(source).flatMap(([k, v]) => {
        const t = text(v);
        return t === undefined ? [] : [[k.toLowerCase(), t] as const];
      }),
    );
    return lowered.get(name);
  };
}

/**
 * Parse the rate-limit headers of one response. `undefined` when the response carries none of
 * them (a proxy that strips them, a scripted test fetch), so callers can tell "no information"
 * from "limits unknown".
 */
export function parseRateLimitHeaders(source: HeaderSource | null | undefined): RateLimitSnapshot | undefined {
  if (source == null) return undefined;
  const read: Read = source instanceof Headers ? (name) => source.get(name) : recordReader(source);
  let seen = false;
  const buckets = NAMES.map(([limitName, remainingName]): RateLimitBucket => {
    const limit = count(read(limitName));
    const remaining = count(read(remainingName));
    if (limit !== undefined || remaining !== undefined) seen = true;
    return { limit, remaining };
  }) as [RateLimitBucket, RateLimitBucket, RateLimitBucket];
  return seen ? { requests: buckets[0], inputTokens: buckets[1], outputTokens: buckets[2] } : undefined;
}

/**
 * The smallest `remaining / limit` over the buckets that report both (0–1): how much headroom
 * the tightest limit has left. `undefined` when no bucket reports both.
 */
export function remainingFraction(snapshot: RateLimitSnapshot | undefined): number | undefined {
  if (!snapshot) return undefined;
  let min: number | undefined;
  for (const b of [snapshot.requests, snapshot.inputTokens, snapshot.outputTokens]) {
    if (b.limit === undefined || b.remaining === undefined || b.limit <= 0) continue;
    const fraction = Math.min(1, b.remaining / b.limit);
    if (min === undefined || fraction < min) min = fraction;
  }
  return min;
}
