/**
 * A realistic, bounded tool loop. Each turn calls every eligible read-like tool not called yet
 * (in parallel, or only the first when `disable_parallel_tool_use`), then answers once they all
 * have results or after four tool turns. Write-like tools are only called when `tool_choice`
 * forces exactly that tool, or (obedient mode) when data told the model to call them.
 */
import type { Ctx } from './context.ts';
import type { ComposedBlock, ComposeRequest, PromptMessage, PromptTool } from './types.ts';
import { toolArgs, type ArgMode } from './tool-args.ts';

const MAX_TOOL_TURNS = 4;
const READ_VERBS = new Set(['get', 'list', 'search', 'find', 'read', 'fetch', 'lookup', 'describe', 'query']);
const WRITE_VERBS = new Set(['log', 'update', 'create', 'delete', 'send', 'attach', 'write', 'set', 'post', 'put', 'remove', 'add', 'insert', 'upsert', 'patch', 'edit', 'modify', 'mark', 'assign', 'email', 'schedule', 'save', 'submit', 'approve']);

/** Tool calls made so far: how many assistant turns called tools, and which tools were called. */
type ToolHistory = { turns: number; called: ReadonlySet<string> };

/** Reads the tool history from the conversation. */
function readToolHistory(messages: readonly PromptMessage[]): ToolHistory {
  let turns = 0;
  const called = new Set<string>();
  for (const m of messages) {
    if (m.role !== 'assistant') continue;
    let any = false;
    for (const b of m.content) {
      if (b.type !== 'tool_use') continue;
      any = true;
      // A called tool is never re-called: answered, failed (is_error) or pending alike.
      called.add(b.name);
    }
    if (any) turns++;
  }
  return { turns, called };
}

/** The words of a tool name (`crm__getAccount` → crm, get, account). */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** True for tools that only read (a read verb and no write verb in the name). */
function isReadTool(name: string): boolean {
  const w = nameWords(name);
  return !w.some((x) => WRITE_VERBS.has(x)) && w.some((x) => READ_VERBS.has(x));
}

/** The tool calls for this turn, or undefined when it is time for the final answer. */
export function toolTurn(req: ComposeRequest, ctx: Ctx): ComposedBlock[] | undefined {
  const choice = req.toolChoice;
  if (req.tools.length === 0 || choice?.type === 'none') return undefined;
  const history = readToolHistory(req.messages);
  if (history.turns >= MAX_TOOL_TURNS) return undefined;
  const call = (tool: PromptTool, mode: ArgMode): ComposedBlock | undefined => {
    const input = toolArgs(tool, ctx, mode);
    return input === undefined ? undefined : { type: 'tool_use', name: tool.name, input };
  };
  const byName = new Map(req.tools.map((t) => [t.name, t] as const));

  const forced = choice?.type === 'tool' && choice.name !== undefined ? byName.get(choice.name) : undefined;
  if (forced && history.turns === 0) return [call(forced, 'forced') ?? { type: 'tool_use', name: forced.name, input: {} }];

  const calls: ComposedBlock[] = [];
  for (const name of ctx.directives.tools) {
    const tool = byName.get(name);
    const block = tool && !history.called.has(name) ? call(tool, 'directive') : undefined;
    if (block) calls.push(block);
  }
  for (const tool of req.tools) {
    if (history.called.has(tool.name) || !isReadTool(tool.name) || calls.some((c) => c.type === 'tool_use' && c.name === tool.name)) continue;
    const block = call(tool, 'eligible');
    if (block) calls.push(block);
  }
  if (calls.length === 0 && choice?.type === 'any' && history.turns === 0) {
    // `any` must call something; prefer a reader, and never volunteer a write.
    const tool = req.tools.find((t) => isReadTool(t.name)) ?? req.tools.find((t) => !nameWords(t.name).some((x) => WRITE_VERBS.has(x)));
    const block = tool ? call(tool, 'forced') : undefined;
    if (block) calls.push(block);
  }
  if (calls.length === 0) return undefined;
  return choice?.disable_parallel_tool_use ? calls.slice(0, 1) : calls;
}
