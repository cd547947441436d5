import { describe, expect, it } from 'vitest';
import { addUsage, normalizeUsage, totalInput, ZERO_USAGE } from '../../../src/llm/usage.ts';

describe('normalizeUsage', () => {
  it('turns nulls into zeros', () => {
    const u = normalizeUsage({
      input_tokens: 10,
      output_tokens: 5,
      cache_creation_input_tokens: null,
      cache_read_input_tokens: null,
      cache_creation: null,
      service_tier: null,
    });
    expect(u).toEqual({ input: 10, output: 5, cacheRead: 0, cacheWrite: 0, cacheWrite5m: 0, cacheWrite1h: 0, serviceTier: null });
  });

  it('keeps the 5m/1h split when present', () => {
    const u = normalizeUsage({
      input_tokens: 1,
      output_tokens: 2,
      cache_read_input_tokens: 300,
      cache_creation_input_tokens: 70,
      cache_creation: { ephemeral_5m_input_tokens: 30, ephemeral_1h_input_tokens: 40 },
      service_tier: 'batch',
    });
    expect(u).toMatchObject({ cacheRead: 300, cacheWrite: 70, cacheWrite5m: 30, cacheWrite1h: 40, serviceTier: 'batch' });
  });

  it('attributes writes to 5m when the split is missing', () => {
    const u = normalizeUsage({ input_tokens: 1, output_tokens: 1, cache_creation_input_tokens: 500, cache_creation: null });
    expect(u).toMatchObject({ cacheWrite: 500, cacheWrite5m: 500, cacheWrite1h: 0 });
  });

  it('returns zero usage for a missing usage object', () => {
    expect(normalizeUsage(undefined)).toEqual(ZERO_USAGE);
  });
});

describe('addUsage and totalInput', () => {
  it('sums every field and counts all prompt tokens', () => {
    const a = normalizeUsage({ input_tokens: 10, output_tokens: 1, cache_read_input_tokens: 100, service_tier: 'standard' });
    const b = normalizeUsage({
      input_tokens: 5,
      output_tokens: 2,
      cache_creation_input_tokens: 20,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 20 },
    });
    const sum = addUsage(a, b);
    expect(sum).toEqual({ input: 15, output: 3, cacheRead: 100, cacheWrite: 20, cacheWrite5m: 0, cacheWrite1h: 20, serviceTier: 'standard' });
    expect(totalInput(sum)).toBe(135);
  });
});
