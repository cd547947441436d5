/**
 * The fleet-wide provider rate limiter (queue-and-durability.md §5.2, layer 2): per model class,
 * one Redis "debt" token bucket each for requests, uncached input tokens and output tokens per
 * minute, shared by every worker process, refilling continuously like the provider's own.
 *
 * - Before a call, `acquire` takes one request and the estimated uncached input, or nothing and
 *   says how long to wait.
 * - After it, `settle` corrects the input by what the call really used and debits its real output;
 *   a bucket may go negative, and later callers wait the debt off.
 * - `observe` takes the capacities from the `anthropic-ratelimit-*-limit` headers, so the limits
 *   configured at start only matter until the first response.
 * - `backoff` after a 429 makes the whole fleet wait the server's retry-after.
 *
 * Atomicity and time live in ./rate-limit-script.ts. A model class's state is one hash,
 * `<prefix>:ratelimit:<class>`, so every call touches one key under the prefix's hash tag.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { parseRateLimitHeaders, type HeaderSource, type RateLimitSnapshot } from '../llm/rate-limit-headers.ts';
import type { TokenUsage } from '../llm/usage.ts';
import { ACQUIRE_LUA, BACKOFF_LUA, OBSERVE_LUA, SETTLE_LUA, STATE_LUA } from './rate-limit-script.ts';

/** Per-minute limits of one model class. */
export type ProviderLimits = { rpm: number; itpm: number; otpm: number };

/** Which limit made a caller wait; `backoff` is a 429's retry-after. */
export type LimitKind = 'requests' | 'input_tokens' | 'output_tokens' | 'backoff';

/** What one call will take. */
export type Demand = {
  /** Estimated input tokens that count toward ITPM: uncached input plus cache writes. */
  inputTokens: number;
  /**
   * Estimated output tokens, taken up front. @defaultValue 0 — output is only debited at settle,
   * and the call merely waits while the output bucket is in debt.
   */
  outputTokens?: number | undefined;
};

export type Acquired = { ok: true } | { ok: false; waitMs: number; limit: LimitKind };

/** What a finished call used, against what `acquire` took for it. */
export type Settlement = {
  estimatedInput: number;
  /** Input that counts toward ITPM ({@link rateLimitedInput}); 0 for a call the server refused. */
  actualInput: number;
  /** The `outputTokens` of the demand, if any. @defaultValue 0 */
  estimatedOutput?: number | undefined;
  outputTokens: number;
};

/** A model class's buckets now (levels may be fractional or negative). */
export type LimiterState = {
  limits: ProviderLimits;
  levels: { requests: number; inputTokens: number; outputTokens: number };
  /** Time left of a 429 backoff, 0 when none. */
  backoffMs: number;
};

export type RateLimiter = {
  /** Take 1 request + the demand atomically, or nothing and the wait until it would fit. */
  acquire(modelClass: string, demand: Demand): Promise<Acquired>;
  /** Correct the buckets by what the call really used (call it for failed calls too, with zeros). */
  settle(modelClass: string, settlement: Settlement): Promise<void>;
  /**
   * Take capacities from a response's rate-limit headers (parsed, a `Headers` or a plain record);
   * when a capacity changes, the level also drops to the reported remaining if that is lower.
   * Missing or garbage values are ignored; limits this process saw unchanged within the last
   * minute cost no Redis round trip.
   */
  observe(modelClass: string, source: RateLimitSnapshot | HeaderSource | null | undefined): Promise<void>;
  /**
   * Like `observe`, and lowers every level to the server's `remaining` too: for a fleet that took
   * calls without the limiter while the server reported ample headroom, before it engages again.
   */
  sync(modelClass: string, snapshot: RateLimitSnapshot): Promise<void>;
  /** After a 429: every acquire of the class is refused for `retryAfterMs` (extends, never shortens). */
  backoff(modelClass: string, retryAfterMs: number): Promise<void>;
  /** The class's buckets now, read-only (dashboards, tests). */
  state(modelClass: string): Promise<LimiterState>;
};

