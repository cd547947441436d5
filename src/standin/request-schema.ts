/**
 * The wire schema of `POST /v1/messages` as the stand-in accepts it (reference/claude-api.md §1).
 * Objects are strict: an unknown field is a 400 "Extra inputs are not permitted", as on the API.
 */
import { z } from 'zod';

export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

const CacheControl = z.strictObject({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() });

const TextBlock = z.strictObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: CacheControl.nullish(),
  citations: z.array(z.unknown()).nullish(),
});
const MediaSource = z.looseObject({ type: z.string() });
const ImageBlock = z.strictObject({ type: z.literal('image'), source: MediaSource, cache_control: CacheControl.nullish() });
const DocumentBlock = z.strictObject({
  type: z.literal('document'),
  source: MediaSource,
  title: z.string().nullish(),
  context: z.string().nullish(),
  citations: z.unknown().optional(),
  cache_control: CacheControl.nullish(),
});
const SearchResultBlock = z.looseObject({ type: z.literal('search_result'), cache_control: CacheControl.nullish() });
const ToolUseBlock = z.strictObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  caller: z.unknown().optional(),
  cache_control: CacheControl.nullish(),
});
const ToolResultBlock = z.strictObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [TextBlock, ImageBlock, DocumentBlock, SearchResultBlock]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: CacheControl.nullish(),
});
const ThinkingBlock = z.strictObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() });
const RedactedThinkingBlock = z.strictObject({ type: z.literal('redacted_thinking'), data: z.string() });

export const ContentBlock = z.discriminatedUnion('type', [
  TextBlock,
  ImageBlock,
  DocumentBlock,
  SearchResultBlock,
  ToolUseBlock,
  ToolResultBlock,
  ThinkingBlock,
  RedactedThinkingBlock,
]);
export type ContentBlock = z.infer<typeof ContentBlock>;

export const MessageParam = z.strictObject({
  role: z.enum(['user', 'assistant', 'system']),
  content: z.union([z.string(), z.array(ContentBlock)]),
});
export type MessageParam = z.infer<typeof MessageParam>;

export const Tool = z.strictObject({
  type: z.literal('custom').optional(),
  name: z.string().regex(TOOL_NAME, `String should match pattern '${TOOL_NAME.source}'`),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal('object') }),
  cache_control: CacheControl.nullish(),
  strict: z.boolean().optional(),
  defer_loading: z.boolean().optional(),
  input_examples: z.array(z.unknown()).optional(),
  eager_input_streaming: z.boolean().optional(),
  allowed_callers: z.array(z.string()).optional(),
});
export type Tool = z.infer<typeof Tool>;

export const ToolChoice = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.strictObject({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.strictObject({ type: z.literal('tool'), name: z.string(), disable_parallel_tool_use: z.boolean().optional() }),
  z.strictObject({ type: z.literal('none') }),
]);
export type ToolChoice = z.infer<typeof ToolChoice>;

const Thinking = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('adaptive'), display: z.enum(['summarized', 'omitted']).optional() }),
  z.strictObject({ type: z.literal('enabled'), budget_tokens: z.int().min(1024), display: z.enum(['summarized', 'omitted']).optional() }),
  z.strictObject({ type: z.literal('disabled') }),
  z.strictObject({ type: z.literal('between_tools') }),
]);

const OutputConfig = z.strictObject({
  effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).optional(),
  format: z.strictObject({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) }).nullish(),
});

/** Fields common to messages and count_tokens. */
const PromptFields = {
  model: z.string().min(1),
  messages: z.array(MessageParam).min(1, 'at least one message is required'),
  system: z.union([z.string(), z.array(TextBlock)]).optional(),
  tools: z.array(Tool).optional(),
  tool_choice: ToolChoice.optional(),
  thinking: Thinking.optional(),
  output_config: OutputConfig.optional(),
  cache_control: CacheControl.nullish(),
  speed: z.enum(['standard', 'fast']).optional(),
};

export const MessageCreate = z.strictObject({
  ...PromptFields,
  max_tokens: z.int().min(0),
  metadata: z.strictObject({ user_id: z.string().max(256).nullish() }).optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  service_tier: z.enum(['auto', 'standard_only']).optional(),
  inference_geo: z.string().optional(),
  container: z.unknown().optional(),
  diagnostics: z.unknown().optional(),
  // Accepted only under anthropic-version 2023-06-01; rejected by name under 2026-10-21.
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.int().min(0).optional(),
});
export type MessageCreate = z.infer<typeof MessageCreate>;

export const CountTokens = z.strictObject(PromptFields);
export type CountTokens = z.infer<typeof CountTokens>;

export const BatchCreate = z.strictObject({
  requests: z
    .array(
      z.strictObject({
        custom_id: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "String should match pattern '^[a-zA-Z0-9_-]{1,64}$'"),
        // Params are validated per request when the batch is processed, as the API does.
        params: z.record(z.string(), z.unknown()),
      }),
    )
    .min(1, 'at least one request is required')
    .max(100_000, 'a batch holds at most 100,000 requests'),
});
export type BatchCreate = z.infer<typeof BatchCreate>;
