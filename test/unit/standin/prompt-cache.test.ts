/**
 * The prompt cache remembers segment digests and prefix hashes between calls. These tests fail if
 * a remembered digest or prefix ever answers for a different prompt, scope or model.
 */
import { describe, expect, it } from 'vitest';
import { PromptCache, type CacheUsage } from '../../../src/standin/prompt-cache.ts';
import { promptSegments } from '../../../src/standin/prompt.ts';
import type { CountTokens } from '../../../src/standin/request-schema.ts';

const MIN = 1024;

/** A cacheable system prompt of 6,400 characters; `mark` sits at index 150, outside the memo's sample. */
function system(mark: string): string {
  const base = 'Rules for the research step. '.repeat(300).slice(0, 6400);
  return `${base.slice(0, 150)}${mark}${base.slice(151)}`;
}

function request(text: string, user = 'Account data', ttl?: '5m' | '1h'): CountTokens {
  return {
    model: 'claude-sonnet-5-5',
    system: [{ type: 'text', text, cache_control: ttl ? { type: 'ephemeral', ttl } : { type: 'ephemeral' } }],
    messages: [{ role: 'user', content: user }],
  };
}

function charge(cache: PromptCache, req: CountTokens, scope = 'org-1', model = 'claude-sonnet-5-5'): CacheUsage {
  return cache.apply(cache.hash(scope, model, promptSegments(req)), MIN);
}

describe('when the same system prompt repeats', () => {
  it('writes it once, then reads it, whatever the user turn', () => {
    const cache = new PromptCache(() => 1_000);
    const first = charge(cache, request(system('A'), 'one'));
    const second = charge(cache, request(system('A'), 'two, longer'));
    expect(first.cacheWrite5m).toBeGreaterThan(MIN);
    expect(second.cacheRead).toBe(first.cacheWrite5m);
    expect(second.cacheWrite5m).toBe(0);
  });
});

describe('when a prompt differs from a remembered one', () => {
  it('does not read the cache for a same-length prompt that differs in one character', () => {
    const cache = new PromptCache(() => 1_000);
    charge(cache, request(system('A')));
    const other = charge(cache, request(system('B')));
    expect(other.cacheRead).toBe(0);
    expect(other.cacheWrite5m).toBeGreaterThan(MIN);
    // And both are now cached, each under its own key.
    expect(charge(cache, request(system('A'))).cacheRead).toBeGreaterThan(MIN);
    expect(charge(cache, request(system('B'))).cacheRead).toBeGreaterThan(MIN);
  });

  it('keeps organisations and models apart even when every segment repeats', () => {
    const cache = new PromptCache(() => 1_000);
    charge(cache, request(system('A')));
    expect(charge(cache, request(system('A')), 'org-2').cacheRead).toBe(0);
    expect(charge(cache, request(system('A')), 'org-1', 'claude-opus-5-5').cacheRead).toBe(0);
    expect(charge(cache, request(system('A')), 'org-1').cacheRead).toBeGreaterThan(MIN);
  });

  it('hashes a breakpoint that moved, rather than reusing the prefixes of another layout', () => {
    const cache = new PromptCache(() => 1_000);
    const text = system('A');
    const split: CountTokens = {
      model: 'claude-sonnet-5-5',
      system: [
        { type: 'text', text: text.slice(0, 3200), cache_control: { type: 'ephemeral' } },
        { type: 'text', text: text.slice(3200) },
      ],
      messages: [{ role: 'user', content: 'u' }],
    };
    const late: CountTokens = { ...split, system: [{ type: 'text', text: text.slice(0, 3200) }, { type: 'text', text: text.slice(3200), cache_control: { type: 'ephemeral' } }] };
    const a = charge(cache, split);
    const b = charge(cache, late);
    expect(a.cacheWrite5m).toBe(0); // 3,200 characters are under the 1,024-token minimum
    expect(b.cacheRead).toBe(0);
    expect(b.cacheWrite5m).toBeGreaterThan(MIN);
    expect(charge(cache, late).cacheRead).toBe(b.cacheWrite5m);
  });

  it('reads nothing once the entry has expired, even though the prefix hash is remembered', () => {
    let now = 1_000;
    const cache = new PromptCache(() => now);
    charge(cache, request(system('A')));
    now += 6 * 60_000;
    const after = charge(cache, request(system('A')));
    expect(after.cacheRead).toBe(0);
    expect(after.cacheWrite5m).toBeGreaterThan(MIN);
  });
});

describe('when many different prompts pass through', () => {
  it('still recognises a prompt whose remembered digests were evicted', () => {
    const cache = new PromptCache(() => 1_000);
    charge(cache, request(system('A')));
    for (let i = 0; i < 300; i++) charge(cache, request(`${i} `.repeat(3000)));
    expect(charge(cache, request(system('A'))).cacheRead).toBeGreaterThan(MIN);
  });
});