export type RateLimiterOptions = {
  /** Key prefix holding a hash tag, e.g. the queue prefix `{bookrun}`. */
  prefix: string;
  /** Capacities of a model class until its first response reports the real ones. */
  limits: ProviderLimits;
  /**
   * Refill time every bucket keeps in hand: a caller is admitted only if its demand fits with this
   * much refill to spare. The provider charges a call when it arrives, later than this limiter
   * does, and while its bucket sits full (at start, after a quiet spell) the refill it would have
   * gained in that gap is lost; without a reserve the provider's bucket ends up short of this one
   * by up to the refill of one admission-to-arrival latency, and the next caller at the margin
   * gets a 429 (measured against the stand-in at 600 RPM: a few 429s per run without it, none
   * with it). It costs the same amount of the first burst and nothing of the sustained rate.
   * @defaultValue 500
   */
  reserveMs?: number | undefined;
  /**
   * Idle time after which a class's state is dropped (it is then full again, as the provider's
   * buckets would be by then). @defaultValue 3_600_000
   */
  keyTtlMs?: number | undefined;
};

/** A class's limits seen unchanged this recently are not sent to Redis again. */
const OBSERVE_REFRESH_MS = 60_000;
const REASONS: Record<number, LimitKind> = { 0: 'backoff', 1: 'requests', 2: 'input_tokens', 3: 'output_tokens' };

type ScriptCall = (key: string, ...argv: Array<string | number>) => Promise<unknown>;

/** defineCommand sends EVALSHA and falls back to EVAL on a script-cache miss. Idempotent per client. */
function script(redis: Redis, name: string, lua: string): ScriptCall {
  const client = redis as unknown as Record<string, ScriptCall | undefined>;
  if (!client[name]) redis.defineCommand(name, { numberOfKeys: 1, lua });
  const command = client[name] as ScriptCall;
  return command.bind(redis);
}

/** The input tokens of a call that count toward ITPM: uncached input and cache writes, not cache reads. */
export function rateLimitedInput(usage: TokenUsage): number {
  return usage.input + usage.cacheWrite;
}

/**
 * The class whose limits a model shares: the id without a `-YYYYMMDD` snapshot date, so
 * `claude-sonnet-4-5-20250929` and its alias `claude-sonnet-4-5` draw from one bucket.
 */
export function modelClass(model: string): string {
  return model.replace(/-\d{8}$/, '');
}

