import { describe, expect, it } from 'vitest';
import { AgentOutputError, finishPrioritization, tierForScore, type ResearchBrief } from '../../../src/agents/index.ts';
import type { PrioritizationOutput } from '../../../src/agents/prioritize.ts';

const brief: ResearchBrief = {
  summary: 's',
  facts: [{ id: 'F1', text: 't', source: 'crm:signals', observedAt: '2026-11-20T00:00:00.000Z' }],
  factKeys: ['signal:t'],
  keyPoints: [],
};

function rejection(output: unknown, withBrief?: ResearchBrief): AgentOutputError {
  try {
    finishPrioritization(output as PrioritizationOutput, withBrief);
  } catch (err) {
    expect(err).toBeInstanceOf(AgentOutputError);
    return err as AgentOutputError;
  }
  throw new Error('expected an AgentOutputError');
}

describe('when a prioritization is finished', () => {
  it('returns score, tier and trimmed rationale when they agree', () => {
    expect(finishPrioritization({ score: 80, tier: 'A', rationale: ' Two current signals (F1). ' }, brief)).toEqual({
      score: 80,
      tier: 'A',
      rationale: 'Two current signals (F1).',
    });
  });

  it('trusts the score when the tier disagrees with its band, and says so', () => {
    const result = finishPrioritization({ score: 60, tier: 'A', rationale: 'Looks great.' });
    expect(result.tier).toBe('B');
    expect(result.rationale).toBe('Looks great. (Tier corrected from A to B: a score of 60 falls in band B.)');
  });

  it('rejects an empty rationale, a fractional or out-of-range score and an unknown tier', () => {
    expect(rejection({ score: 50, tier: 'C', rationale: '  ' }).problems).toEqual(['rationale is empty']);
    expect(rejection({ score: 50.5, tier: 'C', rationale: 'x' }).problems[0]).toMatch(/^score: /);
    expect(rejection({ score: 101, tier: 'A', rationale: 'x' }).problems[0]).toMatch(/^score: /);
    expect(rejection({ score: 50, tier: 'E', rationale: 'x' }).problems[0]).toMatch(/^tier: /);
  });

  it('rejects a rationale citing a fact id the brief does not hold', () => {
    expect(rejection({ score: 80, tier: 'A', rationale: 'Strong signals (F1, F7).' }, brief).message).toBe(
      'prioritization output rejected: rationale mentions fact id "F7", which is not in the brief',
    );
  });
});

describe('when a score is banded into a tier', () => {
  it('uses A ≥ 75, B ≥ 55, C ≥ 35, else D', () => {
    expect([100, 75, 74, 55, 54, 35, 34, 0].map(tierForScore)).toEqual(['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D']);
  });
});
