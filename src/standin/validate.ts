/**
 * Turns a raw JSON body into a validated request, or an `ApiError` whose message names the
 * offending field the way the API does (`messages.0.content: Field required`).
 */
import type { z } from 'zod';
import { ApiError, invalid } from './api-error.ts';
import { fastMessageCreate } from './fast-request.ts';
import { findModel, type StandinModel } from './models.ts';
import { CountTokens, MessageCreate, type ContentBlock, type MessageParam } from './request-schema.ts';

export const API_VERSIONS = ['2023-06-01', '2026-10-21'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

/** Checks the `anthropic-version` header; the SDK always sends it, curl users often forget. */
export function parseApiVersion(header: string | undefined): ApiVersion {
  if (!header) throw invalid('anthropic-version: header is required');
  const version = API_VERSIONS.find((v) => v === header);
  if (!version) throw invalid(`anthropic-version: "${header}" is not a valid version (supported: ${API_VERSIONS.join(', ')})`);
  return version;
}

type Validated<T> = { request: T; model: StandinModel };

export function validateMessageCreate(body: unknown, version: ApiVersion): Validated<MessageCreate> {
  rejectThread(body);
  // The common text-only shape is checked by hand; anything else (and every error) goes to zod.
  const request = fastMessageCreate(body) ?? parseWith(MessageCreate, body);
  const model = requireModel(request.model);
  if (version === '2026-10-21') {
    for (const field of ['temperature', 'top_p', 'top_k'] as const) {
      if (request[field] !== undefined) throw invalid(`${field}: Extra inputs are not permitted`);
    }
  }
  if (request.max_tokens > model.maxOutputTokens) {
    throw invalid(
      `max_tokens: ${request.max_tokens} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${model.id}`,
    );
  }
  if (request.stop_sequences?.some((s) => s.trim() === '')) {
    throw invalid('stop_sequences: each stop sequence must contain non-whitespace');
  }
  checkPrompt(request, model, version);
  return { request, model };
}

export function validateCountTokens(body: unknown, version: ApiVersion): Validated<CountTokens> {
  rejectThread(body);
  const request = parseWith(CountTokens, body);
  const model = requireModel(request.model);
  checkPrompt(request, model, version);
  return { request, model };
}

/** Never ignore `thread`: a caller relying on it would otherwise send a bare tool_result turn. */
function rejectThread(body: unknown): void {
  if (body !== null && typeof body === 'object' && 'thread' in body) {
    throw new ApiError('invalid_request_error', 'thread: message threads are not supported by this server; resend the full conversation without `thread`', {
      details: { error_code: 'thread_unsupported_request', unsupported: ['thread'] },
    });
  }
}

function requireModel(id: string): StandinModel {
  const model = findModel(id);
  if (!model) throw new ApiError('not_found_error', `model: ${id}`);
  return model;
}

export function parseWith<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('request body must be a JSON object');
  }
  // reportInput: issues carry the offending value, so a missing field can be told from a wrong one.
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  const [first, ...rest] = result.error.issues;
  const message = first ? describeIssue(first) : 'invalid request';
  throw invalid(rest.length > 0 ? `${message} (and ${rest.length} more error${rest.length > 1 ? 's' : ''})` : message);
}

