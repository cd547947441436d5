import { describe, expect, it } from 'vitest';
import { parseRateLimitHeaders, remainingFraction } from '../../../src/llm/rate-limit-headers.ts';

const full = {
  'anthropic-ratelimit-requests-limit': '1000',
  'anthropic-ratelimit-requests-remaining': '999',
  'anthropic-ratelimit-requests-reset': '2026-11-21T10:00:00Z',
  'anthropic-ratelimit-input-tokens-limit': '80000',
  'anthropic-ratelimit-input-tokens-remaining': '12000',
  'anthropic-ratelimit-output-tokens-limit': '16000',
  'anthropic-ratelimit-output-tokens-remaining': '16000',
  'anthropic-ratelimit-tokens-limit': '16000',
};

describe('parseRateLimitHeaders', () => {
  it('reads limits and remaining of the three buckets from a Headers', () => {
    expect(parseRateLimitHeaders(new Headers(full))).toEqual({
      requests: { limit: 1000, remaining: 999 },
      inputTokens: { limit: 80000, remaining: 12000 },
      outputTokens: { limit: 16000, remaining: 16000 },
    });
  });

  it('reads a plain record whatever the case of its names, and node-style arrays and numbers', () => {
    const snapshot = parseRateLimitHeaders({
      'Anthropic-RateLimit-Requests-Limit': '50',
      'anthropic-ratelimit-input-tokens-limit': ['40000', '1'],
      'anthropic-ratelimit-output-tokens-remaining': 7,
    });
    expect(snapshot).toEqual({
      requests: { limit: 50, remaining: undefined },
      inputTokens: { limit: 40000, remaining: undefined },
      outputTokens: { limit: undefined, remaining: 7 },
    });
  });

  it('ignores missing, empty, negative and non-numeric values', () => {
    const snapshot = parseRateLimitHeaders({
      'anthropic-ratelimit-requests-limit': '',
      'anthropic-ratelimit-requests-remaining': '-1',
      'anthropic-ratelimit-input-tokens-limit': 'lots',
      'anthropic-ratelimit-input-tokens-remaining': '12e3',
      'anthropic-ratelimit-output-tokens-limit': ' 16000 ',
      'anthropic-ratelimit-output-tokens-remaining': 'null',
    });
    expect(snapshot).toEqual({
      requests: { limit: undefined, remaining: undefined },
      inputTokens: { limit: undefined, remaining: undefined },
      outputTokens: { limit: 16000, remaining: undefined },
    });
  });

  it('is undefined when the response carries no rate-limit header', () => {
    expect(parseRateLimitHeaders(new Headers({ 'content-type': 'application/json' }))).toBeUndefined();
    expect(parseRateLimitHeaders({ 'anthropic-ratelimit-requests-limit': 'x' })).toBeUndefined();
    expect(parseRateLimitHeaders(undefined)).toBeUndefined();
  });
});

describe('remainingFraction', () => {
  it('is the tightest remaining/limit over the buckets that report both', () => {
    expect(remainingFraction(parseRateLimitHeaders(new Headers(full)))).toBeCloseTo(0.15);
    expect(
      remainingFraction({ requests: { limit: 100, remaining: 50 }, inputTokens: { remaining: 1 }, outputTokens: { limit: 0, remaining: 0 } }),
    ).toBe(0.5);
    expect(remainingFraction({ requests: {}, inputTokens: {}, outputTokens: {} })).toBeUndefined();
    expect(remainingFraction(undefined)).toBeUndefined();
  });
});
