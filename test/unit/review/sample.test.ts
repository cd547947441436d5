import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSampled, sampleDraw } from '../../../src/review/index.ts';

describe('review sampling', () => {
  describe('when the same run and account are drawn twice', () => {
    it('makes the same decision (a retried finalize does not draw again)', () => {
      const accountId = randomUUID();
      expect(sampleDraw('run-20250301-abc', accountId)).toBe(sampleDraw('run-20250301-abc', accountId));
      expect(isSampled('run-20250301-abc', accountId, 0.5)).toBe(isSampled('run-20250301-abc', accountId, 0.5));
    });

    it('draws differently in another run', () => {
      const accountIds = Array.from({ length: 50 }, () => randomUUID());
      const a = accountIds.map((id) => sampleDraw('run-a', id));
      const b = accountIds.map((id) => sampleDraw('run-b', id));
      expect(a).not.toEqual(b);
    });
  });

  describe('when the rate is at its bounds', () => {
    it('never samples at 0 and always samples at 1', () => {
      const ids = Array.from({ length: 200 }, () => randomUUID());
      expect(ids.some((id) => isSampled('run-x', id, 0))).toBe(false);
      expect(ids.every((id) => isSampled('run-x', id, 1))).toBe(true);
    });
  });

  describe('when 2,000 synthetic accounts are drawn at rate 0.1', () => {
    it('samples between 7% and 13% of them', () => {
      for (const runId of ['run-20250301-aaaaaa', 'run-20250302-bbbbbb', 'run-20250303-cccccc']) {
        const sampled = Array.from({ length: 2000 }, (_, i) => `acct-${i}`).filter((id) => isSampled(runId, id, 0.1)).length;
        expect(sampled / 2000).toBeGreaterThanOrEqual(0.07);
        expect(sampled / 2000).toBeLessThanOrEqual(0.13);
      }
    });

    it('draws values in [0, 1)', () => {
      for (let i = 0; i < 2000; i++) {
        const v = sampleDraw('run-y', `acct-${i}`);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThan(1);
      }
    });
  });
});
