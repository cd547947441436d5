import { describe, expect, it } from 'vitest';
import { computeStats, DEFAULT_AUTONOMY_POLICY, wilsonLowerBound } from '../../../src/autonomy/index.ts';
import { many, outcome, T0 } from './fixtures.ts';

const at = (ms: number) => new Date(T0.getTime() + ms);
const OPTIONS = { heavyEditRatio: 0.3 };

describe('computeStats', () => {
  describe('when nothing was reviewed', () => {
    it('counts zero and leaves every rate, bound, mean and median null', () => {
      const stats = computeStats([], OPTIONS);
      expect(stats).toEqual({
        reviewed: 0,
        acceptedAsIs: 0,
        acceptedWithEdits: 0,
        heavyEdits: 0,
        rejected: 0,
        acceptRate: null,
        acceptWithEditsRate: null,
        successes: 0,
        successRate: null,
        lowerBound: null,
        rejectRate: null,
        rejectByReason: {},
        meanEditDistance: null,
        meanEditRatio: null,
        medianTimeToReviewMs: null,
        medianQueueWaitMs: null,
      });
    });
  });

  describe('when some drafts were edited heavily', () => {
    const outcomes = [
      ...many(6),
      outcome({ status: 'edited', editDistance: 10, editRatio: 0.1 }),
      outcome({ status: 'edited', editDistance: 30, editRatio: 0.3 }), // exactly at the limit: light
      outcome({ status: 'edited', editDistance: 80, editRatio: 0.8 }),
      outcome({ status: 'rejected', verdictReason: 'tone', editDistance: null, editRatio: null }),
    ];
    const stats = computeStats(outcomes, OPTIONS);

    it('counts edits above the ratio against acceptance', () => {
      expect(stats).toMatchObject({ reviewed: 10, acceptedAsIs: 6, acceptedWithEdits: 2, heavyEdits: 1, rejected: 1, successes: 8 });
      expect(stats.successRate).toBe(0.8);
      expect(stats.lowerBound).toBe(wilsonLowerBound(8, 10));
    });

    it('reports rates over everything reviewed', () => {
      expect(stats.acceptRate).toBe(0.6);
      expect(stats.acceptWithEditsRate).toBe(0.2);
      expect(stats.rejectRate).toBe(0.1);
    });

    it('lists heavy edits beside the reject reasons', () => {
      expect(stats.rejectByReason).toEqual({ heavy_edit: 1, tone: 1 });
    });

    it('averages edit distance and ratio over edited items only', () => {
      expect(stats.meanEditDistance).toBe(40);
      expect(stats.meanEditRatio).toBeCloseTo(0.4, 12);
    });

    it('moves an edit between light and heavy with the configured ratio', () => {
      const strict = computeStats(outcomes, { heavyEditRatio: 0.05 });
      expect(strict).toMatchObject({ acceptedWithEdits: 0, heavyEdits: 3, successes: 6 });
      const lenient = computeStats(outcomes, { heavyEditRatio: 1 });
      expect(lenient).toMatchObject({ acceptedWithEdits: 3, heavyEdits: 0, successes: 9 });
      expect(lenient.rejectByReason).toEqual({ tone: 1 });
    });
  });

  describe('when an edit carries no ratio', () => {
    it('counts it as a light edit', () => {
      const stats = computeStats([outcome({ status: 'edited', editDistance: null, editRatio: null })], OPTIONS);
      expect(stats).toMatchObject({ acceptedWithEdits: 1, heavyEdits: 0, successes: 1, meanEditDistance: null, meanEditRatio: null });
    });
  });

  describe('when rejections give reasons or none', () => {
    it('counts each reason, and no reason as unspecified', () => {
      const stats = computeStats(
        [
          outcome({ status: 'rejected', verdictReason: 'wrong_facts' }),
          outcome({ status: 'rejected', verdictReason: 'wrong_facts' }),
          outcome({ workflow: 'prioritization', status: 'rejected', verdictReason: 'too_high' }),
          outcome({ status: 'rejected', verdictReason: null }),
        ],
        OPTIONS,
      );
      expect(stats.rejectByReason).toEqual({ wrong_facts: 2, too_high: 1, unspecified: 1 });
      expect(stats.rejectRate).toBe(1);
      expect(stats.lowerBound).toBe(0);
    });
  });

  describe('when measuring time', () => {
    it('times the review from the first view and the wait from filing (medians)', () => {
      const stats = computeStats(
        [
          outcome({ filedAt: at(0), firstViewedAt: at(1_000), decidedAt: at(4_000) }), // review 3s, wait 4s
          outcome({ filedAt: at(0), firstViewedAt: at(5_000), decidedAt: at(10_000) }), // review 5s, wait 10s
          outcome({ filedAt: at(0), firstViewedAt: null, decidedAt: at(7_000) }), // never viewed: review 7s, wait 7s
        ],
        OPTIONS,
      );
      expect(stats.medianTimeToReviewMs).toBe(5_000);
      expect(stats.medianQueueWaitMs).toBe(7_000);
    });

    it('takes the mean of the two middle values for an even count', () => {
      const stats = computeStats(
        [outcome({ filedAt: at(0), firstViewedAt: at(0), decidedAt: at(1_000) }), outcome({ filedAt: at(0), firstViewedAt: at(0), decidedAt: at(4_000) })],
        OPTIONS,
      );
      expect(stats.medianTimeToReviewMs).toBe(2_500);
    });

    it('times from filing when the first view came after the decision', () => {
      const stats = computeStats([outcome({ filedAt: at(0), firstViewedAt: at(9_000), decidedAt: at(2_000) })], OPTIONS);
      expect(stats.medianTimeToReviewMs).toBe(2_000);
    });
  });

  describe('when given the policy as options', () => {
    it('uses its ratio and z', () => {
      const stats = computeStats([...many(81), ...many(19, { status: 'rejected', verdictReason: 'timing' })], DEFAULT_AUTONOMY_POLICY);
      expect(stats.lowerBound).toBeCloseTo(0.72221, 5);
      expect(computeStats(many(10), { heavyEditRatio: 0.3, z: 1.645 }).lowerBound).toBe(wilsonLowerBound(10, 10, 1.645));
    });
  });
});
