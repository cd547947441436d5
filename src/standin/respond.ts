/**
 * Answers one validated Messages request with a complete `Message`: content from the composer,
 * a thinking block where the model always thinks, truncation at `max_tokens`, stop sequences,
 * and usage split into uncached input, cache writes and cache reads.
 */
import { compose, type ComposedBlock, type ComposeRequest, type PromptBlock, type PromptMessage } from './compose/index.ts';
import { sha256 } from './digest.ts';
import type { StandinModel } from './models.ts';
import type { CacheUsage } from './prompt-cache.ts';
import type { MessageCreate } from './request-schema.ts';
import { countJsonTokens, countTextTokens } from './tokens.ts';

export type OutputBlock =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'text'; text: string; citations: null }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown>; caller: { type: 'direct' } };

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use';

export type MessageObject = {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: OutputBlock[];
  stop_reason: StopReason;
  stop_sequence: string | null;
  stop_details: null;
  container: null;
  diagnostics: null;
  usage: Usage;
};

export type Usage = {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  server_tool_use: null;
  service_tier: 'standard' | 'batch';
  inference_geo: string;
  output_tokens_details: { thinking_tokens: number };
  speed: 'standard' | 'fast';
};

/** The content a request gets before billing: deterministic, so it can be sized before admission. */
export type Draft = { blocks: OutputBlock[]; stopReason: StopReason; stopSequence: string | null; outputTokens: number; thinkingTokens: number };

export function draftResponse(request: MessageCreate, model: StandinModel, options: { obedient: boolean; idFor: (prefix: string) => string }): Draft {
  const composition = compose(toComposeRequest(request, model.id, options.obedient));
  const blocks: OutputBlock[] = [];
  let thinkingTokens = 0;
  const thinkingType = request.thinking?.type ?? (model.thinkingAlwaysOn ? 'adaptive' : 'disabled');
  if (thinkingType === 'adaptive' || thinkingType === 'enabled') {
    const display = request.thinking && 'display' in request.thinking ? request.thinking.display : undefined;
    const summary = 'Reviewed the facts provided in the prompt and planned the answer from them.';
    blocks.push({ type: 'thinking', thinking: display === 'summarized' ? summary : '', signature: signature(request) });
    thinkingTokens = 16 + countTextTokens(summary);
  }
  for (const block of composition.blocks) blocks.push(toOutputBlock(block, options.idFor));

  let stopReason: StopReason = composition.stopReason;
  let stopSequence: string | null = null;
  const stops = request.stop_sequences ?? [];
  if (stops.length > 0) {
    for (const block of blocks) {
      if (block.type !== 'text') continue;
      const hit = earliest(block.text, stops);
      if (hit) {
        block.text = block.text.slice(0, hit.index);
        stopReason = 'stop_sequence';
        stopSequence = hit.sequence;
        blocks.splice(blocks.indexOf(block) + 1);
        break;
      }
    }
  }
  return truncate({ blocks, stopReason, stopSequence, outputTokens: 0, thinkingTokens }, request.max_tokens);
}

/** Cuts the draft to `max_tokens`, as generation would stop there (JSON is left truncated). */
function truncate(draft: Draft, maxTokens: number): Draft {
  let used = 0;
  const kept: OutputBlock[] = [];
  for (const block of draft.blocks) {
    const cost = block.type === 'thinking' ? draft.thinkingTokens : block.type === 'text' ? countTextTokens(block.text) : toolUseTokens(block);
    if (used + cost <= maxTokens) {
      kept.push(block);
      used += cost;
      continue;
    }
    const room = maxTokens - used;
    if (block.type === 'text' && room > 0) {
      kept.push({ ...block, text: block.text.slice(0, room * 4) });
    }
    return { ...draft, blocks: kept, stopReason: 'max_tokens', stopSequence: null, outputTokens: maxTokens };
  }
  return { ...draft, blocks: kept, outputTokens: used };
}

export function finishMessage(request: MessageCreate, draft: Draft, cache: CacheUsage, options: { id: string; tier: 'standard' | 'batch' }): MessageObject {
  return {
    id: options.id,
    type: 'message',
    role: 'assistant',
    model: request.model,
    content: draft.blocks,
    stop_reason: draft.stopReason,
    stop_sequence: draft.stopSequence,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: {
      input_tokens: cache.input,
      output_tokens: draft.outputTokens,
      cache_creation_input_tokens: cache.cacheWrite5m + cache.cacheWrite1h,
      cache_read_input_tokens: cache.cacheRead,
      cache_creation: { ephemeral_5m_input_tokens: cache.cacheWrite5m, ephemeral_1h_input_tokens: cache.cacheWrite1h },
      server_tool_use: null,
      service_tier: options.tier,
      inference_geo: 'global',
      output_tokens_details: { thinking_tokens: draft.blocks.some((b) => b.type === 'thinking') ? draft.thinkingTokens : 0 },
      speed: request.speed ?? 'standard',
    },
  };
}

