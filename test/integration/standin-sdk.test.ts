/**
 * The real @anthropic-ai/sdk against the stand-in over HTTP: if the SDK can tell the difference,
 * these fail. Covers messages, structured output, the tool loop, streaming, count_tokens,
 * batches, caching, errors, and rate-limit headers.
 */
import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Standin } from '../../src/standin/server.ts';
import { ACCOUNT_PROMPT, post, withStandin } from '../support/standin.ts';

const MODEL = 'claude-sonnet-5-5';
let standin: Standin;
let sdk: Anthropic;

beforeAll(async () => {
  ({ standin, sdk } = await withStandin({ rpm: 600, itpm: 2_000_000, otpm: 400_000 }));
});
afterAll(() => standin.close());

const textOf = (message: Anthropic.Message) =>
  message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');

describe('when the SDK sends a plain message', () => {
  it('gets a complete Message with usage and a request id', async () => {
    const { data: message, request_id } = await sdk.messages
      .create({ model: MODEL, max_tokens: 512, messages: [{ role: 'user', content: ACCOUNT_PROMPT }] })
      .withResponse();
    expect(message.id).toMatch(/^msg_01/);
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.stop_reason).toBe('end_turn');
    expect(request_id).toMatch(/^req_01/);
    expect(textOf(message)).toContain('Northwind');
    expect(message.usage.input_tokens).toBeGreaterThan(50);
    expect(message.usage.output_tokens).toBeGreaterThan(5);
    expect(message.usage.cache_read_input_tokens).toBe(0);
    expect(message.usage.service_tier).toBe('standard');
  });

  it('answers the same request with the same content (deterministic)', async () => {
    const req = { model: MODEL, max_tokens: 512, messages: [{ role: 'user' as const, content: ACCOUNT_PROMPT }] };
    const [a, b] = await Promise.all([sdk.messages.create(req), sdk.messages.create(req)]);
    expect(textOf(a)).toBe(textOf(b));
  });

  it('starts with a thinking block on models that always think, so callers must select by type', async () => {
    const message = await sdk.messages.create({ model: 'claude-opus-5-5', max_tokens: 512, messages: [{ role: 'user', content: ACCOUNT_PROMPT }] });
    expect(message.content[0]?.type).toBe('thinking');
    expect(textOf(message)).toContain('Northwind');
  });

  it('truncates at max_tokens and says so', async () => {
    const message = await sdk.messages.create({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: ACCOUNT_PROMPT }] });
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBe(5);
  });
});

describe('when the SDK asks for structured output', () => {
  const Brief = z.object({
    summary: z.string().min(10),
    tier: z.enum(['A', 'B', 'C', 'D']),
    score: z.int().min(0).max(100),
    facts: z.array(z.object({ id: z.string(), text: z.string() })),
  });

  it('parses exactly one JSON text block into the zod type', async () => {
    const message = await sdk.messages.parse({
      model: MODEL,
      max_tokens: 1024,
      messages: [{ role: 'user', content: ACCOUNT_PROMPT }],
      output_config: { format: zodOutputFormat(Brief) },
    });
    const brief = message.parsed_output;
    expect(brief).not.toBeNull();
    expect(Brief.parse(brief)).toEqual(brief);
    expect(message.content.filter((b) => b.type === 'text')).toHaveLength(1);
    // Cited facts come from the prompt, never invented.
    for (const fact of brief?.facts ?? []) expect(['F1', 'F2']).toContain(fact.id);
  });
});

