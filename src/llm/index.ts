/**
 * The LLM port: one Claude client for every sub-agent, with usage, pricing and one error taxonomy.
 */
export { createLlmClient, DEFAULT_BASE_URL, type LlmClientOptions } from './client.ts';
export { LlmError, classifyLlmError, parseRetryAfter, type LlmErrorKind, type LlmErrorDetails } from './errors.ts';
export {
  costUsd,
  requireCostUsd,
  priceFor,
  baseModelId,
  MODEL_PRICES,
  UNPRICED_MODELS,
  CACHE_WRITE_5M_MULTIPLIER,
  CACHE_WRITE_1H_MULTIPLIER,
  BATCH_DISCOUNT,
  UnknownModelPriceError,
  type CostOptions,
  type ModelPrice,
  type PriceTier,
} from './pricing.ts';
export { normalizeUsage, addUsage, totalInput, ZERO_USAGE, type TokenUsage } from './usage.ts';
export {
  parseRateLimitHeaders,
  remainingFraction,
  type HeaderSource,
  type RateLimitBucket,
  type RateLimitSnapshot,
} from './rate-limit-headers.ts';
export { textOf, TOOL_NAME_PATTERN } from './request.ts';
export { ToolError, defineTool } from './tool-loop.ts';
export { CUSTOM_ID_PATTERN, DEFAULT_BATCH_POLL_MS } from './batches.ts';
export type {
  BatchItem,
  BatchItemResult,
  BatchStatus,
  CallOptions,
  CountTokensRequest,
  LlmBatches,
  LlmCallKind,
  LlmCallRecord,
  LlmClient,
  LoopTool,
  LoopToolOutput,
  MessageRequest,
  MessageResult,
  StreamOptions,
  StructuredRequest,
  StructuredResult,
  ToolLoopRequest,
  ToolLoopResult,
} from './types.ts';
export { connectLlm, clientFor, describeEndpoint, type LlmEndpoint } from './connect.ts';
