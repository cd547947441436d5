/**
 * The provider limiter end to end: many concurrent callers through the real SDK client
 * (`createLlmClient`, maxRetries 0) against a stand-in that enforces RPM/ITPM/OTPM itself and
 * answers 429 with retry-after, with every call's limits read from its response headers.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter, modelClass, rateLimitedInput, waitForCapacity, type RateLimiter } from '../../../src/budget/rate-limit.ts';
import { createLlmClient } from '../../../src/llm/client.ts';
import { LlmError } from '../../../src/llm/errors.ts';
import { createHttpFetch, type HttpFetch } from '../../../src/llm/http-fetch.ts';
import type { LlmCallRecord, LlmClient } from '../../../src/llm/types.ts';
import type { StandinOptionsInput } from '../../../src/standin/options.ts';
import type { Standin } from '../../../src/standin/server.ts';
import { REDIS_URL } from '../../support/pipeline.ts';
import { ACCOUNT_PROMPT, TEST_KEY, withStandin } from '../../support/standin.ts';

const MODEL = 'claude-sonnet-5-5';
const CLS = modelClass(MODEL);
const REQUEST = { model: MODEL, maxTokens: 256, messages: [{ role: 'user' as const, content: ACCOUNT_PROMPT }] };

let redis: Redis;
const cleanups: Array<() => Promise<void> | void> = [];
beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => redis.disconnect());

type Fleet = { standin: Standin; llm: LlmClient; limiter: RateLimiter; records: LlmCallRecord[]; estimate: number };

async function fleet(standinOptions: StandinOptionsInput, limits: { rpm: number; itpm: number; otpm: number }): Promise<Fleet> {
  const { standin } = await withStandin(standinOptions);
  const httpFetch: HttpFetch = createHttpFetch();
  const prefix = `{test-${randomUUID()}}`;
  cleanups.push(
    () => standin.close(),
    () => httpFetch.close(),
    async () => {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    },
  );
  const records: LlmCallRecord[] = [];
  const models = { default: MODEL, bySkill: {} };
  const llm = createLlmClient({ apiKey: TEST_KEY, baseURL: standin.url, maxRetries: 0, timeoutMs: 10_000, models, fetch: httpFetch, onCall: (r) => records.push(r) });
  // count_tokens counts the whole prompt, an upper bound of what ITPM will be charged.
  const estimate = await llm.countTokens(REQUEST);
  return { standin, llm, limiter: createRateLimiter(redis, { prefix, limits }), records, estimate };
}

/** Local times: `sent` before the Redis command went out, `at` after its reply came back. */
type Outcome = {
  admissions: Array<{ sent: number; at: number }>;
  admittedAt: number[];
  rateLimited: number;
  backoffs: Array<{ sent: number; at: number; ms: number }>;
  firstRefusal: number | undefined;
};

/**
 * `callers` loops, each: wait for capacity (a long wait stands in for a delayed job), call,
 * settle and observe; on a 429 settle nothing spent, back the fleet off and try again.
 */
async function drive(f: Fleet, options: { callers: number; total?: number; ms?: number }): Promise<Outcome> {
  const out: Outcome = { admissions: [], admittedAt: [], rateLimited: 0, backoffs: [], firstRefusal: undefined };
  const demand = { inputTokens: f.estimate };
  const limiter: RateLimiter = {
    ...f.limiter,
    acquire: async (cls, d) => {
      const sent = Date.now();
      const r = await f.limiter.acquire(cls, d);
      const at = Date.now();
      if (r.ok) {
        out.admissions.push({ sent, at });
        out.admittedAt.push(at);
      } else out.firstRefusal ??= at;
      return r;
    },
  };
  // A timed run stops waiting at its end; calls already admitted finish.
  const signal = options.ms === undefined ? undefined : AbortSignal.timeout(options.ms);
  // Every caller sleeps on this one signal (a job would have its own).
  if (signal) setMaxListeners(options.callers * 2, signal);
  let started = 0;
  await Promise.all(
    Array.from({ length: options.callers }, async () => {
      while (!signal?.aborted && (options.total === undefined || started < options.total)) {
        started++;
        for (;;) {
          const waited = await waitForCapacity(limiter, CLS, demand, { maxSleepMs: 2_000, signal }).catch((error: unknown) => {
            if (signal?.aborted) return undefined;
            throw error;
          });
          if (!waited) return;
          if (!waited.ok) {
            await sleep(waited.delayMs, undefined, { signal }).catch(() => undefined);
            continue;
          }
          try {
            const result = await f.llm.message(REQUEST);
            await f.limiter.settle(CLS, { estimatedInput: demand.inputTokens, actualInput: rateLimitedInput(result.usage), outputTokens: result.usage.output });
            await f.limiter.observe(CLS, result.record.rateLimit);
            break;
          } catch (error) {
            if (!(error instanceof LlmError && error.kind === 'rate_limited')) throw error;
            out.rateLimited++;
            await f.limiter.settle(CLS, { estimatedInput: demand.inputTokens, actualInput: 0, outputTokens: 0 });
            const ms = error.retryAfterMs ?? 1_000;
            const sent = Date.now();
            await f.limiter.backoff(CLS, ms);
            out.backoffs.push({ sent, at: Date.now(), ms });
          }
        }
      }
    }),
  );
  return out;
}

