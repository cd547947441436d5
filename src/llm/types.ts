/**
 * Request, result and record shapes of the LLM port. Kept apart from the implementation so
 * callers (agents, budget ledger, tests) depend on types only.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { Message, MessageParam, TextBlockParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import type { z } from 'zod';
import type { LlmError, LlmErrorKind } from './errors.ts';
import type { RateLimitSnapshot } from './rate-limit-headers.ts';
import type { TokenUsage } from './usage.ts';

/**
 * One Messages API request in bookrun terms. Sampling parameters (temperature, top_p, top_k) are
 * deliberately absent: API version 2026-10-21 rejects them.
 */
export type MessageRequest = {
  /** Skill making the call; picks the model (`models.bySkill[skill] ?? models.default`) and tags records. */
  skill?: string;
  /** Explicit model id; overrides the skill's model. */
  model?: string;
  system?: string | TextBlockParam[];
  messages: MessageParam[];
  maxTokens: number;
  tools?: Tool[];
  stopSequences?: string[];
  /** Top-level automatic prompt caching (a moving breakpoint on the last cacheable block). */
  cacheControl?: { ttl?: '5m' | '1h' };
};

/** A request whose answer must be JSON matching `schema`. */
export type StructuredRequest<T> = MessageRequest & {
  schema: z.ZodType<T>;
  /** Names the output in error messages, e.g. `research brief`. @defaultValue 'structured output' */
  name?: string;
};

/**
 * Per-call options. `signal` is passed to every SDK request; `onCall` receives this call's records
 * (after the client's own `onCall`), so a caller can ledger its calls without ambient state.
 */
export type CallOptions = { signal?: AbortSignal | undefined; onCall?: ((record: LlmCallRecord) => void) | undefined };

/** Options for {@link LlmClient.stream}. */
export type StreamOptions = CallOptions & { onText?: (delta: string) => void };

/** What kind of call a record describes. */
export type LlmCallKind = 'message' | 'structured' | 'stream' | 'count_tokens' | 'tool_turn' | 'batch_item';

/**
 * Exactly one per SDK call, success or failure, delivered to `onCall` (the budget ledger's feed).
 * Batch items are recorded as their results are read.
 */
export type LlmCallRecord = {
  callKind: LlmCallKind;
  model: string;
  skill?: string | undefined;
  requestId?: string | undefined;
  status: 'ok' | LlmErrorKind;
  usage: TokenUsage;
  /** `undefined` when the model has no known price (never a silent 0). */
  costUsd: number | undefined;
  durationMs: number;
  stopReason?: string | undefined;
  /** Set on `batch_item` records; (batchId, customId) identifies the item for de-duplication. */
  batchId?: string | undefined;
  customId?: string | undefined;
  /**
   * The `anthropic-ratelimit-*` headers of the response, 429s and other API errors included: the
   * provider limiter's and the concurrency controller's feed. Absent when the response carried
   * none, when there was no response (connection errors) and on count_tokens and batch records,
   * whose limits are not the Messages API's.
   */
  rateLimit?: RateLimitSnapshot | undefined;
};

/** Result of `message` and `stream`. */
export type MessageResult = {
  message: Message;
  /** All `text` blocks joined, selected by type (responses may start with thinking blocks). */
  text: string;
  usage: TokenUsage;
  costUsd: number | undefined;
  record: LlmCallRecord;
};

/** Result of `structured`: `data` has passed the zod schema. */
export type StructuredResult<T> = Omit<MessageResult, 'text'> & { data: T };

/** Request for `countTokens` (no output settings). */
export type CountTokensRequest = Omit<MessageRequest, 'maxTokens' | 'stopSequences'>;

/** What a loop tool returns: text for the model, or an error the model should see. */
export type LoopToolOutput = string | { content: string; isError: true };

/**
 * A client-side tool for {@link LlmClient.toolLoop}. Its input is validated with `inputSchema`
 * before `run` is called; validation failures go back to the model as `is_error` results.
 */
