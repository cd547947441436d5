/**
 * Translation from bookrun requests to SDK parameters, and from SDK messages back to text.
 */
import type {
  Message,
  MessageCreateParamsNonStreaming,
  MessageParam,
  OutputConfig,
  Tool,
} from '@anthropic-ai/sdk/resources/messages';
import { z } from 'zod';
import { LlmError } from './errors.ts';
import type { CountTokensRequest, LoopTool, MessageRequest } from './types.ts';

/** Tool names the API accepts (a name with `.`, `/` or spaces gets a 400). */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,128}$/;

/**
 * Reject tool names the API would refuse, and duplicates, before spending a request.
 * Throws `LlmError` kind `unrecoverable` naming the tool.
 */
export function assertToolNames(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (!TOOL_NAME_PATTERN.test(name)) {
      const suggestion = name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 128) || 'tool';
      throw new LlmError(
        'unrecoverable',
        `invalid tool name "${name}": tool names must match ${TOOL_NAME_PATTERN.source} (e.g. "${suggestion}")`,
      );
    }
    if (seen.has(name)) throw new LlmError('unrecoverable', `duplicate tool name "${name}"`);
    seen.add(name);
  }
}

/** The `output_config.format` accepted by the SDK (a JSON-schema format, possibly with `parse`). */
export type OutputFormat = NonNullable<OutputConfig['format']>;

/**
 * Build `messages.create` parameters. Only known fields are copied, so stray properties on a
 * request object (say, `temperature` from old code) never reach the wire.
 */
export function buildParams(req: MessageRequest, model: string, format?: OutputFormat): MessageCreateParamsNonStreaming {
  if (req.tools) assertToolNames(req.tools.map((t) => t.name));
  const params: MessageCreateParamsNonStreaming = {
    model,
    max_tokens: req.maxTokens,
    messages: req.messages,
  };
  if (req.system !== undefined) params.system = req.system;
  if (req.tools && req.tools.length > 0) params.tools = req.tools;
  if (req.stopSequences && req.stopSequences.length > 0) params.stop_sequences = req.stopSequences;
  if (req.cacheControl) {
    params.cache_control = req.cacheControl.ttl
      ? { type: 'ephemeral', ttl: req.cacheControl.ttl }
      : { type: 'ephemeral' };
  }
  if (format) params.output_config = { format };
  return params;
}

/** Parameters for `messages.countTokens`. */
export function buildCountParams(req: CountTokensRequest, model: string) {
  if (req.tools) assertToolNames(req.tools.map((t) => t.name));
  return {
    model,
    messages: req.messages,
    ...(req.system !== undefined ? { system: req.system } : {}),
    ...(req.tools && req.tools.length > 0 ? { tools: req.tools } : {}),
    ...(req.cacheControl ? { cache_control: { type: 'ephemeral' as const, ...req.cacheControl } } : {}),
  };
}

/** Text of a response: every `text` block, by type, joined. Thinking and tool blocks are skipped. */
export function textOf(message: Pick<Message, 'content'>): string {
  return message.content
    .filter((block) => block.type === 'text')
    .map((block) => block.text)
    .join('');
}

/** The API tool definition of a loop tool: JSON Schema of its input, `$schema` removed. */
export function toolDefinition(tool: LoopTool): Tool {
  // io:'input' describes what the model must send (fields with defaults stay optional).
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.inputSchema, { io: 'input' }) as Record<string, unknown>;
  return { name: tool.name, description: tool.description, input_schema: { ...schema, type: 'object' } };
}

/** zod issues as one line: `path: message; path: message`. */
export function formatIssues(error: z.ZodError, limit = 5): string {
  const lines = error.issues
    .slice(0, limit)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
  const more = error.issues.length > limit ? `; and ${error.issues.length - limit} more` : '';
  return lines.join('; ') + more;
}

/** An assistant turn appended unchanged (thinking blocks included), as the API requires. */
export function assistantTurn(message: Message): MessageParam {
  return { role: 'assistant', content: message.content as Extract<MessageParam, { role: 'assistant' }>['content'] };
}
