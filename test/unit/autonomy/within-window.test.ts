import { describe, expect, it } from 'vitest';
import { withinWindow } from '../../../src/autonomy/index.ts';
import { outcome } from './fixtures.ts';

const NOW = new Date('2025-03-31T12:00:00Z');
const DAY = 86_400_000;
const decided = (msBeforeNow: number) => outcome({ decidedAt: new Date(NOW.getTime() - msBeforeNow) });

describe('withinWindow', () => {
  describe('when outcomes straddle the window', () => {
    it('keeps those decided in the last windowDays, both edges included, in order', () => {
      const inside = [decided(0), decided(DAY), decided(30 * DAY)];
      const outside = [decided(30 * DAY + 1), decided(45 * DAY), decided(-1)];
      expect(withinWindow([outside[0]!, inside[0]!, outside[1]!, inside[1]!, outside[2]!, inside[2]!], NOW, 30)).toEqual(inside);
    });
  });

  describe('when an item was filed before the window but decided inside it', () => {
    it('counts it (the evidence exists once decided)', () => {
      const old = outcome({ filedAt: new Date(NOW.getTime() - 60 * DAY), firstViewedAt: null, decidedAt: new Date(NOW.getTime() - DAY) });
      expect(withinWindow([old], NOW, 30)).toEqual([old]);
    });
  });

  describe('when the window is not positive', () => {
    it('throws RangeError', () => {
      expect(() => withinWindow([], NOW, 0)).toThrow(RangeError);
    });
  });
});
