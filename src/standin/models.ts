/**
 * The models the stand-in serves, with the per-model behaviours the real API enforces
 * (reference/claude-api.md §9). Unknown models get 404 `not_found_error`, as on the API.
 */
export type StandinModel = {
  id: string;
  displayName: string;
  createdAt: string;
  maxInputTokens: number;
  maxOutputTokens: number;
  /** Shorter cache prefixes silently get no cache. Unverified for the 5.5 line: configurable. */
  minCacheTokens: number;
  /** `tool_choice` `any`/`tool` → 400 (Opus 5.5, Sonnet 5.5, Fable 5.1). */
  forcedToolUse: boolean;
  /** Thinking always on: `thinking.type` disabled/enabled → 400, responses start with a thinking block. */
  thinkingAlwaysOn: boolean;
  /** A conversation ending in an assistant turn → 400 on newer models. */
  prefill: boolean;
  /** Manual `budget_tokens` → 400 (Haiku 5.5). */
  budgetTokens: boolean;
};

const LATEST = { maxInputTokens: 1_000_000, maxOutputTokens: 128_000 } as const;

const MODELS: readonly StandinModel[] = [
  { id: 'claude-fable-5-2', displayName: 'Claude Fable 5.2', createdAt: '2026-11-09T00:00:00Z', ...LATEST, minCacheTokens: 1024, forcedToolUse: false, thinkingAlwaysOn: true, prefill: false, budgetTokens: false },
  { id: 'claude-opus-5-5', displayName: 'Claude Opus 5.5', createdAt: '2026-09-22T00:00:00Z', ...LATEST, minCacheTokens: 2048, forcedToolUse: false, thinkingAlwaysOn: true, prefill: false, budgetTokens: false },
  { id: 'claude-sonnet-5-5', displayName: 'Claude Sonnet 5.5', createdAt: '2026-09-28T00:00:00Z', ...LATEST, minCacheTokens: 1024, forcedToolUse: false, thinkingAlwaysOn: false, prefill: false, budgetTokens: true },
  { id: 'claude-haiku-5-5', displayName: 'Claude Haiku 5.5', createdAt: '2026-10-07T00:00:00Z', ...LATEST, minCacheTokens: 2048, forcedToolUse: true, thinkingAlwaysOn: false, prefill: false, budgetTokens: false },
  { id: 'claude-fable-5-1', displayName: 'Claude Fable 5.1', createdAt: '2026-08-01T00:00:00Z', ...LATEST, minCacheTokens: 512, forcedToolUse: false, thinkingAlwaysOn: true, prefill: false, budgetTokens: false },
  { id: 'claude-opus-5', displayName: 'Claude Opus 5', createdAt: '2026-07-24T00:00:00Z', maxInputTokens: 1_000_000, maxOutputTokens: 64_000, minCacheTokens: 4096, forcedToolUse: true, thinkingAlwaysOn: false, prefill: true, budgetTokens: true },
  { id: 'claude-sonnet-5', displayName: 'Claude Sonnet 5', createdAt: '2026-06-30T00:00:00Z', maxInputTokens: 1_000_000, maxOutputTokens: 64_000, minCacheTokens: 2048, forcedToolUse: true, thinkingAlwaysOn: false, prefill: true, budgetTokens: true },
  { id: 'claude-haiku-4-5', displayName: 'Claude Haiku 4.5', createdAt: '2025-10-01T00:00:00Z', maxInputTokens: 200_000, maxOutputTokens: 64_000, minCacheTokens: 4096, forcedToolUse: true, thinkingAlwaysOn: false, prefill: true, budgetTokens: true },
];

/** Dated ids such as `claude-haiku-4-5-20251001` resolve to their base model. */
const DATED = /^(.*)-\d{8}$/;

export function listModels(): readonly StandinModel[] {
  return MODELS;
}

export function findModel(id: string): StandinModel | undefined {
  const base = DATED.exec(id)?.[1] ?? id;
  return MODELS.find((m) => m.id === base);
}
