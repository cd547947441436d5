/**
 * The single place SDK errors are classified. Everything the LLM client throws is an `LlmError`
 * whose `kind` tells the queue what to do (wait, back off, stop the run, give up, re-prompt).
 */
import {
  AnthropicError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type { ErrorResponse } from '@anthropic-ai/sdk/resources/shared';

/**
 * - `rate_limited`: 429; wait `retryAfterMs` (when given) before the next call.
 * - `retryable`: 408/409/5xx/529, connection errors, timeouts; retry with backoff.
 * - `spend_cap`: an organisation spend limit was hit; retrying will not help before an operator acts.
 * - `unrecoverable`: other 4xx and client-side misuse; retrying the same request fails again.
 * - `invalid_output`: the model answered, but not with valid structured output (or was truncated).
 * - `aborted`: the caller's `AbortSignal` fired.
 */
export type LlmErrorKind = 'rate_limited' | 'retryable' | 'spend_cap' | 'unrecoverable' | 'invalid_output' | 'aborted';

/** Fields of an {@link LlmError} besides kind and message. */
export type LlmErrorDetails = {
  status?: number | undefined;
  requestId?: string | undefined;
  retryAfterMs?: number | undefined;
  /** The API's `error.type`, e.g. `overloaded_error`. */
  errorType?: string | undefined;
  /** The API's `error.details.error_code`, e.g. `enforced_spend_limit_reached`. */
  errorCode?: string | undefined;
  cause?: unknown;
};

/** The only error type thrown out of the LLM client. The message is written for an operator. */
export class LlmError extends Error {
  readonly kind: LlmErrorKind;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly errorType: string | undefined;
  readonly errorCode: string | undefined;

  constructor(kind: LlmErrorKind, message: string, details: LlmErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'LlmError';
    this.kind = kind;
    this.status = details.status;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
    this.errorType = details.errorType;
    this.errorCode = details.errorCode;
  }
}

/** Error codes meaning an organisation's spend limit was reached (SDK `core/error-classes.ts`). */
const SPEND_CAP_CODES = new Set([
  'enforced_spend_limit_reached',
  'contract_spend_limit_reached',
  'linked_organization_spend_limit_reached',
]);

/** Error types that are transient when they arrive without an HTTP status (mid-stream `error` events). */
const TRANSIENT_TYPES = new Set(['overloaded_error', 'api_error', 'timeout_error']);

/**
 * Server-requested delay: `retry-after-ms` (float ms) first, then `retry-after` (seconds or an
 * HTTP date), in the order the SDK itself uses. `undefined` when absent or unparseable.
 */
export function parseRetryAfter(headers: Headers | undefined | null, now: number = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms != null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return Math.ceil(value);
  }
  const after = headers?.get('retry-after');
  if (after == null || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function kindFor(status: number | undefined, type: string | undefined, code: string | undefined): LlmErrorKind {
  if (code && SPEND_CAP_CODES.has(code)) return 'spend_cap';
  if (status === undefined) {
    if (type === 'rate_limit_error') return 'rate_limited';
    if (type === undefined || TRANSIENT_TYPES.has(type)) return 'retryable';
    return 'unrecoverable';
  }
  if (status === 429) return 'rate_limited';
  if (status === 408 || status === 409 || status >= 500) return 'retryable';
  return 'unrecoverable';
}

function describe(parts: {
  status: number | undefined;
  type: string | undefined;
  code: string | undefined;
  message: string;
  requestId: string | undefined;
  retryAfterMs: number | undefined;
}): string {
  const head = ['Claude API', parts.status ?? 'error', parts.type].filter((x) => x !== undefined).join(' ');
  const code = parts.code ? ` (${parts.code})` : '';
  const request = parts.requestId ? ` [request-id ${parts.requestId}]` : '';
  const retry = parts.retryAfterMs !== undefined ? ` [retry after ${parts.retryAfterMs} ms]` : '';
  return `${head}${code}: ${parts.message}${request}${retry}`;
}

function fromApiError(err: APIError): LlmError {
  const body = err.error as { request_id?: unknown; error?: { message?: unknown } } | undefined;
  const requestId = err.requestID ?? (typeof body?.request_id === 'string' ? body.request_id : undefined);
  const type = err.type ?? undefined;
  const code = err.errorCode ?? undefined;
  const retryAfterMs = parseRetryAfter(err.headers);
  // The SDK's own message is "<status> <JSON body>"; the API's message reads better.
  const message = err.apiMessage ?? err.message;
  return new LlmError(
    kindFor(err.status, type, code),
    describe({ status: err.status, type, code, message, requestId, retryAfterMs }),
    { status: err.status, requestId, retryAfterMs, errorType: type, errorCode: code, cause: err },
  );
}

function causeText(err: Error): string {
  // The SDK's own text ("Connection error.") says less than the fetch failure beneath it.
  const chain: string[] = [];
  for (let c: unknown = err.cause; c instanceof Error && chain.length < 3; c = c.cause) chain.push(c.message);
  return chain.length > 0 ? chain.join(': ') : err.message;
}

/** Turn anything thrown by an SDK call into an {@link LlmError}. Idempotent on `LlmError`. */
export function classifyLlmError(err: unknown): LlmError {
  if (err instanceof LlmError) return err;
  // APIUserAbortError is an APIError subclass: test it (and plain AbortErrors) first.
  if (err instanceof APIUserAbortError || (err instanceof Error && err.name === 'AbortError')) {
    return new LlmError('aborted', 'Claude API call aborted by the caller', { cause: err });
  }
  if (err instanceof APIConnectionTimeoutError) {
    return new LlmError('retryable', `Claude API request timed out: ${causeText(err)}`, { cause: err });
  }
  if (err instanceof APIConnectionError) {
    return new LlmError('retryable', `Claude API connection failed: ${causeText(err)}`, { cause: err });
  }
  if (err instanceof APIError) return fromApiError(err);
  if (err instanceof AnthropicError) {
    return new LlmError('unrecoverable', `Claude SDK error: ${err.message}`, { cause: err });
  }
  const text = err instanceof Error ? err.message : String(err);
  return new LlmError('unrecoverable', `unexpected error in LLM call: ${text}`, { cause: err });
}

/** Classify the `error` of an errored Message Batch result (no HTTP status is available). */
export function classifyErrorResponse(body: ErrorResponse | undefined, customId: string): LlmError {
  const inner = body?.error as { type?: string; message?: string; details?: { error_code?: unknown } } | undefined;
  const type = inner?.type;
  const code = typeof inner?.details?.error_code === 'string' ? inner.details.error_code : undefined;
  const requestId = body?.request_id ?? undefined;
  const message = `batch item ${customId}: ${inner?.message ?? 'errored without a message'}`;
  return new LlmError(
    kindFor(undefined, type, code),
    describe({ status: undefined, type, code, message, requestId, retryAfterMs: undefined }),
    { requestId, errorType: type, errorCode: code, cause: body },
  );
}
