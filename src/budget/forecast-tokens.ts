/**
 * Token counts for a forecast made before any call: the request builders' text, counted with a
 * characters-per-token ratio. No tokenizer and no `count_tokens` round trip — a dry run must not
 * need the API, and the ratio is exact for the offline stand-in and close for English prose on
 * Claude. Forecasts with history use measured tokens instead, so the ratio only matters once.
 */
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import type { TextBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { z } from 'zod';
import { baseModelId } from '../llm/pricing.ts';

/**
 * Characters per token by kind of content. All four are 4, the ratio of English prose on Claude
 * models and the stand-in's fixed heuristic (src/standin/tokens.ts), so estimates agree with the
 * stand-in's billing. They are separate so a calibration against real Claude can change one kind
 * (JSON runs nearer 3 characters a token on real tokenizers, and the 5.x models count about 30%
 * more tokens than 4.x for the same text) without touching the others.
 */
export const CHARS_PER_TOKEN = {
  /** SKILL.md bodies and reference files (Markdown prose). */
  skill: 4,
  /** The output schema sent as `output_config.format`. */
  schema: 4,
  /** The user message: a short task, then compact JSON sections. */
  user: 4,
  /** The model's JSON answer. */
  output: 4,
} as const;
export type ContentKind = keyof typeof CHARS_PER_TOKEN;

/**
 * Framing the API adds around the text. Not published; these are the stand-in's allowances
 * (REQUEST_OVERHEAD, MESSAGE_OVERHEAD and FORMAT_OVERHEAD in src/standin/tokens.ts), small next
 * to any prompt either way.
 */
export const FRAMING_TOKENS = { request: 3, message: 4, format: 50 } as const;

/** Tokens of `text` read as content of `kind`. */
export function countTokens(text: string, kind: ContentKind): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / CHARS_PER_TOKEN[kind]);
}

const schemaTokens = new WeakMap<object, number>();

/** Tokens of a structured-output schema as the client sends it (the SDK's zod format). */
export function outputSchemaTokens(schema: z.ZodType): number {
  let tokens = schemaTokens.get(schema);
  if (tokens === undefined) {
    const format = zodOutputFormat(schema as Parameters<typeof zodOutputFormat>[0]);
    tokens = countTokens(JSON.stringify(format.schema), 'schema') + FRAMING_TOKENS.format;
    schemaTokens.set(schema, tokens);
  }
  return tokens;
}

/**
 * The cached prefix of a structured request: request framing, the output schema (the API places
 * it before the system prompt) and every system block up to the breakpoint on the last one. The
 * request builders put nothing account-specific there, so it is the same for every call of a step.
 */
export function prefixTokens(system: readonly TextBlockParam[], schema: z.ZodType): number {
  return FRAMING_TOKENS.request + outputSchemaTokens(schema) + system.reduce((n, block) => n + countTokens(block.text, 'skill'), 0);
}

/** Uncached input of a request whose only message is one user turn: the text and its framing. */
export function userMessageTokens(text: string): number {
  return countTokens(text, 'user') + FRAMING_TOKENS.message;
}

/**
 * Shortest prefix each model caches; shorter ones are silently not cached (claude-api.md §5).
 * No authoritative table exists for the 5.x line: these are the values the stand-in is configured
 * with (src/standin/models.ts), the 4.x ones are documented. Unknown models get the most common
 * minimum.
 */
const MIN_CACHE_TOKENS: Readonly<Record<string, number>> = {
  'claude-fable-5-2': 1024,
  'claude-opus-5-5': 2048,
  'claude-sonnet-5-5': 1024,
  'claude-haiku-5-5': 2048,
  'claude-fable-5-1': 512,
  'claude-opus-5': 4096,
  'claude-sonnet-5': 2048,
  'claude-opus-4-8': 4096,
  'claude-opus-4-7': 4096,
  'claude-opus-4-6': 4096,
  'claude-opus-4-5': 4096,
  'claude-sonnet-4-6': 2048,
  'claude-sonnet-4-5': 1024,
  'claude-haiku-4-5': 4096,
};
const DEFAULT_MIN_CACHE_TOKENS = 1024;

/** The shortest prompt prefix `model` caches. */
export function minCacheTokens(model: string): number {
  return MIN_CACHE_TOKENS[baseModelId(model)] ?? DEFAULT_MIN_CACHE_TOKENS;
}
