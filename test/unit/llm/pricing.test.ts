import { describe, expect, it } from 'vitest';
import { baseModelId, costUsd, priceFor, requireCostUsd, UNPRICED_MODELS, UnknownModelPriceError } from '../../../src/llm/pricing.ts';
import { ZERO_USAGE, type TokenUsage } from '../../../src/llm/usage.ts';

const usage = (u: Partial<TokenUsage>): TokenUsage => {
  const base = { ...ZERO_USAGE, ...u };
  return { ...base, cacheWrite: base.cacheWrite5m + base.cacheWrite1h };
};
const M = 1_000_000;

describe('costUsd', () => {
  it('prices Sonnet 5.5 at $2 in / $10 out per MTok', () => {
    expect(costUsd('claude-sonnet-5-5', usage({ input: M, output: M }))).toBeCloseTo(12, 10);
  });

  it('applies per-model cache read multipliers', () => {
    expect(costUsd('claude-sonnet-5-5', usage({ cacheRead: M }))).toBeCloseTo(0.2, 10); // 0.1 × $2
    expect(costUsd('claude-opus-5-5', usage({ cacheRead: M }))).toBeCloseTo(0.2, 10); // 0.05 × $4
    expect(costUsd('claude-fable-5-2', usage({ cacheRead: M }))).toBeCloseTo(0.2, 10); // 0.025 × $8
    expect(costUsd('claude-fable-5-1', usage({ cacheRead: M }))).toBeCloseTo(0.25, 10); // 0.025 × $10
  });

  it('prices 5-minute writes at 1.25× and 1-hour writes at 2× input', () => {
    expect(costUsd('claude-opus-5-5', usage({ cacheWrite5m: M }))).toBeCloseTo(5, 10);
    expect(costUsd('claude-opus-5-5', usage({ cacheWrite1h: M }))).toBeCloseTo(8, 10);
    expect(costUsd('claude-sonnet-5-5', usage({ cacheWrite5m: M, cacheWrite1h: M }))).toBeCloseTo(2.5 + 4, 10);
  });

  it('switches Haiku 5.5 to the long-context tier above 100K prompt tokens, cache included', () => {
    expect(costUsd('claude-haiku-5-5', usage({ input: 100_000, output: M }))).toBeCloseTo(0.01 + 0.5, 10);
    // 60K uncached + 50K cache read = 110K prompt → $0.50 / $2.50 and read at 0.1 × $0.50.
    const long = usage({ input: 60_000, cacheRead: 50_000, output: M });
    expect(costUsd('claude-haiku-5-5', long)).toBeCloseTo(0.06 * 0.5 + 0.05 * 0.05 + 2.5, 10);
  });

  it('halves everything for batch, cache included by default', () => {
    const u = usage({ input: M, output: M, cacheRead: M, cacheWrite5m: M });
    const full = 2 + 10 + 0.2 + 2.5;
    expect(costUsd('claude-sonnet-5-5', u, { batch: true })).toBeCloseTo(full / 2, 10);
    expect(costUsd('claude-sonnet-5-5', u, { batch: true, batchDiscountStacksWithCache: false })).toBeCloseTo(6 + 0.2 + 2.5, 10);
  });

  it('treats usage billed at the batch tier as batch unless told otherwise', () => {
    const u = { ...usage({ input: M, output: M }), serviceTier: 'batch' as const };
    expect(costUsd('claude-sonnet-5-5', u)).toBeCloseTo(6, 10);
    expect(costUsd('claude-sonnet-5-5', u, { batch: false })).toBeCloseTo(12, 10);
  });

  it('resolves dated ids to their base model', () => {
    expect(baseModelId('claude-haiku-4-5-20251001')).toBe('claude-haiku-4-5');
    expect(costUsd('claude-haiku-4-5-20251001', usage({ input: M, output: M }))).toBeCloseTo(6, 10);
    expect(priceFor('claude-sonnet-4-5-20250929')?.inputPerMTok).toBe(3);
  });

  it('returns undefined for unknown and unpriced models, never 0', () => {
    expect(costUsd('claude-nonexistent-9', usage({ input: M }))).toBeUndefined();
    for (const model of UNPRICED_MODELS) expect(costUsd(model, usage({ input: 1 }))).toBeUndefined();
    expect(() => requireCostUsd('gpt-4o', ZERO_USAGE)).toThrow(UnknownModelPriceError);
    expect(() => requireCostUsd('gpt-4o', ZERO_USAGE)).toThrow(/gpt-4o/);
  });
});