function toOutputBlock(block: ComposedBlock, idFor: (prefix: string) => string): OutputBlock {
  if (block.type === 'text') return { type: 'text', text: block.text, citations: null };
  return { type: 'tool_use', id: idFor('toolu_'), name: block.name, input: block.input, caller: { type: 'direct' } };
}

const toolUseTokens = (block: { name: string; input: unknown }) => 8 + countTextTokens(block.name) + countJsonTokens(block.input);

function earliest(text: string, stops: readonly string[]): { index: number; sequence: string } | undefined {
  let best: { index: number; sequence: string } | undefined;
  for (const sequence of stops) {
    const index = text.indexOf(sequence);
    if (index >= 0 && (!best || index < best.index)) best = { index, sequence };
  }
  return best;
}

function signature(request: MessageCreate): string {
  return sha256(JSON.stringify(request.messages)).toString('base64');
}

/** The wire request as the composer reads it: plain text, tool calls and flattened tool results. */
export function toComposeRequest(request: Pick<MessageCreate, 'system' | 'messages' | 'tools' | 'tool_choice' | 'output_config'>, model: string, obedient: boolean): ComposeRequest {
  const system = typeof request.system === 'string' ? request.system : joinSystem(request.system ?? []);
  const messages: PromptMessage[] = request.messages.map((m) => ({
    role: m.role,
    content:
      typeof m.content === 'string'
        ? [{ type: 'text', text: m.content }]
        : m.content.flatMap((b): PromptBlock[] => {
            if (b.type === 'text') return [{ type: 'text', text: b.text }];
            if (b.type === 'tool_use') return [{ type: 'tool_use', id: b.id, name: b.name, input: b.input }];
            if (b.type === 'tool_result') {
              const content = typeof b.content === 'string' ? b.content : (b.content ?? []).map((c) => (c.type === 'text' ? c.text : '')).join('\n');
              return [{ type: 'tool_result', tool_use_id: b.tool_use_id, content, is_error: b.is_error ?? false }];
            }
            return [];
          }),
  }));
  const composeRequest: ComposeRequest = {
    model,
    system,
    messages,
    tools: (request.tools ?? []).map((t) => (t.description === undefined ? { name: t.name, input_schema: t.input_schema } : { name: t.name, description: t.description, input_schema: t.input_schema })),
    obedient,
  };
  if (request.tool_choice) composeRequest.toolChoice = request.tool_choice;
  const schema = request.output_config?.format?.schema;
  if (schema) composeRequest.outputSchema = schema;
  return composeRequest;
}

/**
 * System blocks joined with a blank line. A fleet sends the same few system prompts on every
 * call: a recent join whose parts are equal (compared, not hashed) is returned as the very same
 * string, which spares copying kilobytes per call and lets the composer's memo of the system
 * prompt match it by identity.
 */
function joinSystem(blocks: readonly { text: string }[]): string {
  if (blocks.length === 0) return '';
  if (blocks.length === 1) return (blocks[0] as { text: string }).text;
  for (let i = 0; i < recentJoins.length; i++) {
    const join = recentJoins[i] as SystemJoin;
    if (join.parts.length === blocks.length && join.parts.every((part, j) => part === blocks[j]?.text)) {
      if (i > 0) recentJoins.unshift(...recentJoins.splice(i, 1));
      return join.text;
    }
  }
  const parts = blocks.map((b) => b.text);
  const text = parts.join('\n\n');
  if (text.length > MAX_JOIN_CHARS) return text;
  recentJoins.unshift({ parts, text });
  if (recentJoins.length > MAX_RECENT_JOINS) recentJoins.pop();
  return text;
}

type SystemJoin = { parts: string[]; text: string };
/** Most recently used first; a handful covers every agent step of a run. */
const recentJoins: SystemJoin[] = [];
const MAX_RECENT_JOINS = 8;
/** Longer system prompts are not kept (bounds the memory held to 8 × 1M characters). */
const MAX_JOIN_CHARS = 1024 * 1024;
