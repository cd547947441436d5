/**
 * The fleet-wide provider limiter against the real Redis: continuous refill, debt, the limits
 * holding under concurrent callers from several connections, 429 backoff, limits from headers.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRateLimiter, waitForCapacity, type ProviderLimits, type RateLimiter } from '../../../src/budget/rate-limit.ts';
import { REDIS_URL } from '../../support/pipeline.ts';

const CLS = 'claude-sonnet-5-5';
const BIG = 1e9;

let redis: Redis;
let other: Redis;
let prefix: string;
beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  // A second connection stands in for a second worker process.
  other = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
});
afterAll(() => {
  redis.disconnect();
  other.disconnect();
});
beforeEach(() => {
  prefix = `{test-${randomUUID()}}`;
});
afterEach(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
});

/** No reserve unless asked: these tests count exact bucket contents. */
const limiter = (limits: Partial<ProviderLimits>, client: Redis = redis, reserveMs = 0): RateLimiter =>
  createRateLimiter(client, { prefix, limits: { rpm: BIG, itpm: BIG, otpm: BIG, ...limits }, reserveMs });

/** Takes `n` requests at once; all must be granted. */
async function drainRequests(l: RateLimiter, n: number): Promise<void> {
  const results = await Promise.all(Array.from({ length: n }, () => l.acquire(CLS, { inputTokens: 0 })));
  expect(results.every((r) => r.ok)).toBe(true);
}

describe('when the buckets are drained', () => {
  it('refills continuously at limit/minute, never above the limit', async () => {
    const l = limiter({ rpm: 600 }); // 10 per second
    await drainRequests(l, 600);
    const denied = await l.acquire(CLS, { inputTokens: 0 });
    expect(denied).toMatchObject({ ok: false, limit: 'requests' });
    if (!denied.ok) expect(denied.waitMs).toBeLessThanOrEqual(100);

    const before = await l.state(CLS);
    const t0 = Date.now();
    await sleep(400);
    const after = await l.state(CLS);
    const elapsed = Date.now() - t0;
    // 10 requests per second, measured against this machine's clock (Redis runs on it too).
    expect(after.levels.requests - before.levels.requests).toBeGreaterThan((10 * (elapsed - 40)) / 1000);
    expect(after.levels.requests - before.levels.requests).toBeLessThan((10 * (elapsed + 40)) / 1000);

    const full = limiter({ rpm: 3000 }, other);
    await full.acquire('another-class', { inputTokens: 0 });
    await sleep(100);
    expect((await full.state('another-class')).levels.requests).toBe(3000);
  });

  it('tells a waiting caller how long until its demand fits, and takes nothing meanwhile', async () => {
    const l = limiter({ rpm: 600, itpm: 60_000 }); // 1,000 tokens per second
    expect(await l.acquire(CLS, { inputTokens: 60_000 })).toEqual({ ok: true });
    const denied = await l.acquire(CLS, { inputTokens: 3_000 });
    expect(denied).toMatchObject({ ok: false, limit: 'input_tokens' });
    if (!denied.ok) {
      expect(denied.waitMs).toBeGreaterThan(2_800);
      expect(denied.waitMs).toBeLessThanOrEqual(3_000);
    }
    const state = await l.state(CLS);
    expect(state.levels.inputTokens).toBeLessThan(300);
    // One request taken (plus at most a few ms of refill), not two.
    expect(state.levels.requests).toBeLessThan(599.5);
    expect(state.levels.requests).toBeGreaterThan(598.9);
  });

  it('keeps the reserve in hand: a full bucket admits its limit less reserveMs of refill', async () => {
    const l = limiter({ rpm: 600 }, redis, 500); // 5 requests of reserve
    const results = await Promise.all(Array.from({ length: 600 }, () => l.acquire(CLS, { inputTokens: 0 })));
    const granted = results.filter((r) => r.ok).length;
    // 595, plus what refilled while the 600 calls ran.
    expect(granted).toBeGreaterThanOrEqual(595);
    expect(granted).toBeLessThan(598);
    const denied = results.find((r) => !r.ok);
    expect(denied).toMatchObject({ ok: false, limit: 'requests' });
  });

  it('admits a demand larger than a whole bucket from a full bucket, leaving it in debt', async () => {
    const l = limiter({ itpm: 10_000 });
    expect(await l.acquire(CLS, { inputTokens: 25_000 })).toEqual({ ok: true });
    expect((await l.state(CLS)).levels.inputTokens).toBeLessThan(-14_000);
  });
});

