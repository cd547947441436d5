/**
 * A manual, bounded tool-use loop over `messages.create`. Not the SDK's beta toolRunner: that one
 * runs over server-held message threads, which neither the stand-in nor local backends provide.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import type { Message, MessageParam, ToolResultBlockParam, ToolUseBlock } from '@anthropic-ai/sdk/resources/messages';
import type { CallRunner } from './call.ts';
import { LlmError } from './errors.ts';
import { parseRateLimitHeaders } from './rate-limit-headers.ts';
import { assertToolNames, assistantTurn, buildParams, formatIssues, textOf, toolDefinition } from './request.ts';
import { parseStructured } from './structured.ts';
import type { CallOptions, LlmCallRecord, LoopTool, ToolLoopRequest, ToolLoopResult } from './types.ts';
import { addUsage, normalizeUsage, ZERO_USAGE } from './usage.ts';

/**
 * Throw from a tool's `run` to report a failure to the model (`is_error: true` with this
 * message) instead of failing the loop. Tool failures are data; infrastructure failures throw.
 */
export class ToolError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ToolError';
  }
}

/** Identity function that keeps a tool's input type inferred from its schema. */
export function defineTool<S extends LoopTool['inputSchema']>(tool: LoopTool<S>): LoopTool {
  return tool as unknown as LoopTool;
}

type ToolLoopDeps = { sdk: Anthropic; runner: CallRunner; resolveModel: (req: { skill?: string; model?: string }) => string };

const isFinal = (message: Message) =>
  message.stop_reason !== 'tool_use' || !message.content.some((block) => block.type === 'tool_use');

async function runTool(
  block: ToolUseBlock,
  tools: ReadonlyMap<string, LoopTool>,
  signal: AbortSignal | undefined,
): Promise<ToolResultBlockParam> {
  const result = (content: string, isError = false): ToolResultBlockParam => ({
    type: 'tool_result',
    tool_use_id: block.id,
    content,
    ...(isError ? { is_error: true } : {}),
  });
  const tool = tools.get(block.name);
  if (!tool) return result(`unknown tool "${block.name}"; available: ${[...tools.keys()].join(', ')}`, true);
  const input = tool.inputSchema.safeParse(block.input);
  if (!input.success) return result(`invalid input for tool ${tool.name}: ${formatIssues(input.error)}`, true);
  try {
    const output = await tool.run(input.data, { signal });
    return typeof output === 'string' ? result(output) : result(output.content, true);
  } catch (err) {
    // The SDK's own ToolError carries the same name; accept either.
    if (err instanceof Error && err.name === 'ToolError') return result(err.message, true);
    if (signal?.aborted) throw new LlmError('aborted', `tool loop aborted while running tool ${tool.name}`, { cause: err });
    throw err; // infrastructure failure: the job retries (style.md C6)
  }
}

/**
 * Send; while the model asks for tools, append its turn unchanged plus one `tool_result` per
 * `tool_use` block (run in order), and send again — at most `maxTurns` model calls. With
 * `schema`, `output_config.format` is sent on every turn (constant, so the prompt cache keeps
 * hitting) and the final answer is validated like `structured`.
 */
export async function runToolLoop<T>(
  deps: ToolLoopDeps,
  req: ToolLoopRequest<T>,
  options: CallOptions = {},
): Promise<ToolLoopResult<T>> {
  assertToolNames(req.tools.map((t) => t.name));
  if (!Number.isInteger(req.maxTurns) || req.maxTurns < 1) {
    throw new LlmError('unrecoverable', `tool loop maxTurns must be a positive integer, got ${req.maxTurns}`);
  }
  const { signal, onCall } = options;
  const model = deps.resolveModel(req);
  const tools = new Map(req.tools.map((tool) => [tool.name, tool]));
  const definitions = req.tools.map(toolDefinition);
  const format = req.schema ? zodOutputFormat(req.schema) : undefined;
  const transcript: MessageParam[] = [...req.messages];
  const records: LlmCallRecord[] = [];
  let usage = ZERO_USAGE;
  let cost: number | undefined = 0;

  for (let turn = 1; turn <= req.maxTurns; turn++) {
    const params = buildParams({ ...req, tools: definitions, messages: [...transcript] }, model, format);
    const { value, ...call } = await deps.runner.recorded(
      { callKind: 'tool_turn', model, skill: req.skill, onCall },
      () => deps.sdk.messages.create(params, { signal }).withResponse(),
      ({ data: message, response }) => ({
        usage: normalizeUsage(message.usage),
        requestId: (message as { _request_id?: string | null })._request_id,
        stopReason: message.stop_reason,
        rateLimit: parseRateLimitHeaders(response.headers),
      }),
      ({ data: message }) => ({
        message,
        data: isFinal(message) && req.schema ? parseStructured(message, req.schema, req.name) : undefined,
      }),
    );
    records.push(call.record);
    usage = addUsage(usage, call.usage);
    cost = cost === undefined || call.costUsd === undefined ? undefined : cost + call.costUsd;
    const { message, data } = value;
    transcript.push(assistantTurn(message));

    if (isFinal(message)) {
      const result: ToolLoopResult<T> = { message, text: textOf(message), turns: turn, messages: transcript, usage, costUsd: cost, records };
      if (req.schema) result.data = data as T;
      return result;
    }
    if (turn === req.maxTurns) break;

    const results: ToolResultBlockParam[] = [];
    for (const block of message.content) {
      if (block.type === 'tool_use') results.push(await runTool(block, tools, signal));
    }
    transcript.push({ role: 'user', content: results });
  }
  throw new LlmError(
    'unrecoverable',
    `tool loop exceeded ${req.maxTurns} turns (model ${model}${req.skill ? `, skill ${req.skill}` : ''}) and still wants tools`,
  );
}
