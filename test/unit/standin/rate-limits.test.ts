import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/standin/rate-limits.ts';

/** The reset header as it was first computed: a Date per header, milliseconds cut off. */
const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('when reporting rate-limit headers', () => {
  it('formats every reset to the second exactly as a Date would, across second boundaries', () => {
    let now = 1_800_000_000_998.75;
    const caps = { requests: 600, inputTokens: 90_000, outputTokens: 7_000 };
    const limiter = new RateLimiter({ rpm: caps.requests, itpm: caps.inputTokens, otpm: caps.outputTokens }, () => now);
    // A model of the buckets, refilled and charged the same way, to predict each header.
    const level = { ...caps };
    let updated = now;
    const refill = () => {
      const elapsed = Math.max(0, now - updated);
      updated = now;
      for (const k of ['requests', 'inputTokens', 'outputTokens'] as const) level[k] = Math.min(caps[k], level[k] + (caps[k] * elapsed) / 60_000);
    };
    const reset = (k: keyof typeof caps) => iso(now + Math.max(0, ((caps[k] - level[k]) / caps[k]) * 60_000));
    for (let i = 0; i < 400; i++) {
      const demand = { requests: 1, inputTokens: 150 + (i % 7) * 13, outputTokens: 20 + (i % 5) };
      refill();
      const admitted = limiter.admit(demand).ok;
      if (admitted) for (const k of ['requests', 'inputTokens', 'outputTokens'] as const) level[k] -= demand[k];
      now += 0.37 + (i % 3) * 0.5;
      const h = limiter.headers();
      refill();
      expect(h['anthropic-ratelimit-requests-reset']).toBe(reset('requests'));
      expect(h['anthropic-ratelimit-input-tokens-reset']).toBe(reset('inputTokens'));
      expect(h['anthropic-ratelimit-output-tokens-reset']).toBe(reset('outputTokens'));
      expect(h['anthropic-ratelimit-tokens-reset']).toBe([reset('inputTokens'), reset('outputTokens')].sort().at(-1));
      expect(h['anthropic-ratelimit-requests-remaining']).toBe(String(Math.max(0, Math.floor(level.requests))));
    }
  });

  it('matches the Date-based formula for a known bucket state', () => {
    const now = 1_800_000_000_999.5;
    const limiter = new RateLimiter({ rpm: 60, itpm: 1_000, otpm: 100 }, () => now);
    limiter.admit({ requests: 1, inputTokens: 250, outputTokens: 99 });
    const h = limiter.headers();
    expect(h['anthropic-ratelimit-requests-reset']).toBe(iso(now + (1 / 60) * 60_000));
    expect(h['anthropic-ratelimit-input-tokens-reset']).toBe(iso(now + 0.25 * 60_000));
    expect(h['anthropic-ratelimit-output-tokens-reset']).toBe(iso(now + 0.99 * 60_000));
    expect(h['anthropic-ratelimit-tokens-reset']).toBe(iso(now + 0.99 * 60_000));
    expect(h['anthropic-ratelimit-requests-remaining']).toBe('59');
    expect(h['anthropic-ratelimit-tokens-remaining']).toBe('1');
    expect(h['anthropic-ratelimit-tokens-limit']).toBe('100');
  });

  it('reports a full bucket as resetting now, to the second', () => {
    const limiter = new RateLimiter({ rpm: 10, itpm: 10, otpm: 10 }, () => 1_800_000_000_500);
    expect(limiter.headers()['anthropic-ratelimit-requests-reset']).toBe(iso(1_800_000_000_500));
  });
});
