/**
 * One simulated organization: prompt cache, rate-limit buckets, fault injection and ids.
 * The HTTP layer and the batch processor both answer model calls through it, so a batched
 * request is composed and billed exactly like a realtime one (at the batch tier).
 */
import { createHash } from 'node:crypto';
import { ApiError } from './api-error.ts';
import { FaultInjector } from './faults.ts';
import type { StandinOptions } from './options.ts';
import { promptSegments, totalTokens } from './prompt.ts';
import { PromptCache } from './prompt-cache.ts';
import { RateLimiter } from './rate-limits.ts';
import type { MessageCreate } from './request-schema.ts';
import { draftResponse, finishMessage, type MessageObject } from './respond.ts';
import { validateCountTokens, validateMessageCreate, type ApiVersion } from './validate.ts';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export type Clock = { now: () => number };

export class StandinEngine {
  readonly limiter: RateLimiter;
  private readonly cache: PromptCache;
  private readonly faults: FaultInjector;
  private counter = 0;

  constructor(
    readonly options: StandinOptions,
    readonly clock: Clock = { now: Date.now },
  ) {
    this.limiter = new RateLimiter({ rpm: options.rpm, itpm: options.itpm, otpm: options.otpm }, clock.now);
    this.cache = new PromptCache(clock.now);
    this.faults = new FaultInjector(options.faultRate, options.faultKinds, options.seed);
  }

  /** Ids look like the API's (`msg_01…`, `toolu_01…`, `req_01…`) and repeat for a given seed. */
  nextId(prefix: string): string {
    const digest = createHash('sha256').update(`${this.options.seed}:${++this.counter}`).digest();
    let id = `${prefix}01`;
    for (let i = 0; i < 22; i++) id += ALPHABET[(digest[i] ?? 0) % ALPHABET.length];
    return id;
  }

  /** A realtime call: validation, injected faults, rate limits, then the cache is charged. */
  createMessage(body: unknown, version: ApiVersion, apiKey: string): { request: MessageCreate; message: MessageObject } {
    const { request, model } = validateMessageCreate(body, version);
    const fault = this.faults.next();
    if (fault) throw fault;
    const draft = draftResponse(request, model, { obedient: this.options.obedient, idFor: (p) => this.nextId(p) });
    const segments = promptSegments(request);
    const scope = keyScope(apiKey);
    const preview = this.cache.apply(scope, model.id, model.minCacheTokens, segments, { dryRun: true });
    const admission = this.limiter.admit({
      requests: 1,
      // Cache reads do not count toward ITPM on current models; writes do.
      inputTokens: preview.input + preview.cacheWrite5m + preview.cacheWrite1h,
      outputTokens: draft.outputTokens,
    });
    if (!admission.ok) {
      throw new ApiError('rate_limit_error', `This request would exceed your organization's rate limit of ${this.limitText(admission.limit)}. Please retry after ${Math.ceil(admission.retryAfterMs / 1000)} seconds.`, {
        headers: { 'retry-after': String(Math.max(1, Math.ceil(admission.retryAfterMs / 1000))) },
      });
    }
    const usage = this.cache.apply(scope, model.id, model.minCacheTokens, segments);
    return { request, message: finishMessage(request, draft, usage, { id: this.nextId('msg_'), tier: 'standard' }) };
  }

  /** A batched call: no per-minute limits (batches have their own queue), billed at the batch tier. */
  batchMessage(params: unknown, version: ApiVersion, apiKey: string): MessageObject {
    if (params !== null && typeof params === 'object' && (params as { stream?: unknown }).stream === true) {
      throw new ApiError('invalid_request_error', 'stream: streaming is not supported in message batches');
    }
    const { request, model } = validateMessageCreate(params, version);
    const fault = this.faults.next();
    if (fault) throw new ApiError(fault.type === 'overloaded_error' ? 'overloaded_error' : 'api_error', fault.message);
    const draft = draftResponse(request, model, { obedient: this.options.obedient, idFor: (p) => this.nextId(p) });
    const usage = this.cache.apply(keyScope(apiKey), model.id, model.minCacheTokens, promptSegments(request));
    return finishMessage(request, draft, usage, { id: this.nextId('msg_'), tier: 'batch' });
  }

  countTokens(body: unknown, version: ApiVersion): { input_tokens: number } {
    const { request } = validateCountTokens(body, version);
    return { input_tokens: totalTokens(promptSegments(request)) };
  }

  private limitText(limit: 'requests' | 'input_tokens' | 'output_tokens'): string {
    const o = this.options;
    if (limit === 'requests') return `${o.rpm} requests per minute`;
    if (limit === 'input_tokens') return `${o.itpm} input tokens per minute`;
    return `${o.otpm} output tokens per minute`;
  }
}

/** Caches are per organization; the key itself never leaves this hash. */
function keyScope(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('base64url').slice(0, 16);
}
