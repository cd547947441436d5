import { describe, expect, it } from 'vitest';
import { AutonomyPolicy, DEFAULT_AUTONOMY_POLICY } from '../../../src/autonomy/index.ts';

describe('AutonomyPolicy', () => {
  describe('when parsed from an empty object', () => {
    it('gives the stock policy', () => {
      expect(AutonomyPolicy.parse({})).toEqual({
        windowDays: 30,
        heavyEditRatio: 0.3,
        z: 1.96,
        levels: { spot_check: { minSample: 50, minLowerBound: 0.8, sampleRate: 0.2 }, autonomous: { minSample: 200, minLowerBound: 0.9, auditRate: 0.05 } },
        incidentReasons: ['wrong_facts', 'wrong_person'],
        risk: { reviewTiers: ['A'], minConfidence: 0.6 },
      });
      expect(DEFAULT_AUTONOMY_POLICY).toEqual(AutonomyPolicy.parse({}));
    });
  });

  describe('when one nested field is set', () => {
    it('keeps the defaults of its siblings', () => {
      const policy = AutonomyPolicy.parse({ levels: { autonomous: { auditRate: 0.1 } } });
      expect(policy.levels).toEqual({ spot_check: { minSample: 50, minLowerBound: 0.8, sampleRate: 0.2 }, autonomous: { minSample: 200, minLowerBound: 0.9, auditRate: 0.1 } });
    });
  });

  describe('when a value is out of range', () => {
    it.each([
      [{ windowDays: 0 }],
      [{ heavyEditRatio: 1.5 }],
      [{ z: 0 }],
      [{ levels: { spot_check: { sampleRate: -0.1 } } }],
      [{ levels: { spot_check: { minSample: 0 } } }],
      [{ risk: { reviewTiers: ['Z'] } }],
    ])('refuses %j', (input) => {
      expect(AutonomyPolicy.safeParse(input).success).toBe(false);
    });
  });

  describe('when autonomous asks less than spot_check', () => {
    it('refuses the policy (a demotion must land on a level whose bar is lower)', () => {
      expect(AutonomyPolicy.safeParse({ levels: { autonomous: { minLowerBound: 0.7 } } }).success).toBe(false);
      expect(AutonomyPolicy.safeParse({ levels: { spot_check: { minSample: 300 } } }).success).toBe(false);
    });
  });
});
