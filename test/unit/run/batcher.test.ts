/** Group commit: one `run` per event-loop turn, failures isolated to their own caller. */
import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../../src/run/batcher.ts';

describe('createBatcher', () => {
  it('serves the calls of one turn with one batch, results in order', async () => {
    const batches: number[][] = [];
    const double = createBatcher(
      async (items: number[]) => {
        batches.push(items);
        return items.map((n) => n * 2);
      },
      { maxBatch: 10 },
    );
    const results = await Promise.all([1, 2, 3].map(double));
    expect(results).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('splits a turn at maxBatch', async () => {
    const sizes: number[] = [];
    const echo = createBatcher(
      async (items: number[]) => {
        sizes.push(items.length);
        return items;
      },
      { maxBatch: 2 },
    );
    await Promise.all([1, 2, 3, 4, 5].map(echo));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('never puts two items with the same key in one batch', async () => {
    const batches: string[][] = [];
    const take = createBatcher(
      async (items: string[]) => {
        batches.push(items);
        return items;
      },
      { maxBatch: 10, keyOf: (s) => s.slice(0, 1) },
    );
    await Promise.all(['a1', 'b1', 'a2', 'c1', 'a3'].map(take));
    for (const batch of batches) expect(new Set(batch.map((s) => s[0])).size).toBe(batch.length);
    expect(batches.flat().sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'c1']);
  });

  it('fails only the bad item of a failed batch', async () => {
    const check = createBatcher(
      async (items: number[]) => {
        if (items.includes(13)) throw new Error('13 is unlucky');
        return items;
      },
      { maxBatch: 10 },
    );
    const settled = await Promise.allSettled([12, 13, 14].map(check));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ message: '13 is unlucky' });
  });

  it('falls back to one call per item when a batch returns the wrong number of results', async () => {
    const broken = createBatcher(async (items: number[]) => items.slice(1), { maxBatch: 10 });
    const settled = await Promise.allSettled([1, 2].map(broken));
    // Alone, each item gets [] back: its result is undefined, not someone else's.
    expect(settled).toEqual([
      { status: 'fulfilled', value: undefined },
      { status: 'fulfilled', value: undefined },
    ]);
  });

  it('with maxInFlight, items arriving while a batch runs wait and go together', async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = createBatcher(
      async (items: number[]) => {
        batches.push(items);
        if (batches.length === 1) await gate;
        return items;
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    const first = slow(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map(slow);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1]]);
    release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });
});