/** zod issue → pydantic-style "path: message", as the API phrases validation errors. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const path = [...issue.path];
  // The API reports custom tools under their union tag: `tools.0.custom.name`.
  if (path[0] === 'tools' && typeof path[1] === 'number' && path.length > 2) path.splice(2, 0, 'custom');
  const where = (p: PropertyKey[]) => (p.length ? p.map(String).join('.') : 'body');
  // A missing field is reported the same way whatever its type (unions included).
  if (issue.code !== 'unrecognized_keys' && issue.input === undefined && issue.path.length > 0) return `${where(path)}: Field required`;
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${where([...path, issue.keys[0] ?? ''])}: Extra inputs are not permitted`;
    case 'invalid_type':
      return `${where(path)}: Input should be a valid ${issue.expected}`;
    case 'invalid_value':
      return `${where(path)}: Input should be ${issue.values.map((v) => `'${String(v)}'`).join(' or ')}`;
    case 'invalid_union': {
      const tag = isRecord(issue.input) ? issue.input['type'] : undefined;
      return `${where(path)}: ${tag !== undefined ? `Input tag '${String(tag)}' found using 'type' does not match any of the expected tags` : issue.message}`;
    }
    case 'too_small':
    case 'too_big':
    case 'invalid_format':
    case 'custom':
    default:
      return `${where(path)}: ${issue.message}`;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

type PromptRequest = Pick<CountTokens, 'messages' | 'tools' | 'tool_choice' | 'thinking' | 'output_config' | 'system' | 'cache_control'>;

/** Semantic rules the schema cannot express (conversation shape, per-model behaviours). */
function checkPrompt(request: PromptRequest, model: StandinModel, version: ApiVersion): void {
  const turns = request.messages.filter((m) => m.role !== 'system');
  if (turns[0]?.role !== 'user') throw invalid('messages: the first non-system message must use the "user" role');
  const last = turns.at(-1);
  if (last?.role === 'assistant' && !model.prefill) {
    throw invalid(`messages: ${model.id} does not support assistant message prefill; the conversation must end with a user message`);
  }
  request.messages.forEach((m, i) => checkMessage(m, i, version));
  checkToolPairs(request.messages);

  const names = new Set<string>();
  for (const tool of request.tools ?? []) {
    if (names.has(tool.name)) throw invalid(`tools: Tool names must be unique (duplicate: ${tool.name})`);
    names.add(tool.name);
  }
  const choice = request.tool_choice;
  if (choice && (choice.type === 'any' || choice.type === 'tool')) {
    if (!model.forcedToolUse) {
      throw invalid(`tool_choice: forced tool use (type "${choice.type}") is not supported for ${model.id}; use {"type":"auto"} or output_config.format`);
    }
    if (choice.type === 'tool' && !names.has(choice.name)) throw invalid(`tool_choice.name: no tool named "${choice.name}" in tools`);
    if (names.size === 0) throw invalid('tool_choice: tools must be provided when tool_choice forces a tool');
  }
  const thinking = request.thinking;
  if (thinking && model.thinkingAlwaysOn && (thinking.type === 'disabled' || thinking.type === 'enabled')) {
    throw invalid(`thinking.type.${thinking.type}: is not supported for this model. Use thinking.type.adaptive and output_config.effort to control thinking`);
  }
  if (thinking?.type === 'enabled' && !model.budgetTokens) {
    throw invalid(`thinking.budget_tokens: manual thinking budgets are not supported for ${model.id}; use thinking.type.adaptive`);
  }
  const breakpoints = countBreakpoints(request);
  if (breakpoints > 4) throw invalid(`A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints}.`);
}

function checkMessage(message: MessageParam, index: number, version: ApiVersion): void {
  if (typeof message.content === 'string') {
    if (message.content.length === 0 && message.role === 'user') throw invalid(`messages.${index}.content: text content must be non-empty`);
    return;
  }
  if (message.content.length === 0 && message.role === 'user') throw invalid(`messages.${index}.content: at least one content block is required`);
  message.content.forEach((block, j) => {
    const at = `messages.${index}.content.${j}`;
    if (block.type === 'text' && block.text.length === 0) throw invalid(`${at}.text: text content blocks must be non-empty`);
    if ((block.type === 'thinking' || block.type === 'redacted_thinking' || block.type === 'tool_use') && message.role !== 'assistant') {
      throw invalid(`${at}: \`${block.type}\` blocks may only appear in assistant messages`);
    }
    if (block.type === 'tool_result' && message.role !== 'user') throw invalid(`${at}: \`tool_result\` blocks may only appear in user messages`);
    if (version === '2026-10-21') {
      if (block.type === 'document' && message.role === 'assistant') throw invalid(`${at}: document blocks are not permitted in assistant messages`);
      if (block.type === 'text' && message.role === 'user' && (block.citations?.length ?? 0) > 0) {
        throw invalid(`${at}.citations: citations are not permitted on text blocks in user messages`);
      }
    }
  });
}

/** Every tool_use must be answered by a tool_result in the very next turn, and vice versa. */
function checkToolPairs(messages: readonly MessageParam[]): void {
  const blocks = (m: MessageParam | undefined): ContentBlock[] => (m && Array.isArray(m.content) ? m.content : []);
  messages.forEach((message, i) => {
    const next = messages[i + 1];
    if (message.role === 'assistant') {
      const ids = blocks(message).flatMap((b) => (b.type === 'tool_use' ? [b.id] : []));
      if (ids.length === 0) return;
      const answered = new Set(blocks(next).flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : [])));
      const missing = ids.filter((id) => !answered.has(id));
      if (next && missing.length > 0) {
        throw invalid(`messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);
      }
    }
    if (message.role === 'user') {
      const prev = messages[i - 1];
      const offered = new Set(blocks(prev).flatMap((b) => (b.type === 'tool_use' ? [b.id] : [])));
      blocks(message).forEach((b, j) => {
        if (b.type === 'tool_result' && !offered.has(b.tool_use_id)) {
          throw invalid(`messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${b.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`);
        }
      });
    }
  });
}

function countBreakpoints(request: PromptRequest): number {
  let n = request.cache_control ? 1 : 0;
  for (const tool of request.tools ?? []) if (tool.cache_control) n++;
  if (Array.isArray(request.system)) for (const b of request.system) if (b.cache_control) n++;
  for (const m of request.messages) {
    if (Array.isArray(m.content)) for (const b of m.content) if ('cache_control' in b && b.cache_control) n++;
  }
  return n;
}
