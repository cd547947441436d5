/**
 * Continuously refilling token buckets for requests, input tokens and output tokens per minute,
 * shared by every caller of one stand-in (one simulated organization). Every response carries
 * the `anthropic-ratelimit-*` headers; a request that does not fit is refused with 429 and the
 * exact `retry-after` the buckets imply.
 */
export type Limits = { rpm: number; itpm: number; otpm: number };
export type Demand = { requests: number; inputTokens: number; outputTokens: number };
export type Admission = { ok: true } | { ok: false; retryAfterMs: number; limit: 'requests' | 'input_tokens' | 'output_tokens' };

type Bucket = { capacity: number; level: number };

export class RateLimiter {
  private readonly buckets: Record<keyof Demand, Bucket>;
  private updatedAt: number;

  constructor(
    private readonly limits: Limits,
    private readonly now: () => number = Date.now,
  ) {
    this.buckets = {
      requests: { capacity: limits.rpm, level: limits.rpm },
      inputTokens: { capacity: limits.itpm, level: limits.itpm },
      outputTokens: { capacity: limits.otpm, level: limits.otpm },
    };
    this.updatedAt = now();
  }

  /** Takes the demand from every bucket, or nothing if any bucket is short. */
  admit(demand: Demand): Admission {
    this.refill();
    let wait = 0;
    let limit: 'requests' | 'input_tokens' | 'output_tokens' = 'requests';
    for (const key of ['requests', 'inputTokens', 'outputTokens'] as const) {
      const bucket = this.buckets[key];
      // A single request larger than the whole bucket is admitted from a full bucket (and
      // leaves it in debt); otherwise it could never run.
      const need = Math.min(demand[key], bucket.capacity);
      if (bucket.level < need) {
        const ms = ((need - bucket.level) / bucket.capacity) * 60_000;
        if (ms > wait) {
          wait = ms;
          limit = key === 'requests' ? 'requests' : key === 'inputTokens' ? 'input_tokens' : 'output_tokens';
        }
      }
    }
    if (wait > 0) return { ok: false, retryAfterMs: Math.ceil(wait), limit };
    for (const key of ['requests', 'inputTokens', 'outputTokens'] as const) this.buckets[key].level -= demand[key];
    return { ok: true };
  }

  /** The `anthropic-ratelimit-*` headers describing the buckets now. */
  headers(): Record<string, string> {
    this.refill();
    const now = this.now();
    const reset = (b: Bucket) => new Date(now + Math.max(0, ((b.capacity - b.level) / b.capacity) * 60_000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const { requests, inputTokens, outputTokens } = this.buckets;
    const remaining = (b: Bucket) => String(Math.max(0, Math.floor(b.level)));
    const tokensReset = [inputTokens, outputTokens].map(reset).sort().at(-1) ?? reset(inputTokens);
    return {
      'anthropic-ratelimit-requests-limit': String(this.limits.rpm),
      'anthropic-ratelimit-requests-remaining': remaining(requests),
      'anthropic-ratelimit-requests-reset': reset(requests),
      'anthropic-ratelimit-input-tokens-limit': String(this.limits.itpm),
      'anthropic-ratelimit-input-tokens-remaining': remaining(inputTokens),
      'anthropic-ratelimit-input-tokens-reset': reset(inputTokens),
      'anthropic-ratelimit-output-tokens-limit': String(this.limits.otpm),
      'anthropic-ratelimit-output-tokens-remaining': remaining(outputTokens),
      'anthropic-ratelimit-output-tokens-reset': reset(outputTokens),
      // The combined header reports the most restrictive of the token limits, as the API does.
      'anthropic-ratelimit-tokens-limit': String(Math.min(this.limits.itpm, this.limits.otpm)),
      'anthropic-ratelimit-tokens-remaining': String(Math.max(0, Math.floor(Math.min(inputTokens.level, outputTokens.level)))),
      'anthropic-ratelimit-tokens-reset': tokensReset,
    };
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.updatedAt);
    this.updatedAt = now;
    for (const bucket of Object.values(this.buckets)) {
      bucket.level = Math.min(bucket.capacity, bucket.level + (bucket.capacity * elapsed) / 60_000);
    }
  }
}
