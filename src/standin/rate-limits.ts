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
  private readonly limitTexts: { rpm: string; itpm: string; otpm: string; tokens: string };
  /** Formatted reset times by epoch second; a handful of seconds are live at any time. */
  private readonly isoSeconds = new Map<number, string>();

  constructor(
    limits: Limits,
    private readonly now: () => number = Date.now,
  ) {
    this.buckets = {
      requests: { capacity: limits.rpm, level: limits.rpm },
      inputTokens: { capacity: limits.itpm, level: limits.itpm },
      outputTokens: { capacity: limits.otpm, level: limits.otpm },
    };
    this.updatedAt = now();
    this.limitTexts = { rpm: String(limits.rpm), itpm: String(limits.itpm), otpm: String(limits.otpm), tokens: String(Math.min(limits.itpm, limits.otpm)) };
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

  /** The `anthropic-ratelimit-*` headers describing the buckets now (asked twice per request). */
  headers(): Record<string, string> {
    this.refill();
    const now = this.now();
    const { requests, inputTokens, outputTokens } = this.buckets;
    const inputReset = this.reset(now, inputTokens);
    const outputReset = this.reset(now, outputTokens);
    const limits = this.limitTexts;
    return {
      'anthropic-ratelimit-requests-limit': limits.rpm,
      'anthropic-ratelimit-requests-remaining': remaining(requests.level),
      'anthropic-ratelimit-requests-reset': this.reset(now, requests),
      'anthropic-ratelimit-input-tokens-limit': limits.itpm,
      'anthropic-ratelimit-input-tokens-remaining': remaining(inputTokens.level),
      'anthropic-ratelimit-input-tokens-reset': inputReset,
      'anthropic-ratelimit-output-tokens-limit': limits.otpm,
      'anthropic-ratelimit-output-tokens-remaining': remaining(outputTokens.level),
      'anthropic-ratelimit-output-tokens-reset': outputReset,
      // The combined header reports the most restrictive of the token limits, as the API does.
      'anthropic-ratelimit-tokens-limit': limits.tokens,
      'anthropic-ratelimit-tokens-remaining': remaining(Math.min(inputTokens.level, outputTokens.level)),
      // The later of the two resets: the greater string, as sorting the pair and taking the last did.
      'anthropic-ratelimit-tokens-reset': inputReset > outputReset ? inputReset : outputReset,
    };
  }

  /** When the bucket will be full again, as an ISO date-time to the second. */
  private reset(now: number, b: Bucket): string {
    const at = now + Math.max(0, ((b.capacity - b.level) / b.capacity) * 60_000);
    // A Date holds whole milliseconds (truncated); the header drops them, so it changes once a
    // second. Formatting a Date for every header of every response was a visible share of CPU.
    const second = Math.floor(Math.trunc(at) / 1000);
    let text = this.isoSeconds.get(second);
    if (text === undefined) {
      text = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
      if (this.isoSeconds.size >= 16) this.isoSeconds.clear();
      this.isoSeconds.set(second, text);
    }
    return text;
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.updatedAt);
    this.updatedAt = now;
    const { requests, inputTokens, outputTokens } = this.buckets;
    for (const bucket of [requests, inputTokens, outputTokens]) {
      bucket.level = Math.min(bucket.capacity, bucket.level + (bucket.capacity * elapsed) / 60_000);
    }
  }
}

const remaining = (level: number): string => String(Math.max(0, Math.floor(level)));