describe('when the SDK runs a tool loop', () => {
  const tools: Anthropic.Tool[] = [
    {
      name: 'get_account',
      description: 'Read one CRM account by id',
      input_schema: { type: 'object', properties: { account_id: { type: 'string' } }, required: ['account_id'] },
    },
  ];

  it('calls the tool, accepts the tool_result turn, then answers from the result', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Research account acc-1001.\n{"account_id":"acc-1001"}' }];
    const first = await sdk.messages.create({ model: MODEL, max_tokens: 1024, tools, messages });
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(call?.name).toBe('get_account');
    expect(call?.input).toEqual({ account_id: 'acc-1001' });
    expect(call?.caller).toEqual({ type: 'direct' });

    messages.push({ role: 'assistant', content: first.content });
    messages.push({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: call?.id ?? '', content: JSON.stringify({ account_id: 'acc-1001', name: 'Contoso Shipping', industry: 'Maritime freight' }) }],
    });
    const second = await sdk.messages.create({ model: MODEL, max_tokens: 1024, tools, messages });
    expect(second.stop_reason).toBe('end_turn');
    // "Contoso" appears only in the tool result: the answer rests on it.
    expect(textOf(second)).toContain('Contoso');
  });

  it('rejects a tool_result without its tool_use, naming the message', async () => {
    const res = await post(standin, '/v1/messages', {
      model: MODEL,
      max_tokens: 100,
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_missing', content: 'x' }] }],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('messages.0.content.0');
  });

  it('refuses message threads so the SDK tool runner falls back to full history', async () => {
    let turns = 0;
    const runner = sdk.beta.messages.toolRunner({
      model: MODEL,
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'Research account acc-1001.\n{"account_id":"acc-1001"}' }],
      tools: [
        {
          name: 'get_account',
          description: 'Read one CRM account by id',
          input_schema: { type: 'object', properties: { account_id: { type: 'string' } }, required: ['account_id'] },
          run: async () => {
            turns++;
            return JSON.stringify({ name: 'Contoso Shipping' });
          },
          parse: (input: unknown) => input as { account_id: string },
        },
      ],
    });
    const final = await runner.runUntilDone();
    expect(turns).toBe(1);
    expect(final.stop_reason).toBe('end_turn');
  });
});

describe('when the SDK streams', () => {
  it('receives named SSE events that assemble into the same message', async () => {
    const req = { model: MODEL, max_tokens: 1024, messages: [{ role: 'user' as const, content: ACCOUNT_PROMPT }] };
    const deltas: string[] = [];
    const stream = sdk.messages.stream(req).on('text', (t) => deltas.push(t));
    const streamed = await stream.finalMessage();
    const plain = await sdk.messages.create(req);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(textOf(plain));
    expect(streamed.usage.output_tokens).toBe(plain.usage.output_tokens);
    expect(streamed.stop_reason).toBe('end_turn');
  });
});

describe('when the SDK counts tokens', () => {
  it('returns the same total input the message would be billed', async () => {
    const params = { model: MODEL, messages: [{ role: 'user' as const, content: `${ACCOUNT_PROMPT}\nunique:${Date.now()}` }] };
    const { input_tokens } = await sdk.messages.countTokens(params);
    const message = await sdk.messages.create({ ...params, max_tokens: 64 });
    const u = message.usage;
    expect(input_tokens).toBe(u.input_tokens + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0));
  });
});

