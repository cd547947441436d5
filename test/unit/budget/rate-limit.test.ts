import { describe, expect, it } from 'vitest';
import { modelClass, rateLimitedInput } from '../../../src/budget/rate-limit.ts';
import { ZERO_USAGE } from '../../../src/llm/usage.ts';

describe('modelClass', () => {
  it('drops a snapshot date so a dated id and its alias share one bucket', () => {
    expect(modelClass('claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-5');
    expect(modelClass('claude-sonnet-4-5')).toBe('claude-sonnet-4-5');
    expect(modelClass('claude-3-5-haiku-20241022')).toBe('claude-3-5-haiku');
    // Only a trailing 8-digit date is a snapshot suffix.
    expect(modelClass('claude-opus-5-5-1')).toBe('claude-opus-5-5-1');
    expect(modelClass('model-20250929-preview')).toBe('model-20250929-preview');
  });
});

describe('rateLimitedInput', () => {
  it('counts uncached input and cache writes, not cache reads', () => {
    expect(rateLimitedInput({ ...ZERO_USAGE, input: 100, cacheRead: 10_000, cacheWrite: 2_000, cacheWrite5m: 2_000 })).toBe(2_100);
  });
});
