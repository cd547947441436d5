/** What one review decision teaches an account's memory (memoryFromDecision, sentenceChanges). */
import { describe, expect, it } from 'vitest';
import { memoryFromDecision, sentenceChanges, splitSentences, type DecisionFeedback } from '../../../src/memory/index.ts';

const DECIDED_AT = new Date('2025-03-02T09:00:00Z');
const DRAFT = {
  subject: 'EMEA rollout at Acme',
  recipientName: 'Dana Lee',
  body: 'Hi Dana,\nCongrats on the EMEA launch. We cut onboarding time by 40% for teams like yours. Can I offer you a 20% discount this quarter? Worth a call next week?\nBest, Sam',
};
const base = { reviewItemId: 'item-1', decidedAt: DECIDED_AT, draft: DRAFT } satisfies Partial<DecisionFeedback>;
const pairs = (items: ReturnType<typeof memoryFromDecision>) => items.map((i) => [i.kind, i.content, i.confidence]);

describe('splitSentences and sentenceChanges', () => {
  it('splits at line breaks and sentence ends', () => {
    expect(splitSentences('Hi Dana,\nOne. Two!  Three?\n\nFour')).toEqual(['Hi Dana,', 'One.', 'Two!', 'Three?', 'Four']);
  });

  it('reports removed and added sentences, ignoring case, spacing, greetings and fragments', () => {
    const after = 'Hello Dana,\ncongrats  on the EMEA launch. We cut onboarding time by 40% for teams like yours. Happy to share the case study with your team. Thanks!\nSam';
    expect(sentenceChanges(DRAFT.body, after)).toEqual({
      removed: ['Can I offer you a 20% discount this quarter?', 'Worth a call next week?'],
      added: ['Happy to share the case study with your team.'],
    });
  });

  it('keeps at most `limit` sentences per direction, each once', () => {
    const before = 'One two three. Four five six. Seven eight nine. Ten eleven twelve. One two three.';
    expect(sentenceChanges(before, '', 3).removed).toEqual(['One two three.', 'Four five six.', 'Seven eight nine.']);
  });
});

describe('memoryFromDecision', () => {
  describe('when a draft is accepted', () => {
    it('remembers its subject as resonated with high confidence', () => {
      const items = memoryFromDecision({ ...base, verdict: 'accepted' });
      expect(items).toEqual([{ kind: 'resonated', key: 'emea rollout at acme', content: 'EMEA rollout at Acme', source: 'review:item-1', observedAt: DECIDED_AT, confidence: 0.9 }]);
    });

    it('remembers nothing for an accepted item without a draft', () => {
      expect(memoryFromDecision({ ...base, draft: null, verdict: 'accepted' })).toEqual([]);
    });
  });

  describe('when a draft is edited', () => {
    it('avoids what the rep removed, resonates what they added and their subject, all at 0.7', () => {
      const body = 'Hi Dana,\nCongrats on the EMEA launch. We cut onboarding time by 40% for teams like yours. Happy to share the case study with your team.\nBest, Sam';
      const items = memoryFromDecision({ ...base, verdict: 'edited', edited: { subject: 'Onboarding in EMEA', body } });
      expect(pairs(items)).toEqual([
        ['avoid', 'Rep removed: Can I offer you a 20% discount this quarter?', 0.7],
        ['avoid', 'Rep removed: Worth a call next week?', 0.7],
        ['resonated', 'Onboarding in EMEA', 0.7],
        ['resonated', 'Happy to share the case study with your team.', 0.7],
      ]);
      // Keyed by the sentence itself, so a later verdict on the same words supersedes this one.
      expect(items[0]?.key).toBe('can i offer you a 20% discount this quarter');
    });

    it('keeps at most three sentences each way', () => {
      const body = 'Alpha beta gamma. Delta epsilon zeta. Eta theta iota. Kappa lambda mu.';
      const items = memoryFromDecision({ ...base, verdict: 'edited', edited: { subject: DRAFT.subject, body } });
      expect(items.filter((i) => i.kind === 'avoid')).toHaveLength(3);
      expect(items.filter((i) => i.kind === 'resonated').map((i) => i.content)).toEqual([DRAFT.subject, 'Alpha beta gamma.', 'Delta epsilon zeta.', 'Eta theta iota.']);
    });
  });

  describe('when a draft is rejected', () => {
    it('avoids the reason with the rep note, one item per part of the note', () => {
      const items = memoryFromDecision({ ...base, verdict: 'rejected', rejectReason: { code: 'tone', label: 'Tone' }, note: 'too pushy;\n no discounts' });
      expect(pairs(items)).toEqual([
        ['avoid', 'Tone: too pushy', 0.9],
        ['avoid', 'Tone: no discounts', 0.9],
      ]);
      expect(items.map((i) => i.key)).toEqual(['too pushy', 'no discounts']);
    });

    it('avoids the draft subject under the reason when there is no note', () => {
      const items = memoryFromDecision({ ...base, verdict: 'rejected', rejectReason: { code: 'timing', label: 'Timing' } });
      expect(pairs(items)).toEqual([['avoid', 'Timing: "EMEA rollout at Acme"', 0.9]]);
      expect(items[0]?.key).toBe('emea rollout at acme');
    });

    it('names the recipient for a wrong person, never their email', () => {
      const items = memoryFromDecision({ ...base, verdict: 'rejected', rejectReason: { code: 'wrong_person', label: 'Wrong person' }, note: 'Talk to the CFO instead' });
      expect(pairs(items)).toEqual([
        ['avoid', 'Wrong person: do not write to Dana Lee', 0.9],
        ['avoid', 'Wrong person: Talk to the CFO instead', 0.9],
      ]);
      expect(items.every((i) => !i.content.includes('@'))).toBe(true);
    });

    it('writes nothing from a rejection with neither note nor draft', () => {
      expect(memoryFromDecision({ ...base, draft: null, verdict: 'rejected', rejectReason: { code: 'timing', label: 'Timing' } })).toEqual([]);
    });
  });

  describe('when the rep marks the brief as having wrong facts', () => {
    it('writes one avoid item naming the facts, cut to 300 characters, with any verdict', () => {
      const facts = ['Acme has 1,200 employees', 'Acme is hiring a VP of Sales', 'x'.repeat(400)];
      const items = memoryFromDecision({ ...base, verdict: 'accepted', wrongFacts: facts });
      expect(items[0]).toMatchObject({ kind: 'avoid', confidence: 0.9 });
      expect(items[0]?.content.startsWith('Facts the rep marked wrong: Acme has 1,200 employees; Acme is hiring a VP of Sales; xxx')).toBe(true);
      expect(items[0]?.content).toHaveLength(300);
      expect(items[0]?.content.endsWith('…')).toBe(true);
      expect(items[0]?.key.length).toBeLessThanOrEqual(300);
      expect(items[1]).toMatchObject({ kind: 'resonated', content: 'EMEA rollout at Acme' });
    });
  });

  describe('when one phrase is both avoided and resonated', () => {
    it('keeps the avoid item only', () => {
      const items = memoryFromDecision({ ...base, verdict: 'edited', edited: { subject: 'Worth a call next week?', body: 'Hi Dana,\nCongrats on the EMEA launch.' } });
      expect(items.filter((i) => i.key === 'worth a call next week').map((i) => i.kind)).toEqual(['avoid']);
    });
  });
});
