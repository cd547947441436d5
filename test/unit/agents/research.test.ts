import { describe, expect, it } from 'vitest';
import { AgentOutputError, candidateFacts, finishResearch, type ResearchBrief } from '../../../src/agents/index.ts';
import type { ResearchOutput } from '../../../src/agents/research.ts';
import { sampleContext } from './sample-context.ts';

const facts = candidateFacts(sampleContext());
const output = (patch: Partial<ResearchOutput> = {}): ResearchOutput => ({
  summary: 'Northwind opened a hub in Rotterdam (F1) and is hiring planners (F2).',
  facts: [
    { id: 'F2', text: 'Hiring planners' },
    { id: 'F1', text: 'reworded by the model' },
  ],
  keyPoints: ['The new hub suggests routing work across sites.', '  '],
  ...patch,
});

function rejection(run: () => unknown): AgentOutputError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(AgentOutputError);
    return err as AgentOutputError;
  }
  throw new Error('expected an AgentOutputError');
}

describe('when a research answer is finished', () => {
  it('keeps the model order of facts and takes text, source and date from the candidates', () => {
    const brief: ResearchBrief = finishResearch(output(), facts);
    expect(brief.facts).toEqual([
      { id: 'F2', text: 'Hiring 12 dispatch planners', source: 'crm:signals', observedAt: '2026-11-20T06:00:00.000Z' },
      { id: 'F1', text: 'Opened a distribution hub in Rotterdam in October', source: 'crm:signals', observedAt: '2026-11-20T06:00:00.000Z' },
    ]);
    expect(brief.factKeys).toEqual(['signal:hiring-12-dispatch-planners', 'signal:opened-a-distribution-hub-in-rotterdam-in']);
    expect(brief.keyPoints).toEqual(['The new hub suggests routing work across sites.']);
  });

  it('accepts ids with stray case or spaces and drops duplicates', () => {
    const brief = finishResearch(output({ facts: [{ id: ' f1 ', text: '' }, { id: 'F1', text: '' }] }), facts);
    expect(brief.facts.map((f) => f.id)).toEqual(['F1']);
    expect(brief.factKeys).toHaveLength(1);
  });

  it('rejects a fact id that is not a candidate', () => {
    const err = rejection(() => finishResearch(output({ facts: [{ id: 'F1', text: '' }, { id: 'F99', text: 'invented' }] }), facts));
    expect(err.step).toBe('research');
    expect(err.kind).toBe('invalid_output');
    expect(err.message).toBe('research output rejected: fact id "F99" is not one of the candidate facts (F1…F12)');
  });

  it('rejects prose that mentions an id outside the candidates', () => {
    const err = rejection(() => finishResearch(output({ keyPoints: ['Lead with F13.'] }), facts));
    expect(err.problems).toEqual(['the brief mentions fact id "F13", which is not one of the candidate facts']);
  });

  it('rejects an empty summary and output that does not match the schema', () => {
    expect(rejection(() => finishResearch(output({ summary: '   ' }), facts)).problems).toEqual(['summary is empty']);
    const bad = { summary: 'x', facts: 'F1', keyPoints: [] } as unknown as ResearchOutput;
    expect(rejection(() => finishResearch(bad, facts)).problems[0]).toMatch(/^facts: /);
  });

  it('allows an empty brief when there are no candidates', () => {
    expect(finishResearch({ summary: 'Nothing is known yet.', facts: [], keyPoints: [] }, [])).toEqual({ summary: 'Nothing is known yet.', facts: [], factKeys: [], keyPoints: [] });
  });
});
