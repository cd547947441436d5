import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { BatchItemResult } from '../../../src/llm/types.ts';
import { json, message, scriptedFetch, testClient, text, type Handler } from './fake-api.ts';

const BASE = 'http://127.0.0.1:1';

function batch(id: string, status: 'in_progress' | 'canceling' | 'ended') {
  const ended = status === 'ended';
  return {
    id,
    type: 'message_batch',
    processing_status: status,
    request_counts: { processing: ended ? 0 : 4, succeeded: ended ? 2 : 0, errored: ended ? 1 : 0, canceled: 0, expired: ended ? 1 : 0 },
    created_at: '2026-11-20T00:00:00Z',
    expires_at: '2026-11-21T00:00:00Z',
    ended_at: ended ? '2026-11-20T00:10:00Z' : null,
    cancel_initiated_at: null,
    archived_at: null,
    results_url: ended ? `${BASE}/v1/messages/batches/${id}/results` : null,
  };
}

const usage = { input_tokens: 1_000_000, output_tokens: 1_000_000, service_tier: 'batch' };
const lines = [
  { custom_id: 'acct-1', result: { type: 'succeeded', message: message([text('{"tier":"A"}')], { usage }) } },
  { custom_id: 'acct-2', result: { type: 'succeeded', message: message([text('{"tier":"Q"}')], { usage }) } },
  {
    custom_id: 'acct-3',
    result: { type: 'errored', error: { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: too large' }, request_id: 'req_b3' } },
  },
  { custom_id: 'acct-4', result: { type: 'expired' } },
];

/** A tiny Batches API: ends after `pollsUntilEnded` retrieves. */
function batchApi(pollsUntilEnded = 2): Handler {
  let polls = 0;
  return (req) => {
    const url = new URL(req.url);
    if (req.method === 'POST' && url.pathname === '/v1/messages/batches') return json(batch('msgbatch_1', 'in_progress'));
    if (req.method === 'POST' && url.pathname.endsWith('/cancel')) return json(batch('msgbatch_1', 'canceling'));
    if (url.pathname.endsWith('/results')) {
      const body = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
      return new Response(body, { headers: { 'content-type': 'application/binary', 'request-id': 'req_r' } });
    }
    polls += 1;
    return json(batch('msgbatch_1', polls >= pollsUntilEnded ? 'ended' : 'in_progress'));
  };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('batches', () => {
  it('submits items with per-skill models and validates custom ids', async () => {
    const { fetch, seen } = scriptedFetch(batchApi());
    const { client } = testClient(fetch);
    const request = { messages: [{ role: 'user' as const, content: 'x' }], maxTokens: 10 };
    const id = await client.batches.submit([
      { customId: 'acct-1', request: { ...request, skill: 'research' } },
      { customId: 'acct_2', request: { ...request, schema: z.object({ tier: z.string() }) } },
    ]);
    expect(id).toBe('msgbatch_1');
    const requests = seen[0]?.body?.requests as Array<{ custom_id: string; params: Record<string, unknown> }>;
    expect(requests.map((r) => [r.custom_id, r.params.model])).toEqual([
      ['acct-1', 'claude-opus-5-5'],
      ['acct_2', 'claude-sonnet-5-5'],
    ]);
    expect(requests[1]?.params.output_config).toMatchObject({ format: { type: 'json_schema' } });

    await expect(client.batches.submit([{ customId: 'acct:1', request }])).rejects.toMatchObject({
      kind: 'unrecoverable',
      message: expect.stringContaining('"acct:1"'),
    });
    await expect(
      client.batches.submit([
        { customId: 'a', request },
        { customId: 'a', request },
      ]),
    ).rejects.toThrow(/duplicate batch custom id "a"/);
    expect(seen).toHaveLength(1);
  });

  it('waits for the batch to end, then yields batch-priced results with one record each', async () => {
    const { fetch } = scriptedFetch(batchApi(3));
    const { client, records } = testClient(fetch);
    const status = await client.batches.waitForBatch('msgbatch_1', { pollMs: 1 });
    expect(status).toMatchObject({ status: 'ended', resultsReady: true, counts: { succeeded: 2, errored: 1, expired: 1 } });

    const results = await collect(client.batches.results('msgbatch_1', { schema: z.object({ tier: z.enum(['A', 'B']) }) }));
    const byId = new Map(results.map((r) => [r.customId, r] as [string, BatchItemResult<{ tier: 'A' | 'B' }>]));
    const ok = byId.get('acct-1');
    expect(ok?.ok).toBe(true);
    if (ok?.ok) {
      expect(ok.data).toEqual({ tier: 'A' });
      expect(ok.costUsd).toBeCloseTo(6, 10); // Sonnet 5.5 1M/1M = $12, halved
    }
    expect(byId.get('acct-2')).toMatchObject({ ok: false, kind: 'invalid_output', error: { kind: 'invalid_output' } });
    expect(byId.get('acct-3')).toMatchObject({
      ok: false,
      kind: 'errored',
      error: { kind: 'unrecoverable', errorType: 'invalid_request_error', requestId: 'req_b3' },
    });
    expect(byId.get('acct-4')).toMatchObject({ ok: false, kind: 'expired', error: { kind: 'retryable' } });

    expect(records.map((r) => [r.callKind, r.customId, r.status])).toEqual([
      ['batch_item', 'acct-1', 'ok'],
      ['batch_item', 'acct-2', 'invalid_output'],
      ['batch_item', 'acct-3', 'unrecoverable'],
      ['batch_item', 'acct-4', 'retryable'],
    ]);
    expect(records[0]).toMatchObject({ batchId: 'msgbatch_1', usage: { serviceTier: 'batch' } });
  });

  it('aborts waitForBatch through its signal', async () => {
    const { fetch } = scriptedFetch(batchApi(Number.POSITIVE_INFINITY));
    const { client } = testClient(fetch);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(client.batches.waitForBatch('msgbatch_1', { pollMs: 5, signal: controller.signal })).rejects.toMatchObject({
      name: 'LlmError',
      kind: 'aborted',
    });
  });

  it('cancels and retrieves', async () => {
    const { fetch, seen } = scriptedFetch(batchApi());
    const { client } = testClient(fetch);
    expect(await client.batches.cancel('msgbatch_1')).toMatchObject({ status: 'canceling', resultsReady: false });
    expect(seen[0]).toMatchObject({ method: 'POST', url: `${BASE}/v1/messages/batches/msgbatch_1/cancel` });
    expect(await client.batches.retrieve('msgbatch_1')).toMatchObject({ id: 'msgbatch_1', status: 'in_progress' });
  });
});
