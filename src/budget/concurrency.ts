/**
 * Adaptive concurrency for model calls (queue-and-durability.md §5.2, layer 3): AIMD over one
 * number the caller applies, e.g. `(n) => llmQueue.setGlobalConcurrency(n)`.
 *
 * - Additive increase: +1 once a full `stepUpMs` has passed since the last change during which no
 *   call was rate limited and every response that reported its limits had more than `headroom`
 *   of the tightest one left. Running close to a limit means more concurrency would only queue
 *   on the rate limiter, so the level holds there.
 * - Multiplicative decrease: halve on a 429, then ignore further 429s for the retry window: one
 *   burst that overshot answers with a storm of 429s, and that is one signal, not many.
 *
 * Per process: with several workers each controller acts on what its own calls see, and the last
 * `apply` wins. Nothing is applied before the first 429: until then there is no cap, and a cap
 * "raised" from one process's own number would cut a fleet with more slots than that. Pure apart
 * from `apply`; time comes from `clock`.
 */

export type ConcurrencyControllerOptions = {
  /** Sets the concurrency (calls are serialized, in order). Not called for the initial value. */
  apply: (n: number) => Promise<void>;
  /** @defaultValue 4 */
  min?: number | undefined;
  /** @defaultValue 200 */
  max?: number | undefined;
  /** Clamped to [min, max]; the caller applies it itself at start. @defaultValue min */
  initial?: number | undefined;
  /** Quiet time required between steps up. @defaultValue 60_000 */
  stepUpMs?: number | undefined;
  /** Remaining fraction of the tightest limit below which no step up happens. @defaultValue 0.2 */
  headroom?: number | undefined;
  /** Shortest window in which 429s count as one storm (when the 429 names a shorter retry-after). @defaultValue 1_000 */
  minRateLimitWindowMs?: number | undefined;
  /** @defaultValue Date.now */
  clock?: (() => number) | undefined;
};

export type ConcurrencyController = {
  /** The concurrency last decided (applied, or being applied). */
  readonly current: number;
  /**
   * A call succeeded. `remainingFraction` is the tightest `remaining / limit` its response
   * reported (`remainingFraction()` of src/llm/rate-limit-headers.ts), if any. Resolves once a
   * resulting change is applied; rejects if `apply` fails.
   */
  onSuccess(remainingFraction?: number): Promise<void>;
  /** A call got a 429; `retryAfterMs` is the server's retry-after. Resolves like `onSuccess`. */
  onRateLimited(retryAfterMs?: number): Promise<void>;
};

export function createConcurrencyController(options: ConcurrencyControllerOptions): ConcurrencyController {
  const min = options.min ?? 4;
  const max = options.max ?? 200;
  if (!(Number.isInteger(min) && min >= 1 && Number.isInteger(max) && max >= min)) {
    throw new RangeError(`concurrency bounds must be integers with 1 ≤ min ≤ max, got min ${min}, max ${max}`);
  }
  const stepUpMs = options.stepUpMs ?? 60_000;
  const headroom = options.headroom ?? 0.2;
  const minWindowMs = options.minRateLimitWindowMs ?? 1_000;
  const clock = options.clock ?? Date.now;

  let current = Math.min(max, Math.max(min, Math.round(options.initial ?? min)));
  /** Start of the current quiet period: the last change, or the last response near a limit. */
  let quietSince = clock();
  /** 429s before this belong to the storm already answered. */
  let stormUntil = -Infinity;
  let applying: Promise<void> = Promise.resolve();
  /** Whether a cap was ever applied (the first 429 sets one); only then do steps up mean anything. */
  let capped = false;

  const set = (n: number): Promise<void> => {
    current = n;
    const done = applying.then(() => options.apply(n));
    // A failed apply is reported to its caller; the next change is still applied after it.
    applying = done.catch(() => {});
    return done;
  };

  return {
    get current() {
      return current;
    },

    onSuccess(remainingFraction) {
      const now = clock();
      if (remainingFraction !== undefined && remainingFraction < headroom) {
        quietSince = now;
        return Promise.resolve();
      }
      if (!capped || current >= max || now - quietSince < stepUpMs) return Promise.resolve();
      quietSince = now;
      return set(current + 1);
    },

    onRateLimited(retryAfterMs) {
      const now = clock();
      quietSince = now;
      if (now < stormUntil) return Promise.resolve();
      const wait = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) ? retryAfterMs : 0;
      stormUntil = now + Math.max(minWindowMs, wait);
      const next = Math.max(min, Math.floor(current / 2));
      if (next === current && capped) return Promise.resolve();
      capped = true;
      return set(next);
    },
  };
}
