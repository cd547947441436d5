import { describe, expect, it } from 'vitest';
import { AutonomyPolicy, DEFAULT_AUTONOMY_POLICY, evaluateAutonomy, type AutonomyLevel, type EvaluateAutonomyInput, type WorkflowStats } from '../../../src/autonomy/index.ts';
import { statsOf } from './fixtures.ts';

const policy = DEFAULT_AUTONOMY_POLICY;
const evaluate = (level: AutonomyLevel, stats: WorkflowStats, rest: Partial<EvaluateAutonomyInput> = {}) =>
  evaluateAutonomy({ workflow: 'drafting', level, stats, incidents: 0, policy, ...rest });
/** Stats with a given lower bound and sample, to test the bars exactly at their edges. */
const withBound = (reviewed: number, lowerBound: number): WorkflowStats => ({ ...statsOf(reviewed, reviewed), lowerBound });

describe('evaluateAutonomy', () => {
  describe('when a gated workflow has too few reviews', () => {
    it('holds even with a perfect record, and says how many more are needed', () => {
      const decision = evaluate('gated', statsOf(49, 49)); // bound 0.927, but 49 < 50
      expect(decision).toMatchObject({ kind: 'hold', from: 'gated', to: 'gated', workflow: 'drafting' });
      expect(decision.reasons).toEqual(['only 49 reviews in 30 days; spot_check needs at least 50']);
      expect(decision.evidence).toEqual({ reviewed: 49, successes: 49, lowerBound: decision.evidence.lowerBound, window: 30, incidents: 0, threshold: { minSample: 50, minLowerBound: 0.8 } });
    });
  });

  describe('when the sample becomes large enough', () => {
    it('proposes spot_check, one level, and never applies it', () => {
      const decision = evaluate('gated', statsOf(48, 50)); // bound 0.865
      expect(decision).toMatchObject({ kind: 'propose', from: 'gated', to: 'spot_check' });
      expect(decision.evidence).toMatchObject({ reviewed: 50, successes: 48, window: 30, incidents: 0, threshold: { minSample: 50, minLowerBound: 0.8 } });
      expect(decision.evidence.lowerBound).toBeCloseTo(0.86540, 5);
    });

    it('does not skip a level, however strong the evidence', () => {
      expect(evaluate('gated', statsOf(1000, 1000))).toMatchObject({ kind: 'propose', to: 'spot_check' });
    });

    it('writes the evidence as a sentence with the numbers', () => {
      const decision = evaluate('gated', withBound(212, 0.84));
      expect(decision.reasons.join(' ')).toContain('lower bound 0.84 ≥ 0.80 over 212 reviews in 30 days');
    });
  });

  describe('when the evidence sits exactly on the bar', () => {
    it('proposes at exactly minSample reviews and exactly minLowerBound', () => {
      expect(evaluate('gated', withBound(50, 0.8))).toMatchObject({ kind: 'propose', to: 'spot_check' });
      expect(evaluate('spot_check', withBound(200, 0.9))).toMatchObject({ kind: 'propose', to: 'autonomous' });
    });

    it('holds one review or a hair of bound short of it', () => {
      expect(evaluate('gated', withBound(49, 0.99))).toMatchObject({ kind: 'hold' });
      const short = evaluate('gated', withBound(50, 0.79999));
      expect(short).toMatchObject({ kind: 'hold', to: 'gated' });
      // Printed with enough digits that the sentence does not read "0.80 < 0.80".
      expect(short.reasons).toEqual(['lower bound 0.79999 < 0.80000 required for spot_check over 50 reviews in 30 days']);
    });

    it('keeps a level whose bound is exactly its bar', () => {
      expect(evaluate('autonomous', withBound(200, 0.9))).toMatchObject({ kind: 'hold', to: 'autonomous' });
      expect(evaluate('spot_check', withBound(60, 0.8))).toMatchObject({ kind: 'hold', to: 'spot_check' });
    });
  });

  describe('when at spot_check with evidence for autonomous', () => {
    it('proposes autonomous', () => {
      const decision = evaluate('spot_check', statsOf(195, 200)); // bound 0.943
      expect(decision).toMatchObject({ kind: 'propose', from: 'spot_check', to: 'autonomous', evidence: { threshold: { minSample: 200, minLowerBound: 0.9 } } });
      expect(decision.reasons[0]).toMatch(/^spot_check holds: lower bound 0\.94 ≥ 0\.80 over 200 reviews in 30 days$/);
    });

    it('holds while the sample is under 200, saying so', () => {
      const decision = evaluate('spot_check', statsOf(150, 150));
      expect(decision).toMatchObject({ kind: 'hold', to: 'spot_check' });
      expect(decision.reasons).toContain('only 150 reviews in 30 days; autonomous needs at least 200');
    });
  });

  describe('when at autonomous with a sound record', () => {
    it('holds: there is nothing above', () => {
      const decision = evaluate('autonomous', statsOf(290, 300));
      expect(decision).toMatchObject({ kind: 'hold', from: 'autonomous', to: 'autonomous', evidence: { threshold: { minSample: 200, minLowerBound: 0.9 } } });
    });
  });

  describe('when one incident is flagged', () => {
    it('demotes autonomous straight to gated', () => {
      const decision = evaluate('autonomous', statsOf(290, 300), { incidents: 1 });
      expect(decision).toMatchObject({ kind: 'demote', from: 'autonomous', to: 'gated', evidence: { incidents: 1 } });
      expect(decision.reasons).toEqual(['1 incident (wrong_facts or wrong_person) in 30 days: back to gated']);
    });

    it('demotes spot_check to gated even with too few reviews to judge the bound', () => {
      expect(evaluate('spot_check', statsOf(3, 3), { incidents: 1 })).toMatchObject({ kind: 'demote', to: 'gated' });
    });

    it('blocks a promotion the evidence would otherwise earn', () => {
      const decision = evaluate('gated', statsOf(100, 100), { incidents: 2 });
      expect(decision).toMatchObject({ kind: 'hold', to: 'gated' });
      expect(decision.reasons).toEqual(['2 incidents (wrong_facts or wrong_person) in 30 days blocks promotion']);
    });
  });

  describe('when the bound drops below the level’s bar', () => {
    it('demotes autonomous one level, to spot_check', () => {
      const decision = evaluate('autonomous', statsOf(180, 200)); // bound 0.851 < 0.9
      expect(decision).toMatchObject({ kind: 'demote', from: 'autonomous', to: 'spot_check', evidence: { reviewed: 200, threshold: { minSample: 200, minLowerBound: 0.9 } } });
      expect(decision.reasons).toEqual(['lower bound 0.85 < 0.90 required for autonomous over 200 reviews in 30 days: down to spot_check']);
    });

    it('demotes spot_check to gated', () => {
      expect(evaluate('spot_check', statsOf(40, 50))).toMatchObject({ kind: 'demote', to: 'gated' }); // bound 0.67
    });

    it('does not demote on a sample smaller than the level’s minSample', () => {
      const decision = evaluate('autonomous', statsOf(150, 199));
      expect(decision).toMatchObject({ kind: 'hold', to: 'autonomous' });
      expect(decision.reasons).toEqual(['autonomous holds: 199 reviews so far, its bar is judged from 200']);
    });
  });

  describe('when the skill version or model changed', () => {
    it.each([
      ['autonomous', false, 'gated'],
      ['spot_check', false, 'gated'],
      ['gated', false, 'gated'],
      ['autonomous', true, 'spot_check'],
      ['spot_check', true, 'spot_check'],
      ['gated', true, 'gated'],
    ] as const)('resets %s with evalPassed=%s to %s', (level, evalPassed, to) => {
      const decision = evaluate(level, statsOf(500, 500), { versionChanged: { evalPassed } });
      expect(decision).toMatchObject({ kind: 'reset', from: level, to });
      expect(decision.reasons).toHaveLength(1);
    });

    it('resets before judging incidents or promotion', () => {
      expect(evaluate('autonomous', statsOf(0, 10), { incidents: 3, versionChanged: { evalPassed: true } })).toMatchObject({ kind: 'reset', to: 'spot_check' });
    });
  });

  describe('when the policy sets its own bars', () => {
    it('uses them in the decision and the evidence', () => {
      const custom = AutonomyPolicy.parse({ windowDays: 14, levels: { spot_check: { minSample: 20, minLowerBound: 0.7 } }, incidentReasons: ['wrong_person'] });
      const decision = evaluateAutonomy({ workflow: 'research', level: 'gated', stats: statsOf(20, 20), incidents: 0, policy: custom });
      expect(decision).toMatchObject({ kind: 'propose', to: 'spot_check', workflow: 'research', evidence: { window: 14, threshold: { minSample: 20, minLowerBound: 0.7 } } });
      expect(decision.reasons.join(' ')).toContain('over 20 reviews in 14 days');
      expect(evaluateAutonomy({ workflow: 'research', level: 'spot_check', stats: statsOf(20, 20), incidents: 1, policy: custom }).reasons).toEqual([
        '1 incident (wrong_person) in 14 days: back to gated',
      ]);
    });
  });

  describe('when nothing was reviewed', () => {
    it('holds at gated and says there is no bound yet', () => {
      const decision = evaluate('gated', statsOf(0, 0));
      expect(decision).toMatchObject({ kind: 'hold', evidence: { reviewed: 0, lowerBound: null } });
      expect(decision.reasons).toEqual(['only 0 reviews in 30 days; spot_check needs at least 50', 'no lower bound yet; spot_check needs 0.80']);
    });
  });
});
