import { describe, expect, it } from 'vitest';
import type { ReviewQueueArtifact } from '../../../src/review/index.ts';
import { briefView, draftView, headlineOf, riskFlagsOf, tierView } from '../../../src/web/artifact-view.ts';

function artifact(workflow: ReviewQueueArtifact['workflow'], content: unknown, extra: Partial<ReviewQueueArtifact> = {}): ReviewQueueArtifact {
  return { id: 'a', workflow, skillName: workflow, skillVersion: 'v1', model: 'm', status: 'pending_review', content: content as Record<string, unknown>, rationale: null, citedFacts: [], riskFlags: [], verdictReason: null, ...extra };
}

describe('artifact views never fail on partial or odd content', () => {
  it('reads a full brief with sourced facts', () => {
    const view = briefView(
      artifact('research', {
        summary: 'Growing fast.',
        facts: [{ id: 'f1', text: 'Raised a Series B', source: 'crm:notes', observedAt: '2026-02-01T00:00:00Z' }, { text: '' }, 'junk'],
        keyPoints: ['Hiring', 3],
      }),
    );
    expect(view).toEqual({ summary: 'Growing fast.', facts: [{ id: 'f1', text: 'Raised a Series B', source: 'crm:notes', observedAt: new Date('2026-02-01T00:00:00Z') }], keyPoints: ['Hiring'] });
  });

  it('reads fixture-sized and malformed content', () => {
    expect(briefView(artifact('research', { summary: 'brief 1' }))).toEqual({ summary: 'brief 1', facts: [], keyPoints: [] });
    expect(briefView(artifact('research', null))).toEqual({ summary: null, facts: [], keyPoints: [] });
    expect(briefView(artifact('research', { summary: 42, facts: 'no' }))).toEqual({ summary: null, facts: [], keyPoints: [] });
    expect(briefView(undefined)).toBeNull();
    expect(tierView(artifact('prioritization', { tier: 'A' }), null)).toEqual({ tier: 'A', score: null, rationale: null });
    expect(tierView(artifact('prioritization', { tier: 'Z', score: 'high' }), 'B')).toEqual({ tier: 'B', score: null, rationale: null });
    expect(tierView(undefined, null)).toBeNull();
  });

  it('falls back to the artifact’s cited facts when the brief lists none', () => {
    const view = briefView(artifact('research', { summary: 's' }, { citedFacts: [{ id: 'f9', text: 'Opened an office', source: 'web' }] }));
    expect(view?.facts.map((f) => f.id)).toEqual(['f9']);
  });

  it('resolves a draft’s citations against the brief, and unions risk flags', () => {
    const brief = briefView(artifact('research', { facts: [{ id: 'f1', text: 'Raised a Series B', source: 'crm' }] }));
    const draft = draftView(
      artifact('drafting', { to: 'a@b.example', subject: 'Hi', body: 'Text', citations: [{ claim: 'You raised', factId: 'f1' }, { claim: 'You won', factId: 'f7' }, { nope: 1 }], riskFlags: ['unverified_claim'] }, { riskFlags: ['pricing'] }),
      brief,
    );
    expect(draft?.citations.map((c) => [c.claim, c.fact?.id ?? null])).toEqual([
      ['You raised', 'f1'],
      ['You won', null],
    ]);
    expect(draft?.riskFlags).toEqual(['unverified_claim', 'pricing']);
    expect(draftView(artifact('drafting', {}), null)).toMatchObject({ subject: '', body: '', to: null, citations: [] });
  });

  it('gives a queue row its headline and flags', () => {
    const draft = artifact('drafting', { subject: 'Idea for you', riskFlags: ['a'] }, { riskFlags: ['a', 'b'] });
    const brief = artifact('research', { summary: 'A summary' });
    expect(headlineOf({ drafting: draft, research: brief })).toBe('Idea for you');
    expect(headlineOf({ research: brief })).toBe('A summary');
    expect(headlineOf({})).toBe('');
    expect(riskFlagsOf({ drafting: draft, research: brief })).toEqual(['a', 'b']);
  });
});
