import { describe, expect, it } from 'vitest';
import type { Draft, ResearchBrief } from '../../../src/agents/types.ts';
import { memoryFromDraft, memoryFromResearch, memoryFromReview } from '../../../src/memory/index.ts';

const RUN_AT = new Date('2025-03-02T03:00:00Z');

describe('memoryFromResearch', () => {
  const brief: ResearchBrief = {
    summary: '  Acme is expanding into EMEA.  ',
    facts: [
      { id: 'F1', text: '1,200 employees', source: 'crm:accounts.employees', observedAt: '2025-02-20T00:00:00.000Z' },
      { id: 'F2', text: 'Hiring a VP of Sales', source: 'crm:signals', observedAt: 'not a date' },
      { id: 'F3', text: 'Unkeyed fact', source: 'crm:notes', observedAt: '2025-02-20T00:00:00.000Z' },
    ],
    factKeys: ['employees', 'signal:hiring-vp-sales'],
    keyPoints: ['EMEA'],
  };

  describe('when a brief has a summary and keyed facts', () => {
    it('remembers the summary under the run and each fact under its key with its own source and date', () => {
      const items = memoryFromResearch({ brief, runId: 'run-1', observedAt: RUN_AT });
      expect(items).toEqual([
        { kind: 'summary', key: 'summary', content: 'Acme is expanding into EMEA.', source: 'research:run-1', observedAt: RUN_AT },
        { kind: 'fact', key: 'employees', content: '1,200 employees', source: 'crm:accounts.employees', observedAt: new Date('2025-02-20T00:00:00.000Z') },
        { kind: 'fact', key: 'signal:hiring-vp-sales', content: 'Hiring a VP of Sales', source: 'crm:signals', observedAt: RUN_AT },
      ]);
    });
  });

  describe('when the brief cites a fact it took from memory', () => {
    it('does not store it again as a fact (it is remembered under its own kind already)', () => {
      const fromMemory: ResearchBrief = {
        ...brief,
        facts: [{ id: 'F1', text: 'Drafted outreach to Dana about "EMEA rollout"', source: 'memory:interaction', observedAt: '2025-02-20T00:00:00.000Z' }],
        factKeys: ['draft:2025-02-20'],
      };
      const items = memoryFromResearch({ brief: fromMemory, runId: 'run-2', observedAt: RUN_AT });
      expect(items.map((i) => i.kind)).toEqual(['summary']);
    });
  });

  describe('when the summary is blank', () => {
    it('remembers only the facts', () => {
      const items = memoryFromResearch({ brief: { ...brief, summary: ' ' }, runId: 'run-1', observedAt: RUN_AT });
      expect(items.map((i) => i.kind)).toEqual(['fact', 'fact']);
    });
  });
});

describe('memoryFromDraft', () => {
  const draft: Draft = { to: 'dana@acme.test', recipientName: 'Dana Lee', subject: 'EMEA rollout', body: '…', citations: [], riskFlags: [] };

  describe('when a draft is written', () => {
    it('records one interaction keyed by kind and date, without the recipient email', () => {
      const [item, ...rest] = memoryFromDraft({ draft, runId: 'run-1', observedAt: RUN_AT });
      expect(rest).toEqual([]);
      expect(item).toEqual({ kind: 'interaction', key: 'draft:2025-03-02', content: 'Drafted outreach to Dana Lee about "EMEA rollout"', source: 'draft:run-1', observedAt: RUN_AT });
      expect(item?.content).not.toContain('@');
    });
  });
});

describe('memoryFromReview', () => {
  const base = { reviewItemId: 'item-1', decidedAt: RUN_AT };

  describe('when a draft is accepted', () => {
    it('remembers the resonated phrases with high confidence', () => {
      const items = memoryFromReview({ ...base, verdict: 'accepted', resonated: ['EMEA expansion', ' emea  expansion. '] });
      expect(items).toEqual([{ kind: 'resonated', key: 'emea expansion', content: 'EMEA expansion', source: 'review:item-1', observedAt: RUN_AT, confidence: 0.9 }]);
    });
  });

  describe('when a draft is edited', () => {
    it('remembers what survived the edit with lower confidence', () => {
      const items = memoryFromReview({ ...base, verdict: 'edited', resonated: ['ROI story'], reason: 'too long' });
      expect(items).toEqual([expect.objectContaining({ kind: 'resonated', key: 'roi story', confidence: 0.7 })]);
    });
  });

  describe('when a draft is rejected with a reason', () => {
    it('turns each part of the reason into an avoid item and ignores resonated phrases', () => {
      const items = memoryFromReview({ ...base, verdict: 'rejected', reason: "Don't mention the layoffs;\nno discount talk", resonated: ['pricing'] });
      expect(items.map((i) => [i.kind, i.key])).toEqual([
        ['avoid', "don't mention the layoffs"],
        ['avoid', 'no discount talk'],
      ]);
    });
  });

  describe('when a phrase is both avoided and resonated', () => {
    it('keeps only the avoid item', () => {
      const items = memoryFromReview({ ...base, verdict: 'accepted', avoid: ['Pricing'], resonated: ['pricing', 'security'] });
      expect(items.map((i) => [i.kind, i.key])).toEqual([
        ['avoid', 'pricing'],
        ['resonated', 'security'],
      ]);
    });
  });
});
