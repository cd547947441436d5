import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LlmError } from '../../../src/llm/errors.ts';
import { defineTool, ToolError } from '../../../src/llm/tool-loop.ts';
import type { LoopTool } from '../../../src/llm/types.ts';
import { json, message, scriptedFetch, testClient, text, thinking, toolUse } from './fake-api.ts';

const ask = { messages: [{ role: 'user' as const, content: 'research A7' }], maxTokens: 1000, skill: 'research' };

function crmTools(calls: string[]): LoopTool[] {
  return [
    defineTool({
      name: 'get_account',
      description: 'Fetch a CRM account',
      inputSchema: z.object({ accountId: z.string().regex(/^A\d+$/) }),
      run: async ({ accountId }) => {
        calls.push(`get_account:${accountId}`);
        if (accountId === 'A404') return { content: `No CRM account ${accountId}`, isError: true };
        return JSON.stringify({ id: accountId, arr: 120_000 });
      },
    }),
    defineTool({
      name: 'get_contacts',
      description: 'Contacts of an account',
      inputSchema: z.object({ accountId: z.string() }),
      run: async ({ accountId }) => {
        calls.push(`get_contacts:${accountId}`);
        throw new ToolError(`contacts of ${accountId} are restricted`);
      },
    }),
  ];
}

type ToolResult = { type: string; tool_use_id: string; content: string; is_error?: boolean };
const resultsOf = (body: Record<string, unknown> | undefined, index: number): ToolResult[] => {
  const messages = body?.messages as Array<{ role: string; content: unknown }>;
  return messages[index]?.content as ToolResult[];
};

