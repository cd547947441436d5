import { describe, expect, it } from 'vitest';
import { TextMemo } from '../../../src/standin/text-memo.ts';

/** Two texts of one length that differ only at index 150, which the evenly spaced sample skips for 6,400 characters. */
function twins(): [string, string] {
  const base = 'x'.repeat(6400);
  return [`${base.slice(0, 150)}A${base.slice(151)}`, `${base.slice(0, 150)}B${base.slice(151)}`];
}

describe('when texts share a fingerprint', () => {
  it('keeps them apart and answers each with its own value', () => {
    const memo = new TextMemo<string>(10, 1_000_000);
    const [a, b] = twins();
    memo.set(a, 'a');
    expect(memo.get(b)).toBeUndefined();
    memo.set(b, 'b');
    expect(memo.get(a)).toBe('a');
    expect(memo.get(b)).toBe('b');
    expect(memo.get(`${a}`.slice(0))).toBe('a');
  });
});

describe('when the memo is full', () => {
  it('evicts the least recently used text first', () => {
    const memo = new TextMemo<number>(2, 1_000_000);
    memo.set('first text', 1);
    memo.set('second text', 2);
    expect(memo.get('first text')).toBe(1);
    memo.set('third text', 3);
    expect(memo.get('second text')).toBeUndefined();
    expect(memo.get('first text')).toBe(1);
    expect(memo.get('third text')).toBe(3);
    expect(memo.size).toBe(2);
  });

  it('bounds the characters held, and never keeps a text larger than the bound', () => {
    const memo = new TextMemo<number>(100, 10_000);
    for (let i = 0; i < 10; i++) memo.set(`${i}`.padEnd(3000, '.'), i);
    expect(memo.size).toBe(3);
    memo.set('y'.repeat(20_000), 99);
    expect(memo.get('y'.repeat(20_000))).toBeUndefined();
  });

  it('replaces the value of a text set again', () => {
    const memo = new TextMemo<number>(4, 1000);
    memo.set('same', 1);
    memo.set('same', 2);
    expect(memo.get('same')).toBe(2);
    expect(memo.size).toBe(1);
  });
});
