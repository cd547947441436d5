import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AutonomyPolicy, DEFAULT_AUTONOMY_POLICY, itemDraw, routeItem, type RouteItemInput } from '../../../src/autonomy/index.ts';

const plain = { riskFlags: [], tier: 'C', confidence: 0.9, policy: DEFAULT_AUTONOMY_POLICY } as const;
const route = (input: Partial<RouteItemInput> & Pick<RouteItemInput, 'level'>) => routeItem({ itemId: randomUUID(), ...plain, ...input });
const ids = (n: number) => Array.from({ length: n }, () => randomUUID());

describe('itemDraw', () => {
  describe('when recomputed by an auditor', () => {
    it('is the first 48 bits of SHA-256(itemId) over 2^48', () => {
      const id = 'a5f0c2d4-0000-4000-8000-000000000001';
      const expected = Number.parseInt(createHash('sha256').update(id).digest('hex').slice(0, 12), 16) / 2 ** 48;
      expect(itemDraw(id)).toBe(expected);
    });

    it('stays in [0, 1)', () => {
      for (const id of ids(1000)) {
        const d = itemDraw(id);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(1);
      }
    });
  });
});

describe('routeItem', () => {
  describe('when the same item is routed twice', () => {
    it('takes the same route with the same draw', () => {
      for (const itemId of ids(200)) {
        for (const level of ['spot_check', 'autonomous'] as const) {
          expect(routeItem({ itemId, level, ...plain })).toEqual(routeItem({ itemId, level, ...plain }));
        }
      }
    });
  });

  describe('when gated', () => {
    it('reviews every item', () => {
      for (const itemId of ids(100)) expect(routeItem({ itemId, level: 'gated', ...plain })).toMatchObject({ route: 'review', why: 'gated', level: 'gated' });
    });
  });

  describe('when 10,000 random ids are spot-checked', () => {
    it('reviews within ±2% of sampleRate and auto-approves the rest by policy', () => {
      const routes = ids(10_000).map((itemId) => routeItem({ itemId, level: 'spot_check', ...plain }));
      const reviewed = routes.filter((r) => r.route === 'review');
      expect(reviewed.length / routes.length).toBeGreaterThan(0.18);
      expect(reviewed.length / routes.length).toBeLessThan(0.22);
      expect(new Set(reviewed.map((r) => r.why))).toEqual(new Set(['spot_check_sample']));
      expect(routes.filter((r) => r.route === 'auto_approve').every((r) => r.why === 'policy' && r.level === 'spot_check')).toBe(true);
    });
  });

  describe('when 10,000 random ids are audited at autonomous', () => {
    it('reviews within ±2% of auditRate', () => {
      const share = ids(10_000).filter((itemId) => routeItem({ itemId, level: 'autonomous', ...plain }).route === 'review').length / 10_000;
      expect(share).toBeGreaterThan(0.03);
      expect(share).toBeLessThan(0.07);
    });
  });

  describe('when the draw decides', () => {
    it('samples exactly the items whose draw is below the rate, and the audit is a subset of the spot check', () => {
      for (const itemId of ids(500)) {
        const draw = itemDraw(itemId);
        expect(routeItem({ itemId, level: 'spot_check', ...plain }).route === 'review').toBe(draw < 0.2);
        expect(routeItem({ itemId, level: 'autonomous', ...plain }).route === 'review').toBe(draw < 0.05);
      }
    });

    it('never samples at rate 0 and always at rate 1', () => {
      const none = AutonomyPolicy.parse({ levels: { spot_check: { sampleRate: 0 }, autonomous: { auditRate: 0 } } });
      const all = AutonomyPolicy.parse({ levels: { spot_check: { sampleRate: 1 }, autonomous: { auditRate: 1 } } });
      for (const itemId of ids(200)) {
        expect(routeItem({ itemId, level: 'spot_check', ...plain, policy: none }).route).toBe('auto_approve');
        expect(routeItem({ itemId, level: 'autonomous', ...plain, policy: none }).route).toBe('auto_approve');
        expect(routeItem({ itemId, level: 'spot_check', ...plain, policy: all }).route).toBe('review');
        expect(routeItem({ itemId, level: 'autonomous', ...plain, policy: all }).route).toBe('review');
      }
    });
  });

  describe('when an item is risky', () => {
    // Rates of 0 so that only the risk can send an item to review.
    const policy = AutonomyPolicy.parse({ levels: { spot_check: { sampleRate: 0 }, autonomous: { auditRate: 0 } } });

    it('always reviews an item with a risk flag, at every level', () => {
      for (const itemId of ids(200)) {
        expect(routeItem({ itemId, level: 'spot_check', ...plain, riskFlags: ['unverified_claim'], policy })).toMatchObject({ route: 'review', why: 'risk_flag' });
        expect(routeItem({ itemId, level: 'autonomous', ...plain, riskFlags: ['unverified_claim'], policy })).toMatchObject({ route: 'review', why: 'risk_flag' });
      }
    });

    it('always reviews a top-tier or low-confidence item at spot_check', () => {
      for (const itemId of ids(200)) {
        expect(routeItem({ itemId, level: 'spot_check', ...plain, tier: 'A', policy })).toMatchObject({ route: 'review', why: 'top_tier' });
        expect(routeItem({ itemId, level: 'spot_check', ...plain, confidence: 0.59, policy })).toMatchObject({ route: 'review', why: 'low_confidence' });
      }
    });

    it('names the risk flag first when several risks apply', () => {
      expect(route({ level: 'spot_check', riskFlags: ['x'], tier: 'A', confidence: 0.1, policy })).toMatchObject({ why: 'risk_flag' });
      expect(route({ level: 'spot_check', tier: 'A', confidence: 0.1, policy })).toMatchObject({ why: 'top_tier' });
    });

    it('treats confidence exactly at the minimum, or missing, and other tiers as not risky', () => {
      expect(route({ level: 'spot_check', confidence: 0.6, policy }).route).toBe('auto_approve');
      expect(route({ level: 'spot_check', confidence: null, policy }).route).toBe('auto_approve');
      expect(route({ level: 'spot_check', tier: 'B', policy }).route).toBe('auto_approve');
      expect(route({ level: 'spot_check', tier: null, policy }).route).toBe('auto_approve');
    });

    it('lets tier and confidence through at autonomous (only risk flags and the audit sample review there)', () => {
      expect(route({ level: 'autonomous', tier: 'A', confidence: 0.1, policy })).toMatchObject({ route: 'auto_approve', why: 'policy', level: 'autonomous' });
    });

    it('follows the configured review tiers', () => {
      const ab = AutonomyPolicy.parse({ levels: { spot_check: { sampleRate: 0 } }, risk: { reviewTiers: ['A', 'B'] } });
      expect(route({ level: 'spot_check', tier: 'B', policy: ab })).toMatchObject({ route: 'review', why: 'top_tier' });
    });
  });
});