describe('when calls settle', () => {
  it('puts later callers behind the debt of real output', async () => {
    const l = limiter({ otpm: 6_000 }); // 100 output tokens per second
    expect(await l.acquire(CLS, { inputTokens: 500 })).toEqual({ ok: true });
    await l.settle(CLS, { estimatedInput: 500, actualInput: 500, outputTokens: 9_000 });
    const denied = await l.acquire(CLS, { inputTokens: 0 });
    expect(denied).toMatchObject({ ok: false, limit: 'output_tokens' });
    // 3,000 tokens of debt at 100 per second.
    if (!denied.ok) {
      expect(denied.waitMs).toBeGreaterThan(29_000);
      expect(denied.waitMs).toBeLessThanOrEqual(30_000);
    }
  });

  it('charges input beyond the estimate as debt, and refunds an over-estimate up to the limit', async () => {
    const l = limiter({ itpm: 60_000 });
    expect(await l.acquire(CLS, { inputTokens: 50_000 })).toEqual({ ok: true });
    expect(await l.acquire(CLS, { inputTokens: 20_000 })).toMatchObject({ ok: false, limit: 'input_tokens' });
    await l.settle(CLS, { estimatedInput: 50_000, actualInput: 10_000, outputTokens: 0 });
    expect(await l.acquire(CLS, { inputTokens: 20_000 })).toEqual({ ok: true });
    await l.settle(CLS, { estimatedInput: 20_000, actualInput: 0, outputTokens: 0 });
    await l.settle(CLS, { estimatedInput: 20_000, actualInput: 0, outputTokens: 0 });
    expect((await l.state(CLS)).levels.inputTokens).toBe(60_000);

    await l.settle(CLS, { estimatedInput: 1_000, actualInput: 91_000, outputTokens: 0 });
    const denied = await l.acquire(CLS, { inputTokens: 0 });
    expect(denied).toMatchObject({ ok: false, limit: 'input_tokens' });
    if (!denied.ok) expect(denied.waitMs).toBeGreaterThan(29_000);
  });

  it('takes an output estimate up front when one is given, and corrects it at settle', async () => {
    const l = limiter({ otpm: 6_000 });
    expect(await l.acquire(CLS, { inputTokens: 0, outputTokens: 4_000 })).toEqual({ ok: true });
    expect(await l.acquire(CLS, { inputTokens: 0, outputTokens: 4_000 })).toMatchObject({ ok: false, limit: 'output_tokens' });
    await l.settle(CLS, { estimatedInput: 0, actualInput: 0, estimatedOutput: 4_000, outputTokens: 1_000 });
    expect(await l.acquire(CLS, { inputTokens: 0, outputTokens: 4_000 })).toEqual({ ok: true });
  });
});

describe('when 50 callers on two connections compete', () => {
  /** Runs callers for `ms`; returns the local times at which each was admitted. */
  async function compete(limiters: RateLimiter[], demand: number, ms: number): Promise<{ admitted: number[]; t0: number; t1: number }> {
    const admitted: number[] = [];
    const t0 = Date.now();
    const signal = AbortSignal.timeout(ms);
    // Every caller sleeps on this one signal (a job would have its own).
    setMaxListeners(100, signal);
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const l = limiters[i % limiters.length]!;
        while (!signal.aborted) {
          const r = await waitForCapacity(l, CLS, { inputTokens: demand }, { signal }).catch(() => ({ ok: false }));
          if (r.ok) admitted.push(Date.now());
        }
      }),
    );
    return { admitted: admitted.sort((a, b) => a - b), t0, t1: Date.now() };
  }

  /** The most admissions in any window of `windowMs`. */
  function densest(times: number[], windowMs: number): number {
    let best = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= windowMs) j++;
      best = Math.max(best, i - j + 1);
    }
    return best;
  }

  it('admits no more requests than the RPM allows over the window, and close to it', async () => {
    const limiters = [limiter({ rpm: 3_000 }), limiter({ rpm: 3_000 }, other)]; // 50 per second
    await drainRequests(limiters[0]!, 3_000);
    const start = (await limiters[0]!.state(CLS)).levels.requests;
    const { admitted, t0, t1 } = await compete(limiters, 10, 2_500);
    const allowed = start + (50 * (t1 - t0)) / 1000;
    expect(admitted.length).toBeLessThanOrEqual(Math.ceil(allowed) + 1);
    expect(admitted.length).toBeGreaterThanOrEqual(0.8 * (50 * (t1 - t0)) / 1000);
    // No burst either: no one-second window holds more than a second's refill (+ timing slack).
    expect(densest(admitted, 1_000)).toBeLessThanOrEqual(Math.ceil(start) + 50 + 2);
  });

  it('admits no more input tokens than the ITPM allows over the window, and close to it', async () => {
    const limiters = [limiter({ itpm: 60_000 }), limiter({ itpm: 60_000 }, other)]; // 1,000 tokens per second
    expect(await limiters[0]!.acquire(CLS, { inputTokens: 60_000 })).toEqual({ ok: true });
    const start = Math.max(0, (await limiters[0]!.state(CLS)).levels.inputTokens);
    const { admitted, t0, t1 } = await compete(limiters, 100, 2_500);
    const tokens = admitted.length * 100;
    const allowed = start + (1_000 * (t1 - t0)) / 1000;
    expect(tokens).toBeLessThanOrEqual(allowed + 100);
    expect(tokens).toBeGreaterThanOrEqual(0.8 * (1_000 * (t1 - t0)) / 1000);
    expect(densest(admitted, 1_000) * 100).toBeLessThanOrEqual(start + 1_000 + 200);
  });
});

