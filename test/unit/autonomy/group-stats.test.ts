import { describe, expect, it } from 'vitest';
import { DEFAULT_AUTONOMY_POLICY, groupStats } from '../../../src/autonomy/index.ts';
import { outcome } from './fixtures.ts';

const outcomes = [
  outcome({ workflow: 'drafting', skillVersion: '2.0.0', repId: 'rep-b' }),
  outcome({ workflow: 'drafting', skillVersion: '1.0.0', repId: 'rep-a' }),
  outcome({ workflow: 'drafting', skillVersion: '1.0.0', repId: null, status: 'rejected', verdictReason: 'tone' }),
  outcome({ workflow: 'research', skillName: 'research-account', repId: 'rep-a' }),
  outcome({ workflow: 'drafting', skillName: 'draft-follow-up', skillVersion: '1.0.0', repId: 'rep-a', status: 'edited', editRatio: 0.9, editDistance: 300 }),
];

describe('groupStats', () => {
  describe('when grouped by workflow', () => {
    it('gives one group per workflow, sorted, with only that field in the key', () => {
      const groups = groupStats(outcomes, ['workflow'], DEFAULT_AUTONOMY_POLICY);
      expect(groups.map((g) => g.key)).toEqual([{ workflow: 'drafting' }, { workflow: 'research' }]);
      expect(groups.map((g) => g.stats.reviewed)).toEqual([4, 1]);
      expect(groups[0]!.stats).toMatchObject({ successes: 2, heavyEdits: 1, rejected: 1 });
    });
  });

  describe('when grouped by several fields', () => {
    it('splits on every combination and keeps a null rep as its own group, last', () => {
      const groups = groupStats(outcomes, ['workflow', 'skillName', 'skillVersion', 'repId'], DEFAULT_AUTONOMY_POLICY);
      expect(groups.map((g) => [g.key, g.stats.reviewed])).toEqual([
        [{ workflow: 'drafting', skillName: 'draft-email', skillVersion: '1.0.0', repId: 'rep-a' }, 1],
        [{ workflow: 'drafting', skillName: 'draft-email', skillVersion: '1.0.0', repId: null }, 1],
        [{ workflow: 'drafting', skillName: 'draft-email', skillVersion: '2.0.0', repId: 'rep-b' }, 1],
        [{ workflow: 'drafting', skillName: 'draft-follow-up', skillVersion: '1.0.0', repId: 'rep-a' }, 1],
        [{ workflow: 'research', skillName: 'research-account', skillVersion: '1.0.0', repId: 'rep-a' }, 1],
      ]);
    });

    it('adds up to the ungrouped stats', () => {
      const groups = groupStats(outcomes, ['model', 'repId'], DEFAULT_AUTONOMY_POLICY);
      const [all] = groupStats(outcomes, [], DEFAULT_AUTONOMY_POLICY);
      expect(all!.key).toEqual({});
      expect(groups.reduce((sum, g) => sum + g.stats.reviewed, 0)).toBe(all!.stats.reviewed);
      expect(groups.reduce((sum, g) => sum + g.stats.successes, 0)).toBe(all!.stats.successes);
    });
  });

  describe('when values could collide once joined', () => {
    it('keeps them apart', () => {
      const tricky = [outcome({ skillName: 'a|b', skillVersion: 'c' }), outcome({ skillName: 'a', skillVersion: 'b|c' })];
      expect(groupStats(tricky, ['skillName', 'skillVersion'], DEFAULT_AUTONOMY_POLICY)).toHaveLength(2);
    });
  });

  describe('when the policy sets a stricter heavy-edit ratio', () => {
    it('applies it to every group', () => {
      const light = [outcome({ status: 'edited', editRatio: 0.2, editDistance: 20 })];
      expect(groupStats(light, ['workflow'], DEFAULT_AUTONOMY_POLICY)[0]!.stats.successes).toBe(1);
      expect(groupStats(light, ['workflow'], { ...DEFAULT_AUTONOMY_POLICY, heavyEditRatio: 0.1 })[0]!.stats.successes).toBe(0);
    });
  });

  describe('when there are no outcomes', () => {
    it('returns no groups', () => {
      expect(groupStats([], ['workflow'], DEFAULT_AUTONOMY_POLICY)).toEqual([]);
    });
  });
});