describe('when the prompt has a cache breakpoint', () => {
  it('writes the prefix once, then reads it on the repeated prefix', async () => {
    const instructions = `You write B2B research briefs. ${'Follow the house style closely. '.repeat(400)}`;
    const system: Anthropic.TextBlockParam[] = [{ type: 'text', text: instructions, cache_control: { type: 'ephemeral' } }];
    const ask = (q: string) => sdk.messages.create({ model: MODEL, max_tokens: 64, system, messages: [{ role: 'user', content: q }] });
    const first = await ask('Account one');
    const second = await ask('Account two');
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(1024);
    expect(first.usage.cache_creation?.ephemeral_5m_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
  });

  it('does not cache a prefix shorter than the model minimum', async () => {
    const system: Anthropic.TextBlockParam[] = [{ type: 'text', text: `Short system prompt ${Date.now()}`, cache_control: { type: 'ephemeral', ttl: '1h' } }];
    const a = await sdk.messages.create({ model: MODEL, max_tokens: 16, system, messages: [{ role: 'user', content: 'hi' }] });
    const b = await sdk.messages.create({ model: MODEL, max_tokens: 16, system, messages: [{ role: 'user', content: 'hi' }] });
    expect(a.usage.cache_creation_input_tokens).toBe(0);
    expect(b.usage.cache_read_input_tokens).toBe(0);
  });

  it('splits writes by TTL', async () => {
    const text = `${'Long reusable context. '.repeat(600)}${Date.now()}`;
    const message = await sdk.messages.create({
      model: MODEL,
      max_tokens: 16,
      system: [{ type: 'text', text, cache_control: { type: 'ephemeral', ttl: '1h' } }],
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.usage.cache_creation?.ephemeral_1h_input_tokens).toBeGreaterThan(1024);
    expect(message.usage.cache_creation?.ephemeral_5m_input_tokens).toBe(0);
  });
});

describe('when the SDK uses message batches', () => {
  it('creates, polls, and reads results matched by custom_id', async () => {
    const accounts = ['Northwind Logistics', 'Contoso Shipping', 'Fabrikam Foods'];
    const batch = await sdk.messages.batches.create({
      requests: accounts.map((name, i) => ({
        custom_id: `acct-${i}`,
        params: { model: MODEL, max_tokens: 256, messages: [{ role: 'user' as const, content: `{"name":"${name}","industry":"Retail"}` }] },
      })),
    });
    expect(batch.processing_status).toBe('in_progress');
    expect(batch.request_counts).toEqual({ processing: 3, succeeded: 0, errored: 0, canceled: 0, expired: 0 });
    expect(batch.results_url).toBeNull();

    let current = batch;
    for (let i = 0; i < 100 && current.processing_status !== 'ended'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      current = await sdk.messages.batches.retrieve(batch.id);
    }
    expect(current.processing_status).toBe('ended');
    expect(current.request_counts.succeeded).toBe(3);
    expect(current.results_url).toBe(`${standin.url}/v1/messages/batches/${batch.id}/results`);

    const byId = new Map<string, Anthropic.Messages.MessageBatchIndividualResponse>();
    for await (const line of await sdk.messages.batches.results(batch.id)) byId.set(line.custom_id, line);
    expect([...byId.keys()].sort()).toEqual(['acct-0', 'acct-1', 'acct-2']);
    accounts.forEach((name, i) => {
      const result = byId.get(`acct-${i}`)?.result;
      expect(result?.type).toBe('succeeded');
      if (result?.type === 'succeeded') {
        expect(textOf(result.message)).toContain(name.split(' ')[0]);
        expect(result.message.usage.service_tier).toBe('batch');
      }
    });
  });

  it('reports a bad request inside a batch as an errored result, not a failed batch', async () => {
    const batch = await sdk.messages.batches.create({
      requests: [
        { custom_id: 'good', params: { model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] } },
        { custom_id: 'bad', params: { model: MODEL, max_tokens: -1, messages: [{ role: 'user', content: 'hello' }] } },
      ],
    });
    let current = batch;
    while (current.processing_status !== 'ended') {
      await new Promise((r) => setTimeout(r, 20));
      current = await sdk.messages.batches.retrieve(batch.id);
    }
    expect(current.request_counts).toMatchObject({ succeeded: 1, errored: 1 });
    const lines = [];
    for await (const line of await sdk.messages.batches.results(batch.id)) lines.push(line);
    const bad = lines.find((l) => l.custom_id === 'bad')?.result;
    expect(bad?.type).toBe('errored');
    if (bad?.type === 'errored') expect(bad.error.error.type).toBe('invalid_request_error');
  });

  it('lists newest first and cancels an in-progress batch', async () => {
    const slow = await withStandin({ batchDelayMs: 60_000 });
    try {
      const a = await slow.sdk.messages.batches.create({ requests: [{ custom_id: 'a', params: { model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'a' }] } }] });
      const b = await slow.sdk.messages.batches.create({ requests: [{ custom_id: 'b', params: { model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'b' }] } }] });
      const page = await slow.sdk.messages.batches.list({ limit: 1 });
      expect(page.data.map((x) => x.id)).toEqual([b.id]);
      expect(page.has_more).toBe(true);
      const canceling = await slow.sdk.messages.batches.cancel(a.id);
      expect(canceling.processing_status).toBe('canceling');
      let ended = canceling;
      while (ended.processing_status !== 'ended') {
        await new Promise((r) => setTimeout(r, 10));
        ended = await slow.sdk.messages.batches.retrieve(a.id);
      }
      expect(ended.request_counts.canceled).toBe(1);
    } finally {
      await slow.standin.close();
    }
  });
});

