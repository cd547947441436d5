/**
 * assess (src/autonomy/store.ts), the judgement evaluate acts on and status shows: only the
 * current version's reviews are evidence, and a version change counts only above gated.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_AUTONOMY_POLICY } from '../../../src/autonomy/index.ts';
import { assess, GATED } from '../../../src/autonomy/store.ts';
import { many } from './fixtures.ts';

const V1 = { skillVersion: '1.0.0', model: 'claude-sonnet' };
const V2 = { skillVersion: '2.0.0', model: 'claude-sonnet' };
const spotCheckOn = (v: { skillVersion: string; model: string } | null) => ({ level: 'spot_check' as const, skillVersion: v?.skillVersion ?? null, model: v?.model ?? null, since: new Date(), setBy: 'm@example.test' });

describe('when judging a workflow', () => {
  it('counts only the outcomes of the version it runs now', () => {
    const outcomes = [...many(60), ...many(5, { skillVersion: '2.0.0' }), ...many(3, { workflow: 'research' })];
    expect(assess({ workflow: 'drafting', level: GATED, version: V1, outcomes, policy: DEFAULT_AUTONOMY_POLICY }).stats.reviewed).toBe(60);
    expect(assess({ workflow: 'drafting', level: GATED, version: V2, outcomes, policy: DEFAULT_AUTONOMY_POLICY }).stats.reviewed).toBe(5);
    expect(assess({ workflow: 'drafting', level: GATED, version: null, outcomes, policy: DEFAULT_AUTONOMY_POLICY }).stats.reviewed).toBe(65);
  });

  it('proposes at gated on enough evidence, whatever version it was last granted for', () => {
    const result = assess({ workflow: 'drafting', level: GATED, version: V1, outcomes: many(60), policy: DEFAULT_AUTONOMY_POLICY });
    expect(result).toMatchObject({ versionChanged: false, decision: { kind: 'propose', to: 'spot_check' } });
  });

  it('resets to gated above gated when the version differs from the granted one (or none was recorded)', () => {
    expect(assess({ workflow: 'drafting', level: spotCheckOn(V1), version: V1, outcomes: many(60), policy: DEFAULT_AUTONOMY_POLICY }).decision.kind).toBe('hold');
    const changed = assess({ workflow: 'drafting', level: spotCheckOn(V1), version: V2, outcomes: many(60), policy: DEFAULT_AUTONOMY_POLICY });
    expect(changed).toMatchObject({ versionChanged: true, decision: { kind: 'reset', from: 'spot_check', to: 'gated' } });
    expect(assess({ workflow: 'drafting', level: spotCheckOn(null), version: V1, outcomes: [], policy: DEFAULT_AUTONOMY_POLICY }).decision.kind).toBe('reset');
    expect(assess({ workflow: 'drafting', level: spotCheckOn(V1), version: null, outcomes: [], policy: DEFAULT_AUTONOMY_POLICY }).versionChanged).toBe(false);
  });
});