export type LoopTool<S extends z.ZodObject = z.ZodObject> = {
  /** Must match `^[a-zA-Z0-9_-]{1,128}$` (checked before the first request). */
  name: string;
  description: string;
  inputSchema: S;
  run(input: z.infer<S>, context: { signal?: AbortSignal | undefined }): Promise<LoopToolOutput>;
};

/** Request for a bounded manual tool-use loop. */
export type ToolLoopRequest<T> = Omit<MessageRequest, 'tools'> & {
  tools: LoopTool[];
  /** Maximum number of model calls; exceeding it throws `unrecoverable`. */
  maxTurns: number;
  /** When set, the final answer must be JSON matching this schema. */
  schema?: z.ZodType<T>;
  name?: string;
};

/** Result of a tool loop. `usage` and `costUsd` are summed over every turn. */
export type ToolLoopResult<T> = {
  message: Message;
  text: string;
  data?: T;
  turns: number;
  /** The whole conversation, the request's messages first and the final answer last. */
  messages: MessageParam[];
  usage: TokenUsage;
  costUsd: number | undefined;
  records: LlmCallRecord[];
};

/** One request of a Message Batch. */
export type BatchItem = {
  /** Must match `^[a-zA-Z0-9_-]{1,64}$` and be unique within the batch. */
  customId: string;
  request: MessageRequest & { schema?: z.ZodType<unknown> };
};

/** Progress of a Message Batch. Counts other than `processing` stay 0 until the batch ends. */
export type BatchStatus = {
  id: string;
  status: 'in_progress' | 'canceling' | 'ended';
  counts: { processing: number; succeeded: number; errored: number; canceled: number; expired: number };
  resultsReady: boolean;
  createdAt: string;
  endedAt: string | null;
};

/** One batch result, priced at the batch discount. */
export type BatchItemResult<T = unknown> =
  | {
      customId: string;
      ok: true;
      message: Message;
      text: string;
      /** Present when `results` was given a schema. */
      data?: T;
      usage: TokenUsage;
      costUsd: number | undefined;
    }
  | { customId: string; ok: false; kind: 'errored' | 'canceled' | 'expired' | 'invalid_output'; error?: LlmError };

/** Message Batches (half price, asynchronous, ≤ 24 h). */
export interface LlmBatches {
  /** Create a batch; returns its id. */
  submit(items: BatchItem[], options?: CallOptions): Promise<string>;
  retrieve(id: string, options?: CallOptions): Promise<BatchStatus>;
  /** Stream results (in arbitrary order); with `schema`, successful items are parsed and validated. */
  results<T = unknown>(id: string, options?: CallOptions & { schema?: z.ZodType<T> }): AsyncIterable<BatchItemResult<T>>;
  cancel(id: string, options?: CallOptions): Promise<BatchStatus>;
  /** Poll until `status === 'ended'`. @defaultValue pollMs 15_000 */
  waitForBatch(id: string, options?: { pollMs?: number; signal?: AbortSignal | undefined }): Promise<BatchStatus>;
}

/** The one LLM port every sub-agent uses. Every method throws only `LlmError`. */
export interface LlmClient {
  modelFor(skill: string): string;
  message(req: MessageRequest, options?: CallOptions): Promise<MessageResult>;
  structured<T>(req: StructuredRequest<T>, options?: CallOptions): Promise<StructuredResult<T>>;
  stream(req: MessageRequest, options?: StreamOptions): Promise<MessageResult>;
  countTokens(req: CountTokensRequest, options?: CallOptions): Promise<number>;
  toolLoop<T = undefined>(req: ToolLoopRequest<T>, options?: CallOptions): Promise<ToolLoopResult<T>>;
  batches: LlmBatches;
  /** The underlying SDK client, for what the port does not cover. Calls made through it are not recorded. */
  sdk: Anthropic;
}
