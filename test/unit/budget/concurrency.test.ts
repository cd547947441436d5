import { describe, expect, it } from 'vitest';
import { createConcurrencyController, type ConcurrencyControllerOptions } from '../../../src/budget/concurrency.ts';

function setup(options: Partial<ConcurrencyControllerOptions> = {}) {
  let now = 1_000_000;
  const applied: number[] = [];
  const controller = createConcurrencyController({
    apply: async (n) => {
      applied.push(n);
    },
    clock: () => now,
    ...options,
  });
  return { controller, applied, advance: (ms: number) => (now += ms) };
}

/** A controller whose first 429 halved 20 to a cap of 10 (steps up only raise a cap that exists). */
async function capped(options: Partial<ConcurrencyControllerOptions> = {}) {
  const s = setup({ initial: 20, ...options });
  await s.controller.onRateLimited(0);
  return s;
}

describe('before the first 429', () => {
  it('applies nothing: there is no cap to raise, and one process\'s number would cut a larger fleet', async () => {
    const { controller, applied, advance } = setup({ initial: 48 });
    for (let i = 0; i < 5; i++) {
      advance(61_000);
      await controller.onSuccess(0.9);
    }
    expect(controller.current).toBe(48);
    expect(applied).toEqual([]);
    await controller.onRateLimited(1_000);
    expect(applied).toEqual([24]);
  });
});

describe('when calls keep succeeding with headroom', () => {
  it('steps up by one at most once per stepUpMs', async () => {
    const { controller, applied, advance } = await capped();
    await controller.onSuccess(0.9);
    expect(controller.current).toBe(10);
    advance(59_999);
    await controller.onSuccess(0.9);
    expect(controller.current).toBe(10);
    advance(1);
    await controller.onSuccess(0.9);
    await controller.onSuccess(0.9);
    expect(controller.current).toBe(11);
    advance(30_000);
    await controller.onSuccess();
    expect(controller.current).toBe(11);
    advance(30_000);
    await controller.onSuccess();
    expect(controller.current).toBe(12);
    expect(applied).toEqual([10, 11, 12]);
  });

  it('never exceeds max', async () => {
    const { controller, applied, advance } = setup({ initial: 500, max: 20, stepUpMs: 10 });
    expect(controller.current).toBe(20);
    advance(100);
    await controller.onSuccess(1);
    expect(controller.current).toBe(20);
    expect(applied).toEqual([]);
  });
});

describe('when responses report little left of a limit', () => {
  it('holds: a minute must pass with more than 20% left before the next step', async () => {
    const { controller, advance } = await capped();
    advance(50_000);
    await controller.onSuccess(0.1);
    advance(20_000);
    await controller.onSuccess(0.5);
    expect(controller.current).toBe(10);
    advance(40_000);
    await controller.onSuccess(0.5);
    expect(controller.current).toBe(11);
  });

  it('treats exactly the headroom as enough', async () => {
    const { controller, advance } = await capped({ headroom: 0.25 });
    advance(60_000);
    await controller.onSuccess(0.25);
    expect(controller.current).toBe(11);
  });
});

describe('when calls are rate limited', () => {
  it('halves once for a storm of 429s within the retry window', async () => {
    const { controller, applied, advance } = setup({ initial: 64 });
    await Promise.all(Array.from({ length: 30 }, () => controller.onRateLimited(5_000)));
    expect(controller.current).toBe(32);
    advance(4_999);
    await controller.onRateLimited(5_000);
    expect(controller.current).toBe(32);
    advance(1);
    await controller.onRateLimited(5_000);
    expect(controller.current).toBe(16);
    expect(applied).toEqual([32, 16]);
  });

  it('uses the minimum window when the 429 gives no retry-after', async () => {
    const { controller, advance } = setup({ initial: 64, minRateLimitWindowMs: 2_000 });
    await controller.onRateLimited();
    advance(1_500);
    await controller.onRateLimited(100);
    expect(controller.current).toBe(32);
    advance(500);
    await controller.onRateLimited(100);
    expect(controller.current).toBe(16);
  });

  it('never goes below min, and does not call apply for no change', async () => {
    const { controller, applied, advance } = setup({ initial: 9, min: 4 });
    for (let i = 0; i < 5; i++) {
      await controller.onRateLimited(1_000);
      advance(1_000);
    }
    expect(controller.current).toBe(4);
    expect(applied).toEqual([4]);
  });

  it('restarts the quiet period: the next step up is a full stepUpMs after the last 429', async () => {
    const { controller, advance } = setup({ initial: 40 });
    advance(59_000);
    await controller.onRateLimited(1_000);
    expect(controller.current).toBe(20);
    advance(59_999);
    await controller.onSuccess(1);
    expect(controller.current).toBe(20);
    advance(1);
    await controller.onSuccess(1);
    expect(controller.current).toBe(21);
  });
});

describe('apply', () => {
  it('is called in order, one at a time, even when it is slow', async () => {
    let now = 0;
    const log: string[] = [];
    let running = 0;
    const controller = createConcurrencyController({
      initial: 100,
      minRateLimitWindowMs: 1,
      clock: () => now,
      apply: async (n) => {
        running++;
        expect(running).toBe(1);
        log.push(`start ${n}`);
        await new Promise((r) => setTimeout(r, n === 50 ? 20 : 1));
        log.push(`end ${n}`);
        running--;
      },
    });
    const first = controller.onRateLimited();
    now += 10;
    const second = controller.onRateLimited();
    await Promise.all([first, second]);
    expect(log).toEqual(['start 50', 'end 50', 'start 25', 'end 25']);
  });

  it('reports a failed apply to its caller and still applies the next change', async () => {
    let now = 0;
    const applied: number[] = [];
    const controller = createConcurrencyController({
      initial: 100,
      minRateLimitWindowMs: 1,
      clock: () => now,
      apply: async (n) => {
        if (n === 50) throw new Error('redis down');
        applied.push(n);
      },
    });
    await expect(controller.onRateLimited()).rejects.toThrow('redis down');
    now += 10;
    await controller.onRateLimited();
    expect(applied).toEqual([25]);
    expect(controller.current).toBe(25);
  });

  it('rejects impossible bounds', () => {
    expect(() => createConcurrencyController({ apply: async () => {}, min: 10, max: 5 })).toThrow(RangeError);
    expect(() => createConcurrencyController({ apply: async () => {}, min: 0 })).toThrow(RangeError);
  });
});
