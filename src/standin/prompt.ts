/**
 * The prompt as the billing side sees it: an ordered list of segments in cache-prefix order
 * (tools → system → messages), each with its token count and any `cache_control` breakpoint.
 */
import type { CountTokens, ContentBlock } from './request-schema.ts';
import {
  countJsonTokens,
  countTextTokens,
  FORMAT_OVERHEAD,
  MEDIA_TOKENS,
  MESSAGE_OVERHEAD,
  REQUEST_OVERHEAD,
  TOOLS_OVERHEAD,
} from './tokens.ts';

export type CacheTtl = '5m' | '1h';
export type Segment = { key: string; tokens: number; breakpoint?: CacheTtl };

type PromptRequest = Pick<CountTokens, 'messages' | 'tools' | 'system' | 'cache_control' | 'output_config'>;

export function promptSegments(request: PromptRequest): Segment[] {
  const segments: Segment[] = [];
  const push = (key: string, tokens: number, cc: { ttl?: CacheTtl | undefined } | null | undefined) =>
    segments.push(cc ? { key, tokens, breakpoint: cc.ttl ?? '5m' } : { key, tokens });

  const tools = request.tools ?? [];
  tools.forEach((tool, i) => {
    const { cache_control, ...definition } = tool;
    push(`tool:${JSON.stringify(definition)}`, countJsonTokens(definition) + (i === 0 ? TOOLS_OVERHEAD : 0), cache_control);
  });
  const format = request.output_config?.format;
  if (format) push(`format:${JSON.stringify(format.schema)}`, countJsonTokens(format.schema) + FORMAT_OVERHEAD, null);
  if (typeof request.system === 'string') {
    push(`system:${request.system}`, countTextTokens(request.system), null);
  } else {
    for (const block of request.system ?? []) push(`system:${block.text}`, countTextTokens(block.text), block.cache_control);
  }
  for (const message of request.messages) {
    const blocks: ContentBlock[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    blocks.forEach((block, j) => {
      const { cache_control, ...rest } = block as ContentBlock & { cache_control?: { ttl?: CacheTtl } | null };
      const framing = j === 0 ? MESSAGE_OVERHEAD : 0;
      push(`${message.role}:${JSON.stringify(rest)}`, blockTokens(block) + framing, cache_control);
    });
  }
  // Top-level cache_control = automatic caching: a breakpoint on the last cacheable block.
  const last = segments.at(-1);
  if (request.cache_control && last && !last.breakpoint) last.breakpoint = request.cache_control.ttl ?? '5m';
  return segments;
}

export function totalTokens(segments: readonly Segment[]): number {
  return segments.reduce((sum, s) => sum + s.tokens, REQUEST_OVERHEAD);
}

function blockTokens(block: ContentBlock): number {
  switch (block.type) {
    case 'text':
      return countTextTokens(block.text);
    case 'image':
    case 'document':
      return MEDIA_TOKENS;
    case 'tool_use':
      return countTextTokens(block.name) + countJsonTokens(block.input);
    case 'tool_result':
      return 2 + (typeof block.content === 'string' ? countTextTokens(block.content) : (block.content ?? []).reduce((n, b) => n + blockTokens(b), 0));
    case 'thinking':
      return countTextTokens(block.thinking);
    case 'redacted_thinking':
      return countTextTokens(block.data);
    default:
      return countJsonTokens(block);
  }
}