describe('when the provider answers 429', () => {
  it('makes every caller of the class wait out the retry-after, on every connection', async () => {
    const l = limiter({});
    const l2 = limiter({}, other);
    await l.backoff(CLS, 1_500);
    const t0 = Date.now();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? l : l2).acquire(CLS, { inputTokens: 1 })));
    for (const r of results) {
      expect(r).toMatchObject({ ok: false, limit: 'backoff' });
      if (!r.ok) {
        expect(r.waitMs).toBeGreaterThan(1_300);
        expect(r.waitMs).toBeLessThanOrEqual(1_500);
      }
    }
    // Nothing was taken while refused.
    expect((await l.state(CLS)).levels.requests).toBe(BIG);

    // A shorter backoff does not shorten it; another class is not affected.
    await l2.backoff(CLS, 10);
    expect((await l.state(CLS)).backoffMs).toBeGreaterThan(1_300);
    expect(await l.acquire('claude-haiku-5-5', { inputTokens: 1 })).toEqual({ ok: true });

    const finished = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const r = await waitForCapacity(i % 2 ? l : l2, CLS, { inputTokens: 1 }, { maxSleepMs: 2_000 });
        expect(r).toEqual({ ok: true });
        return Date.now() - t0;
      }),
    );
    expect(Math.min(...finished)).toBeGreaterThanOrEqual(1_400);
  });
});

describe('when a response reports its limits', () => {
  it('takes the new capacities, keeping what was used when one rises', async () => {
    const l = limiter({ rpm: 60 });
    await drainRequests(l, 60);
    expect(await l.acquire(CLS, { inputTokens: 0 })).toMatchObject({ ok: false, limit: 'requests' });

    await l.observe(CLS, new Headers({ 'anthropic-ratelimit-requests-limit': '600', 'anthropic-ratelimit-input-tokens-limit': '80000' }));
    const state = await l.state(CLS);
    expect(state.limits).toEqual({ rpm: 600, itpm: 80_000, otpm: BIG });
    expect(state.levels.requests).toBeGreaterThan(539);
    expect(state.levels.requests).toBeLessThan(541);
    expect(state.levels.inputTokens).toBe(80_000);
    // Another process's limiter, configured with the old defaults, uses the observed limits.
    await drainRequests(limiter({ rpm: 60 }, other), 540);
    const denied = await l.acquire(CLS, { inputTokens: 0 });
    expect(denied).toMatchObject({ ok: false, limit: 'requests' });
    if (!denied.ok) expect(denied.waitMs).toBeLessThanOrEqual(100);
  });

  it('caps the level at a lowered limit and at what the server says remains', async () => {
    const l = limiter({ rpm: 1_000 });
    await l.observe(CLS, { requests: { limit: 500, remaining: 120 }, inputTokens: {}, outputTokens: {} });
    const state = await l.state(CLS);
    expect(state.limits.rpm).toBe(500);
    expect(state.levels.requests).toBeLessThan(121);
  });

  it('ignores missing and garbage values', async () => {
    const l = limiter({ rpm: 1_000, itpm: 50_000 });
    await l.observe(CLS, {
      'anthropic-ratelimit-requests-limit': 'unlimited',
      'anthropic-ratelimit-input-tokens-limit': '0',
      'anthropic-ratelimit-output-tokens-limit': '-5',
    });
    await l.observe(CLS, undefined);
    await l.observe(CLS, new Headers({ 'content-type': 'application/json' }));
    expect((await l.state(CLS)).limits).toEqual({ rpm: 1_000, itpm: 50_000, otpm: BIG });
  });
});

describe('waitForCapacity', () => {
  it('sleeps through short waits', async () => {
    const l = limiter({ rpm: 600 });
    await drainRequests(l, 600);
    const results = await Promise.all(Array.from({ length: 3 }, () => waitForCapacity(l, CLS, { inputTokens: 0 }, { maxSleepMs: 2_000 })));
    expect(results).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
  });

  it('hands a long wait back as a delay instead of sleeping through it', async () => {
    const l = limiter({ rpm: 60 });
    await drainRequests(l, 60);
    const t0 = Date.now();
    const r = await waitForCapacity(l, CLS, { inputTokens: 0 }, { maxSleepMs: 200 });
    expect(Date.now() - t0).toBeLessThan(200);
    expect(r).toMatchObject({ ok: false, limit: 'requests' });
    if (!r.ok) expect(r.delayMs).toBeGreaterThan(200);
  });

  it('stops sleeping when its signal aborts', async () => {
    const l = limiter({ rpm: 60 });
    await drainRequests(l, 60);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await waitForCapacity(l, CLS, { inputTokens: 0 }, { maxSleepMs: 5_000, signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AbortError' });
  });

  it('rejects impossible demands and limits', () => {
    expect(() => createRateLimiter(redis, { prefix, limits: { rpm: 0, itpm: 1, otpm: 1 } })).toThrow(RangeError);
    return expect(limiter({}).acquire(CLS, { inputTokens: Number.NaN })).rejects.toThrow(RangeError);
  });
});
