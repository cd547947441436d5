/**
 * The LLM client layer (src/llm) against the stand-in over HTTP, through the real SDK:
 * what every sub-agent will rely on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config.ts';
import { clientFor, connectLlm, createLlmClient, defineTool, LlmError, type LlmCallRecord, type LlmClient } from '../../src/llm/index.ts';
import type { StandinOptionsInput } from '../../src/standin/options.ts';
import type { Standin } from '../../src/standin/server.ts';
import { ACCOUNT_PROMPT, TEST_KEY, withStandin } from '../support/standin.ts';

const models = { default: 'claude-sonnet-5-5', bySkill: { drafting: 'claude-haiku-5-5' } };

async function clientOn(options: StandinOptionsInput, maxRetries = 0) {
  const { standin } = await withStandin(options);
  const records: LlmCallRecord[] = [];
  const llm = createLlmClient({ apiKey: TEST_KEY, baseURL: standin.url, maxRetries, timeoutMs: 10_000, models, onCall: (r) => records.push(r) });
  return { standin, llm, records };
}

let standin: Standin;
let llm: LlmClient;
let records: LlmCallRecord[];
beforeAll(async () => {
  ({ standin, llm, records } = await clientOn({}));
});
afterAll(() => standin.close());

describe('when a sub-agent asks for structured output', () => {
  const Priority = z.object({ score: z.int().min(0).max(100), tier: z.enum(['A', 'B', 'C', 'D']), rationale: z.string().min(10) });

  it('gets data of the zod type, with usage, cost and one ledger record', async () => {
    records.length = 0;
    const result = await llm.structured({ skill: 'prioritization', maxTokens: 512, schema: Priority, messages: [{ role: 'user', content: ACCOUNT_PROMPT }] });
    expect(Priority.parse(result.data)).toEqual(result.data);
    expect(result.usage.input).toBeGreaterThan(0);
    expect(result.costUsd).toBeGreaterThan(0);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ callKind: 'structured', status: 'ok', model: 'claude-sonnet-5-5', skill: 'prioritization' });
    expect(records[0]?.requestId).toMatch(/^req_/);
  });

  it('uses the model configured for the skill', async () => {
    const result = await llm.message({ skill: 'drafting', maxTokens: 64, messages: [{ role: 'user', content: 'hello' }] });
    expect(result.message.model).toBe('claude-haiku-5-5');
  });

  it('never returns truncated output as data', async () => {
    const err = await llm.structured({ maxTokens: 8, schema: Priority, messages: [{ role: 'user', content: ACCOUNT_PROMPT }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe('invalid_output');
    expect((err as LlmError).message).toContain('max_tokens');
  });
});

describe('when a sub-agent runs a tool loop', () => {
  it('calls the CRM tool, feeds the result back, and ends with data from the tool', async () => {
    const calls: string[] = [];
    const result = await llm.toolLoop({
      skill: 'research',
      maxTokens: 1024,
      maxTurns: 4,
      schema: z.object({ summary: z.string(), facts: z.array(z.object({ id: z.string(), text: z.string() })) }),
      messages: [{ role: 'user', content: 'Research this account.\n{"account_id":"acc-7"}' }],
      tools: [
        defineTool({
          name: 'get_account',
          description: 'Read one CRM account by id',
          inputSchema: z.object({ account_id: z.string() }),
          run: async ({ account_id }) => {
            calls.push(account_id);
            return JSON.stringify({ account_id, name: 'Litware Analytics', facts: [{ id: 'F9', text: 'Litware doubled its data team' }] });
          },
        }),
      ],
    });
    expect(calls).toEqual(['acc-7']);
    expect(result.turns).toBe(2);
    expect(result.data?.facts.map((f) => f.id)).toEqual(['F9']);
    expect(result.data?.summary).toContain('Litware');
    expect(result.messages.filter((m) => m.role === 'user')).toHaveLength(2);
  });
});

describe('when a sub-agent streams', () => {
  it('forwards text deltas and returns the full message', async () => {
    const deltas: string[] = [];
    const result = await llm.stream({ maxTokens: 512, messages: [{ role: 'user', content: ACCOUNT_PROMPT }] }, { onText: (d) => deltas.push(d) });
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(result.text);
    expect(result.record.callKind).toBe('stream');
  });
});

describe('when a sub-agent counts tokens', () => {
  it('returns the input size the call would be billed', async () => {
    const req = { maxTokens: 64, messages: [{ role: 'user' as const, content: `${ACCOUNT_PROMPT} ${Date.now()}` }] };
    const counted = await llm.countTokens(req);
    const sent = await llm.message(req);
    expect(counted).toBe(sent.usage.input + sent.usage.cacheRead + sent.usage.cacheWrite);
  });
});

describe('when a stage goes through the Batches API', () => {
  it('submits, waits, and prices each result at half the realtime cost', async () => {
    const request = { maxTokens: 256, messages: [{ role: 'user' as const, content: ACCOUNT_PROMPT }] };
    const realtime = await llm.message(request);
    const id = await llm.batches.submit([
      { customId: 'acc-1', request },
      { customId: 'acc-2', request: { ...request, messages: [{ role: 'user' as const, content: '{"name":"Contoso"}' }] } },
    ]);
    const status = await llm.batches.waitForBatch(id, { pollMs: 20 });
    expect(status.status).toBe('ended');
    const results = new Map<string, { ok: boolean; costUsd?: number | undefined; text?: string }>();
    for await (const item of llm.batches.results(id)) results.set(item.customId, item.ok ? { ok: true, costUsd: item.costUsd, text: item.text } : { ok: false });
    expect(results.get('acc-1')?.text).toBe(realtime.text);
    expect(results.get('acc-1')?.costUsd).toBeCloseTo((realtime.costUsd ?? 0) / 2, 10);
    expect(results.get('acc-2')?.text).toContain('Contoso');
  });

  it('rejects a custom id the API would refuse, before sending anything', async () => {
    await expect(llm.batches.submit([{ customId: 'run:1:acc', request: { maxTokens: 8, messages: [{ role: 'user', content: 'x' }] } }])).rejects.toThrow(/custom/i);
  });
});

describe('when the provider pushes back', () => {
  it('reports a 429 storm as rate_limited with the server retry-after, after the configured retries', async () => {
    const storm = await clientOn({ faultRate: 1, faultKinds: ['429'] }, 1);
    try {
      const err = await storm.llm.message({ maxTokens: 16, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LlmError);
      const e = err as LlmError;
      expect(e.kind).toBe('rate_limited');
      expect(e.status).toBe(429);
      // The stand-in's injected 429s carry retry-after-ms between 20 and 200 ms.
      expect(e.retryAfterMs).toBeGreaterThanOrEqual(20);
      expect(e.retryAfterMs).toBeLessThan(200);
      expect(e.requestId).toMatch(/^req_/);
      expect(storm.records).toHaveLength(1);
      expect(storm.records[0]?.status).toBe('rate_limited');
    } finally {
      await storm.standin.close();
    }
  });

  it('reports an exhausted RPM bucket as rate_limited with the bucket refill time', async () => {
    const tight = await clientOn({ rpm: 2 });
    try {
      const ask = () => tight.llm.message({ maxTokens: 8, messages: [{ role: 'user', content: 'x' }] });
      await ask();
      await ask();
      const err = (await ask().catch((e: unknown) => e)) as LlmError;
      expect(err.kind).toBe('rate_limited');
      expect(err.retryAfterMs).toBe(30_000);
    } finally {
      await tight.standin.close();
    }
  });

  it('classifies 529 and 500 as retryable', async () => {
    for (const kind of ['529', '500'] as const) {
      const faulty = await clientOn({ faultRate: 1, faultKinds: [kind] });
      try {
        const err = (await faulty.llm.message({ maxTokens: 8, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as LlmError;
        expect(err.kind).toBe('retryable');
        expect(err.status).toBe(Number(kind));
      } finally {
        await faulty.standin.close();
      }
    }
  });

  it('classifies a bad request as unrecoverable, naming the field', async () => {
    const err = (await llm.message({ model: 'claude-sonnet-5-5', maxTokens: 500_000, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as LlmError;
    expect(err.kind).toBe('unrecoverable');
    expect(err.status).toBe(400);
    expect(err.message).toContain('max_tokens');
  });

  it('aborts an in-flight call through its signal', async () => {
    const slow = await clientOn({ latencyMs: 5_000 });
    try {
      const controller = new AbortController();
      const pending = slow.llm.message({ maxTokens: 8, messages: [{ role: 'user', content: 'x' }] }, { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      const err = (await pending.catch((e: unknown) => e)) as LlmError;
      expect(err.kind).toBe('aborted');
    } finally {
      await slow.standin.close();
    }
  });
});

describe('when bookrun decides where calls go', () => {
  it('starts the stand-in in-process with neither a key nor a base URL', async () => {
    const config = loadConfig({ BOOKRUN_STANDIN_LATENCY_MS: '0' });
    const endpoint = await connectLlm(config);
    try {
      expect(endpoint.mode).toBe('standin');
      const result = await clientFor(config, endpoint).message({ maxTokens: 32, messages: [{ role: 'user', content: 'hello' }] });
      expect(result.message.type).toBe('message');
    } finally {
      await endpoint.close();
    }
  });

  it('talks to Claude with only a key, and to the base URL when one is set', async () => {
    expect((await connectLlm(loadConfig({ ANTHROPIC_API_KEY: 'sk-test' }))).mode).toBe('claude');
    const custom = await connectLlm(loadConfig({ ANTHROPIC_BASE_URL: standin.url }));
    expect(custom).toMatchObject({ mode: 'custom', baseURL: standin.url });
  });
});
