import { describe, expect, it } from 'vitest';
import { planRemember, type StoredMemory } from '../../../src/memory/hygiene.ts';
import type { MemoryInput } from '../../../src/memory/types.ts';

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2025-03-01T00:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);

function ids() {
  let n = 0;
  return () => `new-${++n}`;
}

function fact(key: string, content: string, source: string, days: number, extra: Partial<MemoryInput> = {}): MemoryInput {
  return { kind: 'fact', key, content, source, observedAt: at(days), ...extra };
}

function stored(id: string, item: MemoryInput, conflictWith: string | null = null): StoredMemory {
  return { id, kind: item.kind, key: item.key, content: item.content, source: item.source, observedAt: item.observedAt, confidence: item.confidence ?? 0.8, conflictWith };
}

describe('planRemember', () => {
  describe('when memory is empty', () => {
    it('inserts each new item', () => {
      const plan = planRemember([], [fact('employees', '120 employees', 'crm:employees', 0)], { newId: ids() });
      expect(plan).toMatchObject({ inserted: 1, refreshed: 0, superseded: 0, skipped: 0, conflicts: [] });
      expect(plan.inserts[0]).toMatchObject({ id: 'new-1', key: 'employees', supersededBy: null, conflictWith: null });
    });
  });

  describe('when the same fact is restated', () => {
    it('refreshes the live row to the later date and higher confidence without a new row', () => {
      const live = [stored('a', fact('employees', '120 employees', 'crm:employees', 0, { confidence: 0.6 }))];
      const plan = planRemember(live, [fact('employees', '  120   EMPLOYEES ', 'research:r2', 3, { confidence: 0.9 })], { newId: ids() });
      expect(plan).toMatchObject({ inserted: 0, refreshed: 1, superseded: 0 });
      expect(plan.updates).toEqual([{ id: 'a', observedAt: at(3), confidence: 0.9, supersededBy: null, conflictWith: null }]);
    });

    it('writes nothing when the restatement is older and no more confident', () => {
      const live = [stored('a', fact('employees', '120 employees', 'crm:employees', 5))];
      const plan = planRemember(live, [fact('employees', '120 employees', 'crm:employees', 1, { confidence: 0.5 })], { newId: ids() });
      expect(plan).toMatchObject({ refreshed: 1, inserts: [], updates: [] });
    });
  });

  describe('when a fact changes later', () => {
    it('supersedes the old row from the same source however soon', () => {
      const live = [stored('a', fact('stage', 'Evaluation', 'crm:stage', 0))];
      const plan = planRemember(live, [fact('stage', 'Negotiation', 'crm:stage', 1)], { newId: ids() });
      expect(plan).toMatchObject({ inserted: 1, superseded: 1, conflicts: [] });
      expect(plan.updates).toEqual([expect.objectContaining({ id: 'a', supersededBy: 'new-1' })]);
    });

    it('supersedes a row from another source once it is more than the window older', () => {
      const live = [stored('a', fact('stage', 'Evaluation', 'crm:stage', 0))];
      const plan = planRemember(live, [fact('stage', 'Negotiation', 'research:r9', 8)], { newId: ids() });
      expect(plan).toMatchObject({ inserted: 1, superseded: 1, conflicts: [] });
    });
  });

  describe('when sources disagree', () => {
    it('keeps both live within the window and flags the newcomer', () => {
      const live = [stored('a', fact('employees', '120', 'crm:employees', 0))];
      const plan = planRemember(live, [fact('employees', '450', 'research:r2', 3)], { newId: ids() });
      expect(plan).toMatchObject({ inserted: 1, superseded: 0, updates: [] });
      expect(plan.inserts[0]).toMatchObject({ id: 'new-1', conflictWith: 'a', supersededBy: null });
      expect(plan.conflicts).toEqual([{ id: 'new-1', kind: 'fact', key: 'employees', content: '450', conflictWith: 'a' }]);
    });

    it('flags a late report older than the live row instead of superseding or dropping it', () => {
      const live = [stored('a', fact('employees', '120', 'crm:employees', 30))];
      const plan = planRemember(live, [fact('employees', '450', 'research:r1', 0)], { newId: ids() });
      expect(plan.inserts[0]).toMatchObject({ conflictWith: 'a', supersededBy: null });
    });

    it('resolves the conflict when a later restatement is clearly newer than the other side', () => {
      const live = [stored('a', fact('employees', '120', 'crm:employees', 0)), stored('b', fact('employees', '450', 'research:r1', 2), 'a')];
      const plan = planRemember(live, [fact('employees', '450', 'research:r30', 30)], { newId: ids() });
      expect(plan).toMatchObject({ inserted: 0, refreshed: 1, superseded: 1 });
      expect(plan.updates).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: 'a', supersededBy: 'b' }),
          expect.objectContaining({ id: 'b', observedAt: at(30), conflictWith: null }),
        ]),
      );
    });

    it('hands the reference over when it is superseded by its own source', () => {
      const live = [stored('a', fact('employees', '120', 'crm:employees', 0)), stored('b', fact('employees', '450', 'research:r1', 2), 'a')];
      const plan = planRemember(live, [fact('employees', '130', 'crm:employees', 3)], { newId: ids() });
      expect(plan.updates).toEqual(
        expect.arrayContaining([expect.objectContaining({ id: 'a', supersededBy: 'new-1' }), expect.objectContaining({ id: 'b', conflictWith: null })]),
      );
      expect(plan.inserts[0]).toMatchObject({ id: 'new-1', conflictWith: 'b' });
    });
  });

  describe('when a changed fact is older than the live row of its own source', () => {
    it('skips it', () => {
      const live = [stored('a', fact('stage', 'Negotiation', 'crm:stage', 10))];
      const plan = planRemember(live, [fact('stage', 'Evaluation', 'crm:stage', 2)], { newId: ids() });
      expect(plan).toMatchObject({ inserted: 0, skipped: 1, inserts: [], updates: [] });
    });
  });

  describe('when summaries arrive', () => {
    it('always supersedes an older summary regardless of source and never conflicts', () => {
      const live = [stored('s', { kind: 'summary', key: 'summary', content: 'Old', source: 'research:r1', observedAt: at(0) })];
      const plan = planRemember(live, [{ kind: 'summary', key: 'anything', content: 'New', source: 'research:r2', observedAt: at(1) }], { newId: ids() });
      expect(plan).toMatchObject({ inserted: 1, superseded: 1, conflicts: [] });
      expect(plan.inserts[0]).toMatchObject({ key: 'summary' });
    });

    it('skips a summary older than the live one', () => {
      const live = [stored('s', { kind: 'summary', key: 'summary', content: 'New', source: 'research:r2', observedAt: at(5) })];
      const plan = planRemember(live, [{ kind: 'summary', key: 'summary', content: 'Old', source: 'research:r1', observedAt: at(1) }], { newId: ids() });
      expect(plan).toMatchObject({ inserted: 0, skipped: 1 });
    });
  });

  describe('when preferences arrive', () => {
    it('keys avoid/resonated by the normalised phrase so variants refresh one row', () => {
      const plan = planRemember(
        [],
        [
          { kind: 'avoid', key: '"Layoffs."', content: 'Layoffs.', source: 'review:1', observedAt: at(0) },
          { kind: 'avoid', key: 'layoffs', content: 'layoffs.', source: 'review:2', observedAt: at(1) },
        ],
        { newId: ids() },
      );
      expect(plan).toMatchObject({ inserted: 1, refreshed: 1 });
      expect(plan.inserts).toEqual([expect.objectContaining({ key: 'layoffs', observedAt: at(1) })]);
    });

    it('lets a newer avoid supersede a resonated verdict on the same phrase', () => {
      const live = [stored('r', { kind: 'resonated', key: 'cost savings', content: 'cost savings', source: 'review:1', observedAt: at(0) })];
      const plan = planRemember(live, [{ kind: 'avoid', key: 'Cost savings', content: 'Cost savings', source: 'review:2', observedAt: at(2) }], { newId: ids() });
      expect(plan).toMatchObject({ inserted: 1, superseded: 1, conflicts: [] });
    });
  });

  describe('when interactions accumulate', () => {
    const interaction = (day: number): MemoryInput => ({ kind: 'interaction', key: `draft:${at(day).toISOString().slice(0, 10)}`, content: `Drafted on day ${day}`, source: `draft:r${day}`, observedAt: at(day) });

    it('keeps the cap of live interactions and supersedes the oldest by the freshest', () => {
      const live = Array.from({ length: 10 }, (_, i) => stored(`i${i}`, interaction(i)));
      const plan = planRemember(live, [interaction(10)], { newId: ids() });
      expect(plan).toMatchObject({ inserted: 1, superseded: 1 });
      expect(plan.updates).toEqual([expect.objectContaining({ id: 'i0', supersededBy: 'new-1' })]);
    });

    it('skips an interaction older than a full set of live ones', () => {
      const live = Array.from({ length: 10 }, (_, i) => stored(`i${i}`, interaction(i + 5)));
      const plan = planRemember(live, [interaction(1)], { newId: ids() });
      expect(plan).toMatchObject({ inserted: 0, skipped: 1 });
    });

    it('never flags two interactions of different days as a conflict', () => {
      const plan = planRemember([], [interaction(1), interaction(2)], { newId: ids() });
      expect(plan).toMatchObject({ inserted: 2, superseded: 0, conflicts: [] });
    });
  });

  describe('when one call carries several values for a key', () => {
    it('applies them in order: the later same-source value wins and the first becomes history', () => {
      const plan = planRemember([], [fact('stage', 'A', 'crm:stage', 0), fact('stage', 'B', 'crm:stage', 0)], { newId: ids() });
      expect(plan).toMatchObject({ inserted: 2, superseded: 1 });
      expect(plan.inserts).toEqual([expect.objectContaining({ id: 'new-1', supersededBy: 'new-2' }), expect.objectContaining({ id: 'new-2', supersededBy: null })]);
    });
  });
});