export function createRateLimiter(redis: Redis, opts: RateLimiterOptions): RateLimiter {
  const { prefix, limits } = opts;
  for (const [name, value] of Object.entries(limits)) {
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`rate limit ${name} must be a positive number, got ${value}`);
  }
  const ttl = opts.keyTtlMs ?? 3_600_000;
  const reserveMs = opts.reserveMs ?? 500;
  if (!(Number.isFinite(reserveMs) && reserveMs >= 0 && reserveMs < 60_000)) throw new RangeError(`reserveMs must be in [0, 60000), got ${reserveMs}`);
  const acquireScript = script(redis, 'bookrunRateAcquire', ACQUIRE_LUA);
  const settleScript = script(redis, 'bookrunRateSettle', SETTLE_LUA);
  const observeScript = script(redis, 'bookrunRateObserve', OBSERVE_LUA);
  const backoffScript = script(redis, 'bookrunRateBackoff', BACKOFF_LUA);
  const stateScript = script(redis, 'bookrunRateState', STATE_LUA);
  const keyOf = (cls: string) => `${prefix}:ratelimit:${cls}`;
  const base = (cls: string) => [keyOf(cls), limits.rpm, limits.itpm, limits.otpm, ttl] as const;
  const observed = new Map<string, { limits: string; at: number }>();

  return {
    async acquire(cls, demand) {
      const input = tokens(demand.inputTokens, 'inputTokens');
      const output = tokens(demand.outputTokens ?? 0, 'outputTokens');
      const reply = (await acquireScript(...base(cls), input, output, reserveMs)) as [number, number, number];
      if (reply[0] === 1) return { ok: true };
      return { ok: false, waitMs: reply[1], limit: REASONS[reply[2]] ?? 'requests' };
    },

    async settle(cls, s) {
      const input = tokens(s.actualInput, 'actualInput') - tokens(s.estimatedInput, 'estimatedInput');
      const output = tokens(s.outputTokens, 'outputTokens') - tokens(s.estimatedOutput ?? 0, 'estimatedOutput');
      if (input === 0 && output === 0) return;
      await settleScript(...base(cls), input, output);
    },

    async observe(cls, source) {
      const snapshot = isSnapshot(source) ? source : parseRateLimitHeaders(source);
      if (!snapshot) return;
      const buckets = [snapshot.requests, snapshot.inputTokens, snapshot.outputTokens];
      const caps = buckets.map((b) => (b.limit !== undefined && Number.isFinite(b.limit) && b.limit > 0 ? String(b.limit) : ''));
      const text = caps.join('|');
      if (text === '||') return;
      // Every response reports the limits; they change rarely, so most observations end here.
      const seen = observed.get(cls);
      const now = Date.now();
      if (seen && seen.limits === text && now - seen.at < OBSERVE_REFRESH_MS) return;
      const remaining = buckets.map((b) => (b.remaining !== undefined && Number.isFinite(b.remaining) ? String(b.remaining) : ''));
      await observeScript(...base(cls), ...caps, ...remaining);
      observed.set(cls, { limits: text, at: now });
    },

    async sync(cls, snapshot) {
      const buckets = [snapshot.requests, snapshot.inputTokens, snapshot.outputTokens];
      const caps = buckets.map((b) => (b.limit !== undefined && Number.isFinite(b.limit) && b.limit > 0 ? String(b.limit) : ''));
      const remaining = buckets.map((b) => (b.remaining !== undefined && Number.isFinite(b.remaining) ? String(b.remaining) : ''));
      await observeScript(...base(cls), ...caps, ...remaining, '1');
      observed.set(cls, { limits: caps.join('|'), at: Date.now() });
    },

    async backoff(cls, retryAfterMs) {
      const ms = Number.isFinite(retryAfterMs) ? Math.max(0, Math.ceil(retryAfterMs)) : 0;
      if (ms === 0) return;
      await backoffScript(...base(cls), ms);
    },

    async state(cls) {
      const r = ((await stateScript(...base(cls))) as string[]).map(Number);
      const at = (i: number) => r[i] ?? 0;
      return {
        limits: { rpm: at(0), itpm: at(1), otpm: at(2) },
        levels: { requests: at(3), inputTokens: at(4), outputTokens: at(5) },
        backoffMs: at(6),
      };
    },
  };
}

function isSnapshot(source: RateLimitSnapshot | HeaderSource | null | undefined): source is RateLimitSnapshot {
  // A header record has string values keyed by header name; a snapshot has bucket objects.
  return source != null && !(source instanceof Headers) && typeof (source as { requests?: unknown }).requests === 'object';
}

function tokens(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`);
  return Math.ceil(value);
}

export type WaitOptions = {
  signal?: AbortSignal | undefined;
  /**
   * How long to sleep here in all, across retries. A wait that would go past it is handed back to
   * the caller, which should delay its job (`moveToDelayed` + `DelayedError`) instead of holding a
   * worker slot: with more callers than the limit admits, each retry may lose to another worker.
   * @defaultValue 2_000
   */
  maxSleepMs?: number | undefined;
};

export type Waited = { ok: true } | { ok: false; delayMs: number; limit: LimitKind };

/**
 * Acquire, sleeping through short waits. Each retry re-asks Redis, since other workers may take
 * what was freed first; a little jitter keeps waiters from all asking in the same millisecond.
 * Returns `{ ok: false, delayMs }` (the limiter's latest wait) once sleeping it would exceed
 * `maxSleepMs` in all. Rejects with an error named `AbortError` when `signal` fires (the LLM
 * layer classifies it as `aborted`).
 */
export async function waitForCapacity(limiter: RateLimiter, cls: string, demand: Demand, options: WaitOptions = {}): Promise<Waited> {
  const maxSleepMs = options.maxSleepMs ?? 2_000;
  const started = performance.now();
  for (;;) {
    if (options.signal?.aborted) throw new DOMException('waiting for provider capacity was aborted', 'AbortError');
    const r = await limiter.acquire(cls, demand);
    if (r.ok) return r;
    if (performance.now() - started + r.waitMs > maxSleepMs) return { ok: false, delayMs: r.waitMs, limit: r.limit };
    const jitter = Math.random() * Math.min(25, r.waitMs / 4);
    await sleep(r.waitMs + jitter, undefined, { signal: options.signal });
  }
}
