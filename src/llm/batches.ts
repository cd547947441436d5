/**
 * Message Batches: submit whole stages at half price, poll, and read priced results.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type Anthropic from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import type { MessageBatch, MessageBatchIndividualResponse } from '@anthropic-ai/sdk/resources/messages';
import type { z } from 'zod';
import type { CallRunner } from './call.ts';
import { classifyErrorResponse, LlmError } from './errors.ts';
import { buildParams, textOf } from './request.ts';
import { parseStructured } from './structured.ts';
import type { BatchItem, BatchItemResult, BatchStatus, CallOptions, LlmBatches, LlmCallRecord } from './types.ts';
import { normalizeUsage, ZERO_USAGE } from './usage.ts';

/** Custom ids the API accepts. */
export const CUSTOM_ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** Default poll interval of `waitForBatch`: batches take minutes to hours. */
export const DEFAULT_BATCH_POLL_MS = 15_000;

type BatchDeps = { sdk: Anthropic; runner: CallRunner; resolveModel: (req: { skill?: string; model?: string }) => string };

function toStatus(batch: MessageBatch): BatchStatus {
  return {
    id: batch.id,
    status: batch.processing_status,
    counts: { ...batch.request_counts },
    resultsReady: batch.processing_status === 'ended' && Boolean(batch.results_url),
    createdAt: batch.created_at,
    endedAt: batch.ended_at,
  };
}

function assertItems(items: readonly BatchItem[]): void {
  if (items.length === 0) throw new LlmError('unrecoverable', 'a batch needs at least one item');
  const seen = new Set<string>();
  for (const { customId } of items) {
    if (!CUSTOM_ID_PATTERN.test(customId)) {
      throw new LlmError('unrecoverable', `invalid batch custom id "${customId}": must match ${CUSTOM_ID_PATTERN.source}`);
    }
    if (seen.has(customId)) throw new LlmError('unrecoverable', `duplicate batch custom id "${customId}"`);
    seen.add(customId);
  }
}

/** Create the batches half of the client. */
export function createBatches(deps: BatchDeps): LlmBatches {
  const { sdk, runner } = deps;

  function toResult<T>(batchId: string, line: MessageBatchIndividualResponse, schema?: z.ZodType<T>): BatchItemResult<T> {
    const customId = line.custom_id;
    const base = { callKind: 'batch_item', batchId, customId, durationMs: 0 } as const;
    const result = line.result;
    if (result.type !== 'succeeded') {
      const error =
        result.type === 'errored'
          ? classifyErrorResponse(result.error, customId)
          : result.type === 'canceled'
            ? new LlmError('aborted', `batch item ${customId} was canceled before it ran`)
            : new LlmError('retryable', `batch item ${customId} expired before it ran (24 h limit); resubmit it`);
      // Items that never ran are not billed; the model is unknown because results do not echo it.
      runner.emit({ ...base, model: 'unknown', status: error.kind, usage: ZERO_USAGE, costUsd: 0, requestId: error.requestId });
      return { customId, ok: false, kind: result.type, error };
    }
    const message = result.message;
    const usage = normalizeUsage(message.usage);
    const costUsd = runner.price(message.model, usage, true);
    const record: LlmCallRecord = {
      ...base,
      model: message.model,
      status: 'ok',
      usage,
      costUsd,
      stopReason: message.stop_reason ?? undefined,
    };
    let data: T | undefined;
    if (schema) {
      try {
        data = parseStructured(message, schema, `batch item ${customId}`);
      } catch (err) {
        const error = err as LlmError; // parseStructured only throws invalid_output
        runner.emit({ ...record, status: error.kind });
        return { customId, ok: false, kind: 'invalid_output', error };
      }
    }
    runner.emit(record);
    return { customId, ok: true, message, text: textOf(message), usage, costUsd, ...(schema ? { data: data as T } : {}) };
  }

  const retrieve = (id: string, options: CallOptions = {}) =>
    runner.guard(async () => toStatus(await sdk.messages.batches.retrieve(id, {}, { signal: options.signal })));

  return {
    async submit(items, options = {}) {
      assertItems(items);
      const requests = items.map(({ customId, request }) => ({
        custom_id: customId,
        params: buildParams(request, deps.resolveModel(request), request.schema ? zodOutputFormat(request.schema) : undefined),
      }));
      const batch = await runner.guard(() => sdk.messages.batches.create({ requests }, { signal: options.signal }));
      return batch.id;
    },

    retrieve,

    async *results<T = unknown>(id: string, options: CallOptions & { schema?: z.ZodType<T> } = {}) {
      const decoder = await runner.guard(() => sdk.messages.batches.results(id, {}, { signal: options.signal }));
      const lines = decoder[Symbol.asyncIterator]();
      for (;;) {
        const next = await runner.guard(() => lines.next());
        if (next.done) return;
        yield toResult(id, next.value, options.schema);
      }
    },

    cancel: (id, options = {}) =>
      runner.guard(async () => toStatus(await sdk.messages.batches.cancel(id, {}, { signal: options.signal }))),

    waitForBatch: (id, options = {}) =>
      runner.guard(async () => {
        const pollMs = options.pollMs ?? DEFAULT_BATCH_POLL_MS;
        for (;;) {
          const status = await retrieve(id, { signal: options.signal });
          if (status.status === 'ended') return status;
          // Rejects with an AbortError when the signal fires; guard() turns that into `aborted`.
          await sleep(pollMs, undefined, { signal: options.signal });
        }
      }),
  };
}
