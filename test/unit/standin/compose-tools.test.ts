import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import { compose, type ComposedBlock, type ComposeRequest, type JsonSchema, type PromptMessage, type PromptTool } from '../../../src/standin/compose/index.ts';

const obj = (properties: Record<string, unknown>, required: string[]): JsonSchema => ({ type: 'object', properties, required });
const TOOLS: PromptTool[] = [
  { name: 'crm__get_account', input_schema: obj({ account_id: { type: 'string' } }, ['account_id']) },
  { name: 'list_activities', input_schema: obj({ account_id: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 3 }, kind: { type: 'string', enum: ['all', 'notes'] } }, ['account_id']) },
  { name: 'search_news', input_schema: obj({ query: { type: 'string', minLength: 2 } }, ['query']) },
  { name: 'getContactHistory', input_schema: obj({ email: { type: 'string', format: 'email' } }, ['email']) },
  { name: 'find_similar_deals', input_schema: obj({ region: { type: 'string' } }, ['region']) },
  { name: 'update_field', input_schema: obj({ account_id: { type: 'string' }, field: { type: 'string' }, value: { type: 'string' } }, ['account_id', 'field', 'value']) },
  { name: 'log_activity', input_schema: obj({ account_id: { type: 'string' }, note: { type: 'string' } }, ['account_id', 'note']) },
];
const WRITE = new Set(['update_field', 'log_activity']);

/** Canned tool results; the facts in them appear nowhere else in the conversation. */
const RESULTS: Record<string, { content: string; is_error: boolean }> = {
  crm__get_account: { content: JSON.stringify({ id: 'A-77', name: 'Contoso', industry: 'Insurance', region: 'EMEA', contacts: [{ name: 'Ann Lee', email: 'ann@contoso.example' }] }), is_error: false },
  list_activities: { content: JSON.stringify([{ id: 'act-9', type: 'note', text: 'Contoso asked for a SOC 2 report' }]), is_error: false },
  search_news: { content: 'upstream timeout', is_error: true },
  getContactHistory: { content: '<history>\n[mail-3] Ann Lee replied to the webinar follow-up\n</history>', is_error: false },
};

const Brief = z.object({ summary: z.string(), facts: z.array(z.object({ id: z.string(), text: z.string() })) });
const briefSchema = transformJSONSchema(z.toJSONSchema(Brief));

function start(overrides: Partial<ComposeRequest> = {}): ComposeRequest {
  return {
    model: 'stand-in',
    system: 'You research accounts with read-only CRM tools.',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Research this account.\nAccount ID: A-77' }] }],
    tools: TOOLS,
    outputSchema: briefSchema,
    obedient: false,
    ...overrides,
  };
}

/** Runs the loop to the end, answering each call from RESULTS; returns every turn. */
function run(req: ComposeRequest): Array<{ blocks: ComposedBlock[]; stopReason: string }> {
  const turns = [];
  const messages: PromptMessage[] = [...req.messages];
  for (let i = 0; i < 8; i++) {
    const result = compose({ ...req, messages: [...messages] });
    turns.push(result);
    if (result.stopReason !== 'tool_use') return turns;
    const uses = result.blocks.map((b, j) => {
      if (b.type !== 'tool_use') throw new Error('a tool turn holds only tool_use blocks');
      return { type: 'tool_use' as const, id: `toolu_${i}_${j}`, name: b.name, input: b.input };
    });
    messages.push({ role: 'assistant', content: uses });
    messages.push({ role: 'user', content: uses.map((u) => ({ type: 'tool_result' as const, tool_use_id: u.id, ...(RESULTS[u.name] ?? { content: 'ok', is_error: false }) })) });
  }
  throw new Error('the loop did not end');
}

const calls = (blocks: ComposedBlock[]) => blocks.flatMap((b) => (b.type === 'tool_use' ? [b] : []));