describe('when a request is wrong', () => {
  it('answers 401 authentication_error without a key', async () => {
    const res = await fetch(`${standin.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2026-10-21' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    const body = (await res.json()) as { type: string; error: { type: string }; request_id: string };
    expect(body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(body.request_id).toBe(res.headers.get('request-id'));
  });

  it('accepts x-api-key as well as Authorization: Bearer', async () => {
    const res = await fetch(`${standin.url}/v1/models`, { headers: { 'x-api-key': 'k' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { id: string }[] };
    expect(body.data.map((m) => m.id)).toContain('claude-sonnet-5-5');
  });

  it('throws the SDK AuthenticationError for a wrong key when one is required', async () => {
    const strict = await withStandin({ apiKey: 'the-right-key' });
    try {
      await expect(strict.sdk.messages.create({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    } finally {
      await strict.standin.close();
    }
  });

  it.each([
    [{ model: MODEL, messages: [{ role: 'user', content: 'x' }] }, 'max_tokens: Field required'],
    [{ model: MODEL, max_tokens: 10, messages: [{ role: 'robot', content: 'x' }] }, 'messages.0.role'],
    [{ model: MODEL, max_tokens: 10, messages: [{ role: 'user' }] }, 'messages.0.content: Field required'],
    [{ model: MODEL, max_tokens: 10, messages: [] }, 'messages'],
    [{ model: MODEL, max_tokens: 200_000, messages: [{ role: 'user', content: 'x' }] }, 'max_tokens: 200000 > 128000'],
    [{ model: MODEL, max_tokens: 10, temperature: 0.5, messages: [{ role: 'user', content: 'x' }] }, 'temperature: Extra inputs are not permitted'],
    [{ model: MODEL, max_tokens: 10, frobnicate: true, messages: [{ role: 'user', content: 'x' }] }, 'frobnicate: Extra inputs are not permitted'],
    [{ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'x' }], tools: [{ name: 'crm.get account', input_schema: { type: 'object' } }] }, "tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'"],
    [{ model: MODEL, max_tokens: 10, messages: [{ role: 'assistant', content: 'x' }] }, 'first non-system message'],
    [{ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'x' }], tool_choice: { type: 'any' }, tools: [{ name: 't', input_schema: { type: 'object' } }] }, 'tool_choice: forced tool use'],
  ])('answers 400 invalid_request_error naming the field (%#)', async (body, fragment) => {
    const res = await post(standin, '/v1/messages', body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(json.type).toBe('error');
    expect(json.error.type).toBe('invalid_request_error');
    expect(json.error.message).toContain(fragment);
  });

  it('accepts sampling params under the 2023-06-01 version', async () => {
    const res = await post(standin, '/v1/messages', { model: MODEL, max_tokens: 10, temperature: 0.5, messages: [{ role: 'user', content: 'x' }] }, { 'anthropic-version': '2023-06-01' });
    expect(res.status).toBe(200);
  });

  it('answers 404 not_found_error for an unknown model, as the API does', async () => {
    await expect(sdk.messages.create({ model: 'claude-nonexistent-9', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 404,
      type: 'not_found_error',
    });
  });

  it('answers the thread field with thread_unsupported_request, never ignoring it', async () => {
    const res = await post(standin, '/v1/messages', { model: MODEL, max_tokens: 10, thread: { type: 'create' }, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { details: { error_code: string } } };
    expect(json.error.details.error_code).toBe('thread_unsupported_request');
  });

  it('surfaces a malformed body as BadRequestError in the SDK with the field in its message', async () => {
    const err = await sdk.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: '' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as APIError).message).toContain('messages.0.content');
  });

  it('answers invalid JSON with 400 and the parse error', async () => {
    const res = await post(standin, '/v1/messages', '{"model": ');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('not valid JSON');
  });
});

describe('when limits are configured', () => {
  it('reports them in anthropic-ratelimit-* headers on every response', async () => {
    const { response } = await sdk.messages.create({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] }).withResponse();
    expect(response.headers.get('anthropic-ratelimit-requests-limit')).toBe('600');
    expect(response.headers.get('anthropic-ratelimit-input-tokens-limit')).toBe('2000000');
    expect(response.headers.get('anthropic-ratelimit-output-tokens-limit')).toBe('400000');
    expect(Number(response.headers.get('anthropic-ratelimit-requests-remaining'))).toBeLessThan(600);
    expect(Date.parse(response.headers.get('anthropic-ratelimit-requests-reset') ?? '')).not.toBeNaN();
    const error = await fetch(`${standin.url}/v1/messages`, { method: 'POST' });
    expect(error.headers.get('anthropic-ratelimit-requests-limit')).toBe('600');
  });

  it('reports remaining capacity after charging the request itself', async () => {
    const fresh = await withStandin({ rpm: 600 });
    try {
      const { response } = await fresh.sdk.messages.create({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] }).withResponse();
      expect(response.headers.get('anthropic-ratelimit-requests-remaining')).toBe('599');
    } finally {
      await fresh.standin.close();
    }
  });

  it('refuses requests past the RPM bucket with 429 and retry-after', async () => {
    const tight = await withStandin({ rpm: 3 });
    try {
      const call = () => tight.sdk.messages.create({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'x' }] });
      await call();
      await call();
      await call();
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.RateLimitError);
      const retryAfter = Number((err as APIError).headers?.get('retry-after'));
      // One request refills in 60 s / 3 = 20 s.
      expect(retryAfter).toBeGreaterThanOrEqual(19);
      expect(retryAfter).toBeLessThanOrEqual(20);
      expect((err as APIError).headers?.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    } finally {
      await tight.standin.close();
    }
  });
});
