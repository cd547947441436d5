/**
 * `createLlmClient`: the one Claude client every sub-agent uses, over `@anthropic-ai/sdk`.
 */
import Anthropic from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { ModelConfig } from '../config.ts';
import { createBatches } from './batches.ts';
import { createCallRunner, type CallMeta, type Observed, type Recorded } from './call.ts';
import { parseRateLimitHeaders } from './rate-limit-headers.ts';
import { buildCountParams, buildParams, textOf } from './request.ts';
import { parseStructured } from './structured.ts';
import { runToolLoop } from './tool-loop.ts';
import type { LlmCallRecord, LlmClient, MessageRequest, MessageResult } from './types.ts';
import { normalizeUsage } from './usage.ts';

/** The public API; passed explicitly so the SDK never falls back to `ANTHROPIC_BASE_URL` (C8). */
export const DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** Options of {@link createLlmClient}; normally built from `Config.llm`. */
export type LlmClientOptions = {
  apiKey: string;
  /** An Anthropic-compatible server (the stand-in). @defaultValue DEFAULT_BASE_URL */
  baseURL?: string | undefined;
  /** SDK-level retries per call; keep low, the queue owns retries and backpressure. */
  maxRetries: number;
  /** Per-request timeout in ms. Always set, so the SDK never refuses large `maxTokens` non-streaming. */
  timeoutMs: number;
  models: ModelConfig;
  /** Replaces the global fetch (tests). */
  fetch?: typeof fetch | undefined;
  /** Receives one record per call, success or failure (the budget ledger). Must not throw. */
  onCall?: ((record: LlmCallRecord) => void) | undefined;
  /** @defaultValue true — see `CostOptions.batchDiscountStacksWithCache` */
  batchDiscountStacksWithCache?: boolean | undefined;
};

type RequestId = { _request_id?: string | null };

/** A parsed message with the HTTP response it came in (`APIPromise.withResponse()`). */
type WithResponse = { data: Message; response: Response | null | undefined };

const observeMessage = ({ data: message, response }: WithResponse, requestId?: string | null): Observed => ({
  usage: normalizeUsage(message.usage),
  requestId: requestId ?? (message as RequestId)._request_id,
  stopReason: message.stop_reason,
  rateLimit: parseRateLimitHeaders(response?.headers),
});

/** Create the LLM client. Every method throws only `LlmError`; every SDK call is recorded via `onCall`. */
export function createLlmClient(opts: LlmClientOptions): LlmClient {
  const sdk = new Anthropic({
    apiKey: opts.apiKey,
    baseURL: opts.baseURL ?? DEFAULT_BASE_URL,
    maxRetries: opts.maxRetries,
    timeout: opts.timeoutMs,
    // No tracer is configured in bookrun; the SDK's tracing guard costs CPU on every call.
    openTelemetry: false,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  const runner = createCallRunner({ onCall: opts.onCall, batchDiscountStacksWithCache: opts.batchDiscountStacksWithCache });

  const modelFor = (skill: string): string => opts.models.bySkill[skill] ?? opts.models.default;
  const resolveModel = (req: { skill?: string; model?: string }): string =>
    req.model ?? (req.skill === undefined ? opts.models.default : modelFor(req.skill));
  const meta = (callKind: CallMeta['callKind'], req: MessageRequest | { skill?: string; model?: string }, onCall?: CallMeta['onCall']): CallMeta => ({
    callKind,
    model: resolveModel(req),
    skill: req.skill,
    onCall,
  });
  const asResult = ({ value, usage, costUsd, record }: Recorded<Message>): MessageResult => ({
    message: value,
    text: textOf(value),
    usage,
    costUsd,
    record,
  });

  return {
    sdk,
    modelFor,

    async message(req, { signal, onCall } = {}) {
      const m = meta('message', req, onCall);
      const params = buildParams(req, m.model);
      // withResponse() hands over the parsed body and the Response (for its rate-limit headers)
      // from the one request; it adds no parsing of its own.
      const call = await runner.recorded(m, () => sdk.messages.create(params, { signal }).withResponse(), observeMessage, (r) => r.data);
      return asResult(call);
    },

    async structured(req, { signal, onCall } = {}) {
      const m = meta('structured', req, onCall);
      // messages.create with the zod format sends the same body as messages.parse, but keeps the
      // raw response when parsing fails, so the record still carries the tokens that were spent.
      const params = buildParams(req, m.model, outputFormatFor(req.schema));
      const call = await runner.recorded(
        m,
        () => sdk.messages.create(params, { signal }).withResponse(),
        observeMessage,
        ({ data: msg }) => ({ message: msg, data: parseStructured(msg, req.schema, req.name) }),
      );
      return { data: call.value.data, message: call.value.message, usage: call.usage, costUsd: call.costUsd, record: call.record };
    },

    async stream(req, { signal, onText, onCall } = {}) {
      const m = meta('stream', req, onCall);
      const params = buildParams(req, m.model);
      const call = await runner.recorded(
        m,
        async () => {
          const stream = sdk.messages.stream(params, { signal });
          if (onText) stream.on('text', (delta) => onText(delta));
          const message = await stream.finalMessage();
          return { data: message, response: stream.response, requestId: stream.request_id };
        },
        (raw) => observeMessage(raw, raw.requestId),
        ({ data }) => data,
      );
      return asResult(call);
    },

    async countTokens(req, { signal, onCall } = {}) {
      const m = { ...meta('count_tokens', req, onCall), free: true };
      const params = buildCountParams(req, m.model);
      const call = await runner.recorded(
        m,
        () => sdk.messages.countTokens(params, { signal }),
        (count) => ({ usage: normalizeUsage(null), requestId: (count as RequestId)._request_id }),
        (count) => count.input_tokens,
      );
      return call.value;
    },

    toolLoop: (req, options) => runToolLoop({ sdk, runner, resolveModel }, req, options),

    batches: createBatches({ sdk, runner, resolveModel }),
  };
}

/**
 * Converting a zod schema to JSON Schema costs more than composing a request; agents reuse one
 * schema object per step, so the format is built once per schema.
 */
const formats = new WeakMap<object, ReturnType<typeof zodOutputFormat>>();
function outputFormatFor(schema: Parameters<typeof zodOutputFormat>[0]): ReturnType<typeof zodOutputFormat> {
  let format = formats.get(schema);
  if (!format) {
    format = zodOutputFormat(schema);
    formats.set(schema, format);
  }
  return format;
}