describe('when 40 callers share a 600 RPM organization', () => {
  it('gets no 429s and runs close to the limit once the initial burst is spent', async () => {
    // The limiter starts with wrong token limits; the headers of the first responses correct them.
    const f = await fleet({ rpm: 600, latencyMs: 20 }, { rpm: 600, itpm: 1e9, otpm: 1e9 });
    const t0 = Date.now();
    const out = await drive(f, { callers: 40, ms: 6_000 });
    const t1 = Date.now();

    expect(out.rateLimited).toBe(0);
    expect(f.records.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(out.admittedAt.length).toBeGreaterThan(600);
    // A new bucket is full: the first minute's allowance (less the limiter's 0.5 s reserve, 5
    // requests) goes out at once, as the server allows. From a second after the limiter first
    // refused, the bucket is at its floor and admissions run at the refill rate.
    expect(out.firstRefusal).toBeDefined();
    const from = (out.firstRefusal ?? t0) + 1_000;
    const steady = out.admittedAt.filter((t) => t >= from).length;
    const allowed = (600 * (t1 - from)) / 60_000;
    expect(steady).toBeGreaterThanOrEqual(0.8 * allowed);
    expect(steady).toBeLessThanOrEqual(allowed + 5 + 2);
    // Every record carries the server's limits, and the limiter took them.
    expect(f.records.filter((r) => r.callKind === 'message').every((r) => r.rateLimit?.requests.limit === 600)).toBe(true);
    expect((await f.limiter.state(CLS)).limits).toEqual({ rpm: 600, itpm: 20_000_000, otpm: 4_000_000 });
  });

  it('stays under an input-token limit too, with count_tokens as the estimate', async () => {
    // ~10 requests per second by input tokens, far below the RPM.
    const f0 = await fleet({ rpm: 100_000 }, { rpm: 100_000, itpm: 1e9, otpm: 1e9 });
    const itpm = f0.estimate * 600;
    const f = await fleet({ rpm: 100_000, itpm, latencyMs: 20 }, { rpm: 100_000, itpm, otpm: 1e9 });
    const t0 = Date.now();
    const out = await drive(f, { callers: 40, ms: 5_000 });
    const t1 = Date.now();
    expect(out.rateLimited).toBe(0);
    const from = (out.firstRefusal ?? t0) + 1_000;
    const steady = out.admittedAt.filter((t) => t >= from).length;
    const allowed = (600 * (t1 - from)) / 60_000;
    expect(steady).toBeGreaterThanOrEqual(0.8 * allowed);
    expect(steady).toBeLessThanOrEqual(allowed + 5 + 2);
  });
});

describe('when the server answers a share of calls with 429', () => {
  it('backs the whole fleet off for the retry-after, and every call eventually succeeds', async () => {
    const f = await fleet({ rpm: 100_000, faultRate: 0.3, faultKinds: ['429'], seed: 7 }, { rpm: 100_000, itpm: 1e9, otpm: 1e9 });
    const out = await drive(f, { callers: 30, total: 200 });

    const calls = f.records.filter((r) => r.callKind === 'message');
    const ok = calls.filter((r) => r.status === 'ok');
    const limited = calls.filter((r) => r.status === 'rate_limited');
    expect(ok).toHaveLength(200);
    expect(calls).toHaveLength(200 + out.rateLimited);
    expect(out.rateLimited).toBeGreaterThan(20);
    expect(limited).toHaveLength(out.rateLimited);
    // The 429s carry the limits too: that is what the limiter reads when a limit is hit.
    expect(limited.every((r) => r.rateLimit?.requests.limit === 100_000)).toBe(true);
    // Nobody was admitted while a backoff was running: an acquire sent after a backoff was stored
    // ran after it in Redis, and one answered before the backoff's end (as sent + ms bounds it
    // from below) ran inside it. Sent in the same millisecond as the store, it may have run first.
    const inside = out.admissions.filter((a) => out.backoffs.some((b) => a.sent > b.at && a.at < b.sent + b.ms));
    expect(inside).toEqual([]);
  });
});