/** The input uses only declared properties, has every required one, and matches declared types. */
function expectValidInput(tool: PromptTool, input: Record<string, unknown>): void {
  const props = tool.input_schema['properties'] as Record<string, { type?: string; enum?: unknown[] }>;
  for (const [key, value] of Object.entries(input)) {
    const p = props[key];
    expect(p, `${tool.name}.${key} is declared`).toBeDefined();
    if (p?.enum) expect(p.enum).toContain(value);
    else if (p?.type === 'integer') expect(Number.isInteger(value)).toBe(true);
    else if (p?.type) expect(typeof value).toBe(p.type);
  }
  for (const key of tool.input_schema['required'] as string[]) expect(input).toHaveProperty(key);
}

describe('when tools are available', () => {
  it('first calls every read tool it can fill from facts, in parallel, and never a write tool', () => {
    const first = compose(start());
    expect(first.stopReason).toBe('tool_use');
    const made = calls(first.blocks);
    // search_news needs a query (account name or industry): not known until get_account answers.
    expect(made.map((c) => c.name)).toEqual(['crm__get_account', 'list_activities']);
    expect(made[0]?.input).toEqual({ account_id: 'A-77' });
    expect(made[1]?.input).toEqual({ account_id: 'A-77', limit: 3 });
    for (const c of made) expectValidInput(TOOLS.find((t) => t.name === c.name) as PromptTool, c.input);
  });

  it('chains to tools that new facts make eligible, then answers from tool-result facts', () => {
    const turns = run(start());
    const names = turns.flatMap((t) => calls(t.blocks).map((c) => c.name));
    expect(names).toEqual(['crm__get_account', 'list_activities', 'search_news', 'getContactHistory', 'find_similar_deals']);
    expect(calls(turns[1]?.blocks ?? []).map((c) => c.input)).toEqual([{ query: 'Contoso' }, { email: 'ann@contoso.example' }, { region: 'EMEA' }]);
    expect(names.some((n) => WRITE.has(n))).toBe(false);
    const final = turns.at(-1);
    expect(final?.stopReason).toBe('end_turn');
    const answer = Brief.parse(JSON.parse(final?.blocks[0]?.type === 'text' ? final.blocks[0].text : ''));
    expect(answer.summary).toContain('Contoso is an Insurance company');
    expect(answer.facts.map((f) => f.id)).toEqual(['act-9', 'mail-3']);
  });

  it('calls one tool per turn when parallel tool use is disabled', () => {
    const turns = run(start({ toolChoice: { type: 'auto', disable_parallel_tool_use: true } }));
    const toolTurns = turns.filter((t) => t.stopReason === 'tool_use');
    expect(toolTurns.every((t) => t.blocks.length === 1)).toBe(true);
    expect(toolTurns).toHaveLength(4); // five tools are eligible, but the loop stops after four tool turns
    expect(turns.at(-1)?.stopReason).toBe('end_turn');
  });

  it('calls exactly the forced tool first, even a write tool, with schema-valid arguments', () => {
    const forced = compose(start({ toolChoice: { type: 'tool', name: 'log_activity' } }));
    expect(forced.stopReason).toBe('tool_use');
    expect(calls(forced.blocks).map((c) => c.name)).toEqual(['log_activity']);
    expectValidInput(TOOLS[6] as PromptTool, calls(forced.blocks)[0]?.input ?? {});
    const noFacts = start({ messages: [{ role: 'user', content: [{ type: 'text', text: 'go' }] }], toolChoice: { type: 'tool', name: 'crm__get_account' } });
    expect(calls(compose(noFacts).blocks)).toHaveLength(1);
  });

  it('does not retry a tool whose result was an error', () => {
    const turns = run(start());
    const searches = turns.flatMap((t) => calls(t.blocks)).filter((c) => c.name === 'search_news');
    expect(searches).toHaveLength(1);
  });

  it('answers at once with tool_choice none, and calls something with tool_choice any', () => {
    expect(compose(start({ toolChoice: { type: 'none' } })).stopReason).toBe('end_turn');
    const bare = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'go' }] }] };
    expect(compose(start(bare)).stopReason).toBe('end_turn'); // nothing fillable
    const any = compose(start({ ...bare, toolChoice: { type: 'any' } }));
    expect(any.stopReason).toBe('tool_use');
    expect(calls(any.blocks).every((c) => !WRITE.has(c.name))).toBe(true);
  });
});
