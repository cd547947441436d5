/**
 * One simulated organization: prompt cache, rate-limit buckets, fault injection and ids.
 * The HTTP layer and the batch processor both answer model calls through it, so a batched
 * request is composed and billed exactly like a realtime one (at the batch tier).
 */
import { ApiError } from './api-error.ts';
import { sha256 } from './digest.ts';
import { FaultInjector } from './faults.ts';
import type { StandinOptions } from './options.ts';
import { promptSegments, totalTokens } from './prompt.ts';
import { PromptCache } from './prompt-cache.ts';
import { RateLimiter } from './rate-limits.ts';
import type { MessageCreate } from './request-schema.ts';
import { draftResponse, finishMessage, type MessageObject } from './respond.ts';
import { validateCountTokens, validateMessageCreate, type ApiVersion } from './validate.ts';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ALPHABET_CODES = Buffer.from(ALPHABET, 'latin1');

export type Clock = { now: () => number };

export class StandinEngine {
  readonly limiter: RateLimiter;
  private readonly cache: PromptCache;
  private readonly faults: FaultInjector;
  private counter = 0;
  /** Made once: tsx names every arrow function it creates (a defineProperty per call). */
  private readonly idFor = (prefix: string): string => this.nextId(prefix);

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
    const digest = sha256(`${this.options.seed}:${++this.counter}`);
    // Mapped in place and decoded once (the digest is ours), not built by 22 concatenations.
    for (let i = 0; i < 22; i++) digest[i] = ALPHABET_CODES[(digest[i] ?? 0) % ALPHABET_CODES.length] ?? 48;
    return `${prefix}01${digest.toString('latin1', 0, 22)}`;
  }

  /** A realtime call: validation, injected faults, rate limits, then the cache is charged. */
  createMessage(body: unknown, version: ApiVersion, apiKey: string): { request: MessageCreate; message: MessageObject } {
    const { request, model } = validateMessageCreate(body, version);
    const fault = this.faults.next();
    if (fault) throw fault;
    const draft = draftResponse(request, model, { obedient: this.options.obedient, idFor: this.idFor });
    const prompt = this.cache.hash(keyScope(apiKey), model.id, promptSegments(request));
    const preview = this.cache.apply(prompt, model.minCacheTokens, { dryRun: true });
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
    const usage = this.cache.apply(prompt, model.minCacheTokens);
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
    const draft = draftResponse(request, model, { obedient: this.options.obedient, idFor: this.idFor });
    const usage = this.cache.apply(this.cache.hash(keyScope(apiKey), model.id, promptSegments(request)), model.minCacheTokens);
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
  let scope = scopes.get(apiKey);
  if (scope === undefined) {
    scope = sha256(apiKey).toString('base64url').slice(0, 16);
    // A fleet uses a handful of keys; the cap only stops a key-per-request client growing it.
    if (scopes.size >= MAX_SCOPES) scopes.clear();
    scopes.set(apiKey, scope);
  }
  return scope;
}
const scopes = new Map<string, string>();
const MAX_SCOPES = 256;
