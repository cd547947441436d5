import { describe, expect, it } from 'vitest';
import { wilsonLowerBound } from '../../../src/autonomy/index.ts';

describe('wilsonLowerBound', () => {
  describe('when given published 95% Wilson intervals', () => {
    it.each([
      [81, 100, 0.72221],
      [10, 10, 0.72246], // = n / (n + z²) when every review succeeded
      [5, 10, 0.23659], // the textbook [0.2366, 0.7634]
      [1, 1, 0.20654],
      [180, 200, 0.85059],
      [95, 100, 0.88825],
    ])('gives %i/%i → %f', (successes, n, expected) => {
      expect(wilsonLowerBound(successes, n)).toBeCloseTo(expected, 5);
    });
  });

  describe('when nothing succeeded', () => {
    it('is exactly 0, never a negative floating-point residue', () => {
      expect(wilsonLowerBound(0, 10)).toBe(0);
      expect(wilsonLowerBound(0, 1)).toBe(0);
    });
  });

  describe('when nothing was reviewed', () => {
    it('is null (no evidence is not a rate of 0)', () => {
      expect(wilsonLowerBound(0, 0)).toBeNull();
    });
  });

  describe('when checked against the definition', () => {
    it('solves (p̂ − p)² = z²·p(1 − p)/n below p̂', () => {
      for (const [s, n] of [[81, 100], [3, 7], [199, 200], [42, 1000]] as const) {
        const p = wilsonLowerBound(s, n)!;
        const pHat = s / n;
        expect(p).toBeLessThan(pHat);
        expect((pHat - p) ** 2).toBeCloseTo((1.96 ** 2 * p * (1 - p)) / n, 12);
      }
    });
  });

  describe('when the sample grows at the same rate', () => {
    it('rises towards the rate: 9/10 proves less than 180/200', () => {
      expect(wilsonLowerBound(9, 10)!).toBeLessThan(wilsonLowerBound(90, 100)!);
      expect(wilsonLowerBound(90, 100)!).toBeLessThan(wilsonLowerBound(900, 1000)!);
      expect(wilsonLowerBound(900, 1000)!).toBeLessThan(0.9);
    });
  });

  describe('when z changes', () => {
    it('gives a tighter bound for a smaller z', () => {
      expect(wilsonLowerBound(81, 100, 1.645)!).toBeGreaterThan(wilsonLowerBound(81, 100)!);
      expect(wilsonLowerBound(81, 100, 1.645)).toBeCloseTo(0.73763, 5);
    });
  });

  describe('when the input is impossible', () => {
    it('throws RangeError', () => {
      expect(() => wilsonLowerBound(11, 10)).toThrow(RangeError);
      expect(() => wilsonLowerBound(-1, 10)).toThrow(RangeError);
      expect(() => wilsonLowerBound(1.5, 10)).toThrow(RangeError);
      expect(() => wilsonLowerBound(1, -1)).toThrow(RangeError);
      expect(() => wilsonLowerBound(1, 10, 0)).toThrow(RangeError);
      expect(() => wilsonLowerBound(1, 10, Number.NaN)).toThrow(RangeError);
    });
  });
});
