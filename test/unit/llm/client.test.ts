import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hello, json, message, rejection, scriptedFetch, sse, testClient, text, thinking } from './fake-api.ts';

const Brief = z.object({ account: z.string(), score: z.number().int().min(0).max(100) });

describe('message', () => {
  it('selects text blocks by type, skipping a leading thinking block', async () => {
    const { fetch } = scriptedFetch(() => json(message([thinking(), text('Hello'), text(', world')])));
    const { client } = testClient(fetch);
    const result = await client.message(hello);
    expect(result.text).toBe('Hello, world');
    expect(result.message.content[0]?.type).toBe('thinking');
  });

  it('sends only known fields: no sampling parameters, top-level cache control, the skill model', async () => {
    const { fetch, seen } = scriptedFetch(() => json(message([text('ok')])));
    const { client } = testClient(fetch);
    const req = { ...hello, skill: 'research', system: 'be brief', stopSequences: ['END'], cacheControl: { ttl: '1h' as const } };
    await client.message({ ...req, temperature: 0.2, top_p: 0.9 } as typeof req);
    const body = seen[0]?.body ?? {};
    expect(seen[0]?.url).toBe('http://127.0.0.1:1/v1/messages');
    expect(body).toEqual({
      model: 'claude-opus-5-5',
      max_tokens: 100,
      messages: hello.messages,
      system: 'be brief',
      stop_sequences: ['END'],
      cache_control: { type: 'ephemeral', ttl: '1h' },
    });
    expect(seen[0]?.headers.get('authorization')).toBe('Bearer k');
  });

  it('picks the model per skill from configuration, an explicit model winning', async () => {
    const { fetch, seen } = scriptedFetch(() => json(message([text('ok')])));
    const { client } = testClient(fetch);
    expect(client.modelFor('research')).toBe('claude-opus-5-5');
    expect(client.modelFor('drafting')).toBe('claude-sonnet-5-5');
    await client.message({ ...hello, skill: 'research', model: 'claude-haiku-5-5' });
    expect(seen[0]?.body?.model).toBe('claude-haiku-5-5');
  });
});

