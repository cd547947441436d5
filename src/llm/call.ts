/**
 * The one wrapper around SDK calls: it classifies every failure (the only caller of
 * `classifyLlmError`) and emits exactly one `LlmCallRecord` per recorded call.
 */
import { APIError } from '@anthropic-ai/sdk';
import { classifyLlmError, type LlmError } from './errors.ts';
import { costUsd } from './pricing.ts';
import { parseRateLimitHeaders, type RateLimitSnapshot } from './rate-limit-headers.ts';
import type { LlmCallKind, LlmCallRecord } from './types.ts';
import { ZERO_USAGE, type TokenUsage } from './usage.ts';

/** What a finished SDK call reveals for its record. */
export type Observed = {
  usage: TokenUsage;
  requestId?: string | null | undefined;
  stopReason?: string | null | undefined;
  /** The response's rate-limit headers (see `LlmCallRecord.rateLimit`). */
  rateLimit?: RateLimitSnapshot | undefined;
};

/** Identity of one recorded call. */
export type CallMeta = {
  callKind: LlmCallKind;
  model: string;
  skill?: string | undefined;
  /**
   * No tokens are billed (count_tokens): cost is 0 whatever the model. Such calls have their own
   * limits, so their rate-limit headers are not recorded either: they would mislead the limiter.
   */
  free?: boolean;
  /** The caller's observer of this call's record (`CallOptions.onCall`). */
  onCall?: ((record: LlmCallRecord) => void) | undefined;
};

/** Settings shared by every call of one client. */
export type CallRunnerOptions = {
  onCall?: ((record: LlmCallRecord) => void) | undefined;
  /** @defaultValue true (see `CostOptions.batchDiscountStacksWithCache`) */
  batchDiscountStacksWithCache?: boolean | undefined;
  /** @defaultValue performance.now */
  clock?: (() => number) | undefined;
};

/** A call's value plus what was recorded about it. */
export type Recorded<T> = { value: T; usage: TokenUsage; costUsd: number | undefined; record: LlmCallRecord };

/** Runs SDK calls with classification and records. */
export type CallRunner = {
  /** Run `fn`; anything it throws comes out as an `LlmError`. No record. */
  guard<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Run `send`, then `finish` on its result (which may throw, e.g. `invalid_output`); emit one
   * record either way, with the usage of the response whenever there was one.
   */
  recorded<R, T>(meta: CallMeta, send: () => Promise<R>, observe: (raw: R) => Observed, finish: (raw: R) => T): Promise<Recorded<T>>;
  /** Build and emit a record for something that was not an SDK call of ours (batch items). */
  emit(record: LlmCallRecord): void;
  /** Price usage with this client's batch settings. */
  price(model: string, usage: TokenUsage, batch?: boolean): number | undefined;
};

/** Create the call runner for one client. */
export function createCallRunner(options: CallRunnerOptions = {}): CallRunner {
  const clock = options.clock ?? (() => performance.now());
  const stacks = options.batchDiscountStacksWithCache ?? true;
  const emit = (record: LlmCallRecord) => options.onCall?.(record);
  const price = (model: string, usage: TokenUsage, batch?: boolean) =>
    costUsd(model, usage, { ...(batch === undefined ? {} : { batch }), batchDiscountStacksWithCache: stacks });

  async function guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw classifyLlmError(err);
    }
  }

  async function recorded<R, T>(
    meta: CallMeta,
    send: () => Promise<R>,
    observe: (raw: R) => Observed,
    finish: (raw: R) => T,
  ): Promise<Recorded<T>> {
    const started = clock();
    let observed: Observed = { usage: ZERO_USAGE };
    const makeRecord = (status: LlmCallRecord['status'], requestId?: string, rateLimit = observed.rateLimit): LlmCallRecord => ({
      callKind: meta.callKind,
      model: meta.model,
      skill: meta.skill,
      requestId: requestId ?? observed.requestId ?? undefined,
      status,
      usage: observed.usage,
      costUsd: meta.free ? 0 : price(meta.model, observed.usage),
      durationMs: Math.max(0, Math.round(clock() - started)),
      stopReason: observed.stopReason ?? undefined,
      // Only when known: records without headers keep their old shape.
      ...(rateLimit && !meta.free ? { rateLimit } : {}),
    });

    let value: T;
    try {
      value = await guard(async () => {
        const raw = await send();
        observed = observe(raw);
        return finish(raw);
      });
    } catch (err) {
      const error = err as LlmError; // guard() only throws LlmError
      // A 429 carries the limits that were hit; that is the response the limiter most needs.
      const record = makeRecord(error.kind, error.requestId, observed.rateLimit ?? errorRateLimit(error));
      emit(record);
      meta.onCall?.(record);
      throw error;
    }
    // Emitted outside guard(): an exception from onCall is the ledger's, not an LLM failure.
    const record = makeRecord('ok');
    emit(record);
    meta.onCall?.(record);
    return { value, usage: record.usage, costUsd: record.costUsd, record };
  }

  return { guard, recorded, emit, price };
}

/** The rate-limit headers of the API error beneath an `LlmError`, if it came with a response. */
function errorRateLimit(error: LlmError): RateLimitSnapshot | undefined {
  return error.cause instanceof APIError ? parseRateLimitHeaders(error.cause.headers) : undefined;
}
