import { describe, expect, it } from 'vitest';
import { emptyMemoryView, memoryForPrompt, type MemoryItem, type MemoryView } from '../../../src/memory/index.ts';

const item = (over: Partial<MemoryItem>): MemoryItem => ({
  id: 'x',
  kind: 'fact',
  key: 'k',
  content: 'c',
  source: 's',
  observedAt: new Date('2025-03-01T10:00:00Z'),
  confidence: 0.8,
  conflictWith: null,
  ...over,
});

describe('memoryForPrompt', () => {
  describe('when the view is empty', () => {
    it('renders empty lists and nulls', () => {
      expect(memoryForPrompt(emptyMemoryView('a'))).toEqual({ summary: null, facts: [], avoid: [], resonated: [], lastInteraction: null });
    });
  });

  describe('when the view has every kind and a conflict', () => {
    it('renders plain JSON with dates, conflict marks and phrase arrays', () => {
      const a = item({ id: 'a', key: 'employees', content: '120', source: 'crm:employees' });
      const b = item({ id: 'b', key: 'employees', content: '450', source: 'research:r1', conflictWith: 'a' });
      const view: MemoryView = {
        accountId: 'acc',
        summary: item({ kind: 'summary', key: 'summary', content: 'Acme grows.' }),
        facts: [b, a, item({ id: 'c', key: 'stage', content: 'Evaluation' })],
        interactions: [item({ kind: 'interaction', key: 'draft:2025-03-01', content: 'Drafted outreach' })],
        resonated: [item({ kind: 'resonated', content: 'ROI story' })],
        avoid: [item({ kind: 'avoid', content: 'layoffs' })],
        conflicts: [{ key: 'employees', kind: 'fact', items: [b, a] }],
      };
      const prompt = memoryForPrompt(view);
      expect(prompt).toEqual({
        summary: 'Acme grows.',
        facts: [
          { key: 'employees', content: '450', source: 'research:r1', observedAt: '2025-03-01', conflict: true },
          { key: 'employees', content: '120', source: 'crm:employees', observedAt: '2025-03-01', conflict: true },
          { key: 'stage', content: 'Evaluation', source: 's', observedAt: '2025-03-01', conflict: false },
        ],
        avoid: ['layoffs'],
        resonated: ['ROI story'],
        lastInteraction: { content: 'Drafted outreach', observedAt: '2025-03-01' },
      });
      expect(JSON.parse(JSON.stringify(prompt))).toEqual(prompt);
    });

    it('caps the facts it renders', () => {
      const view = { ...emptyMemoryView('acc'), facts: Array.from({ length: 50 }, (_, i) => item({ key: `k${i}` })) };
      expect(memoryForPrompt(view, { maxFacts: 5 }).facts).toHaveLength(5);
    });
  });
});