describe('onCall', () => {
  it('is called once per call with usage, cost, request id and duration', async () => {
    const usage = { input_tokens: 1_000, output_tokens: 500, cache_read_input_tokens: 10_000 };
    const { fetch } = scriptedFetch(() => json(message([text('ok')], { usage })));
    const { client, records } = testClient(fetch);
    const result = await client.message({ ...hello, skill: 'drafting' });
    expect(records).toHaveLength(1);
    const record = records[0];
    expect(record).toMatchObject({
      callKind: 'message',
      model: 'claude-sonnet-5-5',
      skill: 'drafting',
      status: 'ok',
      stopReason: 'end_turn',
      usage: { input: 1_000, output: 500, cacheRead: 10_000 },
    });
    expect(record?.requestId).toMatch(/^req_test_/);
    // $2 × 1K + $10 × 500 + $0.20 × 10K, per million.
    expect(record?.costUsd).toBeCloseTo((2_000 + 5_000 + 2_000) / 1e6, 12);
    expect(result.costUsd).toBe(record?.costUsd);
    expect(result.record).toBe(record);
    expect(record?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('records failures too, exactly once', async () => {
    const { fetch } = scriptedFetch(() => json({ type: 'error', error: { type: 'api_error', message: 'boom' } }, 500));
    const { client, records } = testClient(fetch);
    await rejection(client.message(hello));
    expect(records).toEqual([expect.objectContaining({ callKind: 'message', status: 'retryable', costUsd: 0 })]);
  });

  it("also goes to the call's own onCall, success and failure alike, and only for that call", async () => {
    let n = 0;
    const { fetch } = scriptedFetch(() => (++n === 2 ? json({ type: 'error', error: { type: 'invalid_request_error', message: 'bad' } }, 400) : json(message([text('ok')]))));
    const { client, records } = testClient(fetch);
    const mine: unknown[] = [];
    await client.message(hello, { onCall: (r) => mine.push(r) });
    await rejection(client.structured({ ...hello, schema: Brief }, { onCall: (r) => mine.push(r) }));
    await client.message(hello);
    expect(records).toHaveLength(3);
    expect(mine).toEqual([records[0], records[1]]);
    expect(mine[1]).toMatchObject({ callKind: 'structured', status: 'unrecoverable' });
  });
});

describe('structured', () => {
  const req = { ...hello, schema: Brief, name: 'research brief' };

  it('returns typed, validated data and sends the zod schema as output_config.format', async () => {
    const { fetch, seen } = scriptedFetch(() => json(message([thinking(), text('{"account":"A7","score":81}')])));
    const { client, records } = testClient(fetch);
    const result = await client.structured(req);
    const score: number = result.data.score;
    expect(score).toBe(81);
    expect(result.data).toEqual({ account: 'A7', score: 81 });
    const format = (seen[0]?.body?.output_config as { format?: { type?: string; schema?: { required?: string[] } } }).format;
    expect(format?.type).toBe('json_schema');
    expect(format?.schema?.required).toEqual(['account', 'score']);
    expect(records[0]).toMatchObject({ callKind: 'structured', status: 'ok' });
  });

  it('rejects invalid JSON as invalid_output, still recording the tokens spent', async () => {
    const { fetch } = scriptedFetch(() => json(message([text('{"account": "A7", ')])));
    const { client, records } = testClient(fetch);
    const err = await rejection(client.structured(req));
    expect(err.kind).toBe('invalid_output');
    expect(err.message).toMatch(/research brief: output is not valid JSON/);
    expect(records[0]).toMatchObject({ status: 'invalid_output', usage: { input: 100, output: 50 } });
    expect(records[0]?.costUsd).toBeGreaterThan(0);
  });

  it('rejects output that does not match the schema, naming the field', async () => {
    const { fetch } = scriptedFetch(() => json(message([text('{"account":"A7","score":140}')])));
    const { client } = testClient(fetch);
    const err = await rejection(client.structured(req));
    expect(err.kind).toBe('invalid_output');
    expect(err.message).toMatch(/does not match the schema: score:/);
  });

  it('rejects output truncated at max_tokens, even when the JSON happens to parse', async () => {
    const { fetch } = scriptedFetch(() => json(message([text('{"account":"A7","score":1}')], { stop_reason: 'max_tokens' })));
    const { client } = testClient(fetch);
    const err = await rejection(client.structured(req));
    expect(err.kind).toBe('invalid_output');
    expect(err.message).toMatch(/truncated at max_tokens/);
  });
});

describe('stream', () => {
  it('forwards text deltas and returns the final message', async () => {
    const start = message([], { usage: { input_tokens: 20, output_tokens: 1 } });
    const { fetch, seen } = scriptedFetch(() =>
      sse([
        ['message_start', { type: 'message_start', message: { ...start, stop_reason: null } }],
        ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }],
        ['content_block_stop', { type: 'content_block_stop', index: 0 }],
        ['content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '', citations: null } }],
        ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hel' } }],
        ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'lo' } }],
        ['content_block_stop', { type: 'content_block_stop', index: 1 }],
        [
          'message_delta',
          {
            type: 'message_delta',
            delta: { stop_reason: 'end_turn', stop_sequence: null, stop_details: null, container: null },
            usage: { output_tokens: 9 },
          },
        ],
        ['message_stop', { type: 'message_stop' }],
      ]),
    );
    const { client, records } = testClient(fetch);
    const deltas: string[] = [];
    const result = await client.stream(hello, { onText: (d) => deltas.push(d) });
    expect(seen[0]?.body?.stream).toBe(true);
    expect(deltas).toEqual(['Hel', 'lo']);
    expect(result.text).toBe('Hello');
    expect(result.usage).toMatchObject({ input: 20, output: 9 });
    expect(records).toEqual([expect.objectContaining({ callKind: 'stream', status: 'ok', stopReason: 'end_turn' })]);
    expect(records[0]?.requestId).toMatch(/^req_test_/);
  });
});

describe('countTokens', () => {
  it('returns input_tokens and records a free call', async () => {
    const { fetch, seen } = scriptedFetch(() => json({ input_tokens: 1234 }));
    const { client, records } = testClient(fetch);
    expect(await client.countTokens({ messages: hello.messages, system: 'sys' })).toBe(1234);
    expect(seen[0]?.url).toBe('http://127.0.0.1:1/v1/messages/count_tokens');
    expect(seen[0]?.body).toEqual({ model: 'claude-sonnet-5-5', messages: hello.messages, system: 'sys' });
    expect(records).toEqual([expect.objectContaining({ callKind: 'count_tokens', status: 'ok', costUsd: 0 })]);
  });
});