describe('toolLoop', () => {
  it('runs a two-turn loop: validated tool input, tool_result per tool_use, assistant turn kept unchanged', async () => {
    const firstTurn = message(
      [thinking('planning'), toolUse('tu_1', 'get_account', { accountId: 'A7' }), toolUse('tu_2', 'get_account', { accountId: 'A404' })],
      { stop_reason: 'tool_use' },
    );
    const { fetch, seen } = scriptedFetch(
      () => json(firstTurn),
      () => json(message([thinking(), text('A7 is worth $120K.')])),
    );
    const { client, records } = testClient(fetch);
    const calls: string[] = [];
    const result = await client.toolLoop({ ...ask, tools: crmTools(calls), maxTurns: 4 });

    expect(result.turns).toBe(2);
    expect(result.text).toBe('A7 is worth $120K.');
    expect(calls).toEqual(['get_account:A7', 'get_account:A404']);

    const tools = seen[0]?.body?.tools as Array<{ name: string; input_schema: Record<string, unknown> }>;
    expect(tools.map((t) => t.name)).toEqual(['get_account', 'get_contacts']);
    expect(tools[0]?.input_schema).not.toHaveProperty('$schema');
    expect(tools[0]?.input_schema).toMatchObject({ type: 'object', required: ['accountId'] });
    expect(seen[0]?.body?.model).toBe('claude-opus-5-5');

    // Second request: user, assistant (unchanged, thinking first), user with tool results.
    const second = seen[1]?.body?.messages as Array<{ role: string; content: unknown }>;
    expect(second.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(second[1]?.content).toEqual(firstTurn.content);
    expect(resultsOf(seen[1]?.body, 2)).toEqual([
      { type: 'tool_result', tool_use_id: 'tu_1', content: '{"id":"A7","arr":120000}' },
      { type: 'tool_result', tool_use_id: 'tu_2', content: 'No CRM account A404', is_error: true },
    ]);

    expect(result.messages).toHaveLength(4);
    expect(result.usage).toMatchObject({ input: 200, output: 100 });
    expect(records.map((r) => [r.callKind, r.status, r.stopReason])).toEqual([
      ['tool_turn', 'ok', 'tool_use'],
      ['tool_turn', 'ok', 'end_turn'],
    ]);
    expect(result.records).toEqual(records);
    expect(result.costUsd).toBeCloseTo((records[0]?.costUsd ?? NaN) + (records[1]?.costUsd ?? NaN), 12);
  });

  it('turns invalid tool input, ToolError and unknown tools into is_error results', async () => {
    const { fetch, seen } = scriptedFetch(
      () =>
        json(
          message(
            [
              toolUse('tu_1', 'get_account', { accountId: 42 }),
              toolUse('tu_2', 'get_contacts', { accountId: 'A7' }),
              toolUse('tu_3', 'delete_account', { accountId: 'A7' }),
            ],
            { stop_reason: 'tool_use' },
          ),
        ),
      () => json(message([text('done')])),
    );
    const { client } = testClient(fetch);
    const calls: string[] = [];
    await client.toolLoop({ ...ask, tools: crmTools(calls), maxTurns: 2 });
    expect(calls).toEqual(['get_contacts:A7']); // the invalid input never reached run()
    const [invalid, restricted, unknown] = resultsOf(seen[1]?.body, 2);
    expect(invalid).toMatchObject({ tool_use_id: 'tu_1', is_error: true });
    expect(invalid?.content).toMatch(/invalid input for tool get_account: accountId:/);
    expect(restricted).toEqual({ type: 'tool_result', tool_use_id: 'tu_2', content: 'contacts of A7 are restricted', is_error: true });
    expect(unknown).toMatchObject({ tool_use_id: 'tu_3', is_error: true, content: expect.stringMatching(/unknown tool "delete_account"/) });
  });

  it('lets other tool exceptions propagate', async () => {
    const { fetch } = scriptedFetch(() => json(message([toolUse('tu_1', 'crash', {})], { stop_reason: 'tool_use' })));
    const { client } = testClient(fetch);
    const crash = defineTool({
      name: 'crash',
      description: 'MCP connection dies',
      inputSchema: z.object({}),
      run: async () => {
        throw new Error('MCP connection closed');
      },
    });
    await expect(client.toolLoop({ ...ask, tools: [crash], maxTurns: 3 })).rejects.toThrow('MCP connection closed');
  });

  it('rejects a bad tool name up front, naming the tool, without calling the API', async () => {
    const { fetch, seen } = scriptedFetch(() => json(message([text('never')])));
    const { client, records } = testClient(fetch);
    const bad = { ...crmTools([])[0]!, name: 'crm.get_account' };
    const err = await client.toolLoop({ ...ask, tools: [bad], maxTurns: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect(err).toMatchObject({ kind: 'unrecoverable', message: expect.stringContaining('"crm.get_account"') });
    expect(seen).toHaveLength(0);
    expect(records).toHaveLength(0);
  });

  it('stops at maxTurns with an unrecoverable LlmError', async () => {
    const { fetch, seen } = scriptedFetch(() =>
      json(message([toolUse('tu_x', 'get_account', { accountId: 'A1' })], { stop_reason: 'tool_use' })),
    );
    const { client, records } = testClient(fetch);
    const calls: string[] = [];
    const err = await client.toolLoop({ ...ask, tools: crmTools(calls), maxTurns: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect(err).toMatchObject({ kind: 'unrecoverable', message: expect.stringContaining('tool loop exceeded 3 turns') });
    expect(seen).toHaveLength(3);
    expect(calls).toHaveLength(2); // the third turn's tools are not run
    expect(records).toHaveLength(3);
  });

  it('validates the final answer against schema, sending the format on every turn', async () => {
    const Answer = z.object({ tier: z.enum(['A', 'B', 'C', 'D']) });
    const { fetch, seen } = scriptedFetch(
      () => json(message([toolUse('tu_1', 'get_account', { accountId: 'A7' })], { stop_reason: 'tool_use' })),
      () => json(message([text('{"tier":"A"}')])),
    );
    const { client } = testClient(fetch);
    const result = await client.toolLoop({ ...ask, tools: crmTools([]), maxTurns: 3, schema: Answer });
    const tier: 'A' | 'B' | 'C' | 'D' | undefined = result.data?.tier;
    expect(tier).toBe('A');
    for (const req of seen) expect(req.body?.output_config).toMatchObject({ format: { type: 'json_schema' } });

    const bad = scriptedFetch(() => json(message([text('{"tier":"Z"}')])));
    const { client: badClient, records } = testClient(bad.fetch);
    const err = await badClient.toolLoop({ ...ask, tools: crmTools([]), maxTurns: 3, schema: Answer }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'invalid_output' });
    expect(records[0]?.status).toBe('invalid_output');
  });
});
