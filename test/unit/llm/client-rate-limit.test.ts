/** Every model call's record carries the response's rate-limit headers, success or failure. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiError, hello, json, message, rejection, scriptedFetch, sse, testClient, text } from './fake-api.ts';

const limits = (remaining: number) => ({
  'anthropic-ratelimit-requests-limit': '1000',
  'anthropic-ratelimit-requests-remaining': String(remaining),
  'anthropic-ratelimit-input-tokens-limit': '80000',
  'anthropic-ratelimit-input-tokens-remaining': '79000',
  'anthropic-ratelimit-output-tokens-limit': '16000',
  'anthropic-ratelimit-output-tokens-remaining': '15900',
});
const snapshot = (remaining: number) => ({
  requests: { limit: 1000, remaining },
  inputTokens: { limit: 80000, remaining: 79000 },
  outputTokens: { limit: 16000, remaining: 15900 },
});

describe('the rate-limit snapshot on call records', () => {
  it('comes from the response of message, structured and tool-loop calls', async () => {
    const { fetch } = scriptedFetch(
      () => json(message([text('ok')]), 200, limits(999)),
      () => json(message([text('{"n":1}')]), 200, limits(998)),
      () => json(message([text('done')]), 200, limits(997)),
    );
    const { client, records } = testClient(fetch);
    const result = await client.message(hello);
    await client.structured({ ...hello, schema: z.object({ n: z.number() }) });
    await client.toolLoop({ ...hello, maxTurns: 2, tools: [] });
    expect(result.record.rateLimit).toEqual(snapshot(999));
    expect(records.map((r) => r.rateLimit)).toEqual([snapshot(999), snapshot(998), snapshot(997)]);
  });

  it('comes from the response of a stream', async () => {
    const msg = message([]);
    const { fetch } = scriptedFetch(() => {
      const res = sse([
        ['message_start', { type: 'message_start', message: msg }],
        ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } }],
        ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'hi' } }],
        ['content_block_stop', { type: 'content_block_stop', index: 0 }],
        ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 1 } }],
        ['message_stop', { type: 'message_stop' }],
      ]);
      for (const [k, v] of Object.entries(limits(5))) res.headers.set(k, v);
      return res;
    });
    const { client } = testClient(fetch);
    const result = await client.stream(hello);
    expect(result.text).toBe('hi');
    expect(result.record.rateLimit).toEqual(snapshot(5));
  });

  it('comes from a 429 and its retry-after', async () => {
    const { fetch } = scriptedFetch(() =>
      apiError(429, 'rate_limit_error', 'slow down', { headers: { ...limits(0), 'retry-after': '3' } }),
    );
    const { client, records } = testClient(fetch);
    const err = await rejection(client.message(hello));
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(3_000);
    expect(records[0]).toMatchObject({ status: 'rate_limited', rateLimit: snapshot(0) });
  });

  it('comes from the answer when structured output fails to parse', async () => {
    const { fetch } = scriptedFetch(() => json(message([text('not json')]), 200, limits(42)));
    const { client, records } = testClient(fetch);
    const err = await rejection(client.structured({ ...hello, schema: z.object({ n: z.number() }) }));
    expect(err.kind).toBe('invalid_output');
    expect(records[0]?.rateLimit).toEqual(snapshot(42));
  });

  it('is absent without headers, and on count_tokens (whose limits are not the Messages API’s)', async () => {
    const { fetch } = scriptedFetch(
      () => json(message([text('ok')])),
      () => json({ input_tokens: 12 }, 200, limits(1)),
    );
    const { client, records } = testClient(fetch);
    await client.message(hello);
    await client.countTokens(hello);
    expect(records).toHaveLength(2);
    expect(records.map((r) => 'rateLimit' in r)).toEqual([false, false]);
  });
});
