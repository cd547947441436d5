/**
 * Token usage in one flat, null-free shape, normalised from the SDK's `Usage`.
 */
import type { Usage } from '@anthropic-ai/sdk/resources/messages';

/** Token counts of one call (or a sum of calls). All numbers are ≥ 0, never null. */
export type TokenUsage = {
  /** Uncached input tokens (`input_tokens`). */
  input: number;
  output: number;
  cacheRead: number;
  /** All cache writes; always `cacheWrite5m + cacheWrite1h`. */
  cacheWrite: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  /** Tier the API billed at; `null` when unreported (count_tokens, failed calls, stand-ins). */
  serviceTier: 'standard' | 'priority' | 'batch' | null;
};

/** Usage of a call that used no tokens. */
export const ZERO_USAGE: TokenUsage = Object.freeze({
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite: 0,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
  serviceTier: null,
});

const n = (v: number | null | undefined): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/**
 * Normalise the SDK `Usage` (nulls → 0). When the 5m/1h split is missing, or covers less than
 * `cache_creation_input_tokens`, the rest is attributed to 5m: that is the default TTL.
 */
export function normalizeUsage(usage: Partial<Usage> | null | undefined): TokenUsage {
  if (!usage) return ZERO_USAGE;
  const split1h = n(usage.cache_creation?.ephemeral_1h_input_tokens);
  const split5m = n(usage.cache_creation?.ephemeral_5m_input_tokens);
  const total = Math.max(n(usage.cache_creation_input_tokens), split1h + split5m);
  return {
    input: n(usage.input_tokens),
    output: n(usage.output_tokens),
    cacheRead: n(usage.cache_read_input_tokens),
    cacheWrite: total,
    cacheWrite5m: total - split1h,
    cacheWrite1h: split1h,
    serviceTier: usage.service_tier ?? null,
  };
}

/** Sum two usages. The service tier is the later one's when it has one. */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    cacheWrite5m: a.cacheWrite5m + b.cacheWrite5m,
    cacheWrite1h: a.cacheWrite1h + b.cacheWrite1h,
    serviceTier: b.serviceTier ?? a.serviceTier,
  };
}

/** Every input token the prompt consumed: uncached + cache reads + cache writes. */
export function totalInput(usage: TokenUsage): number {
  return usage.input + usage.cacheRead + usage.cacheWrite;
}
