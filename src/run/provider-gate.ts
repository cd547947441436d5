/**
 * The provider's limits around one model call (queue-and-durability.md §5.2, layers 2 and 3):
 * take capacity from the fleet-wide limiter before it, settle what it really used after it,
 * refresh capacities from its `anthropic-ratelimit-*` headers, and feed the adaptive concurrency
 * controller. A wait longer than a moment is not slept on a worker slot: `ProviderBusy` asks the
 * worker to delay the job instead (src/queue/worker.ts).
 *
 * While the server's own headers say at least half of every limit is left, a call skips the
 * limiter: two Redis scripts per call bought nothing there and cost a quarter of a 4,000-account
 * run's wall time (measured: `npm run bench`). Below that the limiter engages, first lowering
 * its buckets to what the server reported, since the calls made meanwhile were not counted in them.
 */
import type { ConcurrencyController } from '../budget/concurrency.ts';
import { ProviderBusy } from '../budget/errors.ts';
import { modelClass, rateLimitedInput, waitForCapacity, type RateLimiter } from '../budget/rate-limit.ts';
import { LlmError, remainingFraction, type LlmCallRecord, type RateLimitSnapshot } from '../llm/index.ts';

export type ProviderTicket = {
  /** After the call: what it used, and what its headers say. */
  finish(record: LlmCallRecord | undefined, error?: unknown): Promise<void>;
};

export type Provider = {
  limiter: RateLimiter;
  concurrency: ConcurrencyController;
  /** Capacity for one call of `model`; throws `ProviderBusy` when it is not there soon. */
  acquire(model: string, demand: { inputTokens: number; outputTokens: number }, signal: AbortSignal | undefined): Promise<ProviderTicket>;
};

/** Longest wait slept inside a job; longer waits delay the job instead. */
const MAX_SLEEP_MS = 2_000;
/** The share of every limit the server must report left for calls to skip the limiter… */
const AMPLE = 0.5;
/** …and how recent that report must be. */
const AMPLE_FOR_MS = 2_000;

type ClassView = { snapshot: RateLimitSnapshot | undefined; at: number; engaged: boolean };

export function createProvider(limiter: RateLimiter, concurrency: ConcurrencyController, clock: () => number = Date.now): Provider {
  const views = new Map<string, ClassView>();

  const after = async (cls: string, view: ClassView, record: LlmCallRecord | undefined, error: unknown) => {
    if (record?.rateLimit) {
      view.snapshot = record.rateLimit;
      view.at = clock();
      await limiter.observe(cls, record.rateLimit);
    }
    if (error instanceof LlmError && error.kind === 'rate_limited') {
      view.at = 0; // engage at once
      await limiter.backoff(cls, error.retryAfterMs ?? 1_000);
      await concurrency.onRateLimited(error.retryAfterMs);
    } else if (!error) {
      await concurrency.onSuccess(remainingFraction(record?.rateLimit));
    }
  };

  return {
    limiter,
    concurrency,
    async acquire(model, demand, signal) {
      const cls = modelClass(model);
      let view = views.get(cls);
      if (!view) {
        view = { snapshot: undefined, at: 0, engaged: true };
        views.set(cls, view);
      }
      const v = view;
      const fraction = remainingFraction(v.snapshot);
      if (fraction !== undefined && fraction >= AMPLE && clock() - v.at < AMPLE_FOR_MS) {
        v.engaged = false;
        return { finish: (record, error) => after(cls, v, record, error) };
      }
      if (!v.engaged && v.snapshot) await limiter.sync(cls, v.snapshot);
      v.engaged = true;
      const got = await waitForCapacity(limiter, cls, demand, { signal, maxSleepMs: MAX_SLEEP_MS });
      if (!got.ok) throw new ProviderBusy(got.delayMs, got.limit);
      return {
        async finish(record, error) {
          const usage = record?.usage;
          await limiter.settle(cls, {
            estimatedInput: demand.inputTokens,
            actualInput: usage ? rateLimitedInput(usage) : 0,
            estimatedOutput: demand.outputTokens,
            outputTokens: usage?.output ?? 0,
          });
          await after(cls, v, record, error);
        },
      };
    },
  };
}
