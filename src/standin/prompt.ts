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

/**
 * One cacheable unit of the prompt, identified for the prompt cache by `kind:body`. The body is
 * built on demand because only segments up to the last breakpoint are ever hashed, and
 * serializing the (usually large, always unique) tail of the conversation was a large share of
 * each call; kind and body stay apart so a repeated system prompt is looked up as it arrived,
 * without first copying it into a prefixed string.
 */
export type Segment = { kind: string; body: () => string; tokens: number; breakpoint?: CacheTtl };

type PromptRequest = Pick<CountTokens, 'messages' | 'tools' | 'system' | 'cache_control' | 'output_config'>;

export function promptSegments(request: PromptRequest): Segment[] {
  const segments: Segment[] = [];

  const tools = request.tools ?? [];
  tools.forEach((tool, i) => {
    const { cache_control, ...definition } = tool;
    // One serialization serves both the token count and the cache key.
    const json = JSON.stringify(definition);
    pushSegment(segments, 'tool', () => json, countTextTokens(json) + (i === 0 ? TOOLS_OVERHEAD : 0), cache_control);
  });
  const format = request.output_config?.format;
  if (format) {
    const json = JSON.stringify(format.schema);
    pushSegment(segments, 'format', () => json, countTextTokens(json) + FORMAT_OVERHEAD, null);
  }
  if (typeof request.system === 'string') {
    const system = request.system;
    pushSegment(segments, 'system', () => system, countTextTokens(system), null);
  } else {
    for (const block of request.system ?? []) pushSegment(segments, 'system', () => block.text, countTextTokens(block.text), block.cache_control);
  }
  for (const message of request.messages) {
    const blocks: ContentBlock[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    blocks.forEach((block, j) => {
      const framing = j === 0 ? MESSAGE_OVERHEAD : 0;
      pushSegment(segments, message.role, () => blockKey(block), blockTokens(block) + framing, (block as CachedBlock).cache_control);
    });
  }
  // Top-level cache_control = automatic caching: a breakpoint on the last cacheable block.
  const last = segments.at(-1);
  if (request.cache_control && last && !last.breakpoint) last.breakpoint = request.cache_control.ttl ?? '5m';
  return segments;
}

type CacheControl = { ttl?: CacheTtl | undefined } | null | undefined;
type CachedBlock = ContentBlock & { cache_control?: CacheControl };

/** A block's cache identity: the block without its `cache_control`. */
function blockKey(block: ContentBlock): string {
  const { cache_control: _ignored, ...rest } = block as CachedBlock;
  return JSON.stringify(rest);
}

function pushSegment(segments: Segment[], kind: string, body: () => string, tokens: number, cc: CacheControl): void {
  segments.push(cc ? { kind, body, tokens, breakpoint: cc.ttl ?? '5m' } : { kind, body, tokens });
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
