import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import { accountMemory } from '../../../db/schema/index.ts';
import { memoryFromReview, recallMemory, rememberItems, type MemoryInput } from '../../../src/memory/index.ts';
import { AppError } from '../../../src/errors.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { seedBook } from '../review/seed.ts';

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2025-03-01T00:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const fact = (key: string, content: string, source: string, days: number): MemoryInput => ({ kind: 'fact', key, content, source, observedAt: at(days) });

describe('rememberItems', () => {
  let db: TestDb;
  let accountIds: string[];
  let next = 0;
  const account = () => {
    const id = accountIds[next++];
    if (!id) throw new Error('out of seeded accounts');
    return id;
  };

  beforeAll(async () => {
    db = await createTestDb();
    ({ accountIds } = await seedBook(db.db, { accountCount: 40 }));
  });
  afterAll(async () => db.drop());

  const rowsOf = (accountId: string) => db.db.select().from(accountMemory).where(eq(accountMemory.accountId, accountId));
  const liveOf = (accountId: string) => db.db.select().from(accountMemory).where(and(eq(accountMemory.accountId, accountId), isNull(accountMemory.supersededBy)));

  describe('when the same fact is remembered twice', () => {
    it('keeps one live row and refreshes its date and confidence', async () => {
      const accountId = account();
      const first = await rememberItems(db.db, { accountId, runId: 'run-1', items: [{ ...fact('employees', '120 employees', 'crm:employees', 0), confidence: 0.6 }] });
      const second = await rememberItems(db.db, { accountId, runId: 'run-2', items: [{ ...fact('employees', '120  Employees', 'crm:employees', 2), confidence: 0.9 }] });
      expect(first).toMatchObject({ inserted: 1, refreshed: 0 });
      expect(second).toMatchObject({ inserted: 0, refreshed: 1, superseded: 0 });
      const rows = await rowsOf(accountId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ content: '120 employees', observedAt: at(2), confidence: 0.9, runId: 'run-1' });
    });
  });

  describe('when a fact changes later', () => {
    it('supersedes the old row and keeps it as history', async () => {
      const accountId = account();
      await rememberItems(db.db, { accountId, items: [fact('stage', 'Evaluation', 'crm:stage', 0)] });
      const result = await rememberItems(db.db, { accountId, items: [fact('stage', 'Negotiation', 'crm:stage', 5)] });
      expect(result).toMatchObject({ inserted: 1, superseded: 1, conflicts: [] });
      const rows = await rowsOf(accountId);
      const live = rows.filter((r) => r.supersededBy === null);
      expect(rows).toHaveLength(2);
      expect(live.map((r) => r.content)).toEqual(['Negotiation']);
      expect(rows.find((r) => r.content === 'Evaluation')?.supersededBy).toBe(live[0]?.id);
      const view = await recallMemory(db.db, accountId);
      expect(view.facts.map((f) => f.content)).toEqual(['Negotiation']);
      expect(view.conflicts).toEqual([]);
    });
  });

  describe('when two sources disagree within the window', () => {
    it('keeps both live, flags the newcomer and lists the key in conflicts', async () => {
      const accountId = account();
      await rememberItems(db.db, { accountId, items: [fact('employees', '120', 'crm:employees', 0)] });
      const result = await rememberItems(db.db, { accountId, items: [fact('employees', '450', 'research:run-2', 3)] });
      const live = await liveOf(accountId);
      expect(live).toHaveLength(2);
      const crm = live.find((r) => r.source === 'crm:employees');
      const research = live.find((r) => r.source === 'research:run-2');
      expect(research?.conflictWith).toBe(crm?.id);
      expect(crm?.conflictWith).toBeNull();
      expect(result.conflicts).toEqual([{ id: research?.id, kind: 'fact', key: 'employees', content: '450', conflictWith: crm?.id }]);
      const view = await recallMemory(db.db, accountId);
      expect(view.conflicts).toHaveLength(1);
      expect(view.conflicts[0]?.key).toBe('employees');
      expect(view.conflicts[0]?.items.map((i) => i.content)).toEqual(['450', '120']);
    });
  });

  describe('when ten callers remember the same key at once', () => {
    it('leaves exactly one live row for identical items', async () => {
      const accountId = account();
      const item = fact('industry', 'Logistics', 'crm:industry', 1);
      const results = await Promise.all(Array.from({ length: 10 }, () => rememberItems(db.db, { accountId, items: [item] })));
      expect(results.reduce((n, r) => n + r.inserted, 0)).toBe(1);
      expect(await liveOf(accountId)).toHaveLength(1);
      expect(await rowsOf(accountId)).toHaveLength(1);
    });

    it('leaves exactly one live row for changing values from one source', async () => {
      const accountId = account();
      await Promise.all(Array.from({ length: 10 }, (_, i) => rememberItems(db.db, { accountId, items: [fact('stage', `Stage ${i}`, 'crm:stage', i)] })));
      const live = await liveOf(accountId);
      expect(live).toHaveLength(1);
      expect(live[0]?.content).toBe('Stage 9');
    });
  });

  describe('when review feedback is remembered', () => {
    it('round-trips avoid and resonated phrases through recall', async () => {
      const accountId = account();
      const decidedAt = at(3);
      await rememberItems(db.db, { accountId, items: memoryFromReview({ reviewItemId: 'i1', verdict: 'accepted', decidedAt, resonated: ['EMEA expansion'] }) });
      await rememberItems(db.db, { accountId, items: memoryFromReview({ reviewItemId: 'i2', verdict: 'rejected', decidedAt: at(4), reason: 'the layoffs' }) });
      await rememberItems(db.db, { accountId, items: memoryFromReview({ reviewItemId: 'i3', verdict: 'rejected', decidedAt: at(5), reason: 'The layoffs.' }) });
      const view = await recallMemory(db.db, accountId);
      expect(view.resonated.map((i) => i.content)).toEqual(['EMEA expansion']);
      expect(view.avoid.map((i) => [i.key, i.content, i.source, i.observedAt])).toEqual([['the layoffs', 'the layoffs', 'review:i2', at(5)]]);
    });

    it('lets a later avoid replace an earlier resonated verdict on the same phrase', async () => {
      const accountId = account();
      await rememberItems(db.db, { accountId, items: memoryFromReview({ reviewItemId: 'i1', verdict: 'accepted', decidedAt: at(1), resonated: ['discounts'] }) });
      await rememberItems(db.db, { accountId, items: memoryFromReview({ reviewItemId: 'i2', verdict: 'rejected', decidedAt: at(2), avoid: ['Discounts'] }) });
      const view = await recallMemory(db.db, accountId);
      expect(view.resonated).toEqual([]);
      expect(view.avoid.map((i) => i.key)).toEqual(['discounts']);
    });
  });

  describe('when interactions pile up', () => {
    it('keeps the 10 freshest live and the rest as history', async () => {
      const accountId = account();
      for (let day = 0; day < 14; day++) {
        await rememberItems(db.db, {
          accountId,
          items: [{ kind: 'interaction', key: `draft:${at(day).toISOString().slice(0, 10)}`, content: `Drafted on day ${day}`, source: `draft:r${day}`, observedAt: at(day) }],
        });
      }
      const view = await recallMemory(db.db, accountId);
      expect(view.interactions).toHaveLength(10);
      expect(view.interactions[0]?.content).toBe('Drafted on day 13');
      expect(view.interactions.at(-1)?.content).toBe('Drafted on day 4');
      expect(await rowsOf(accountId)).toHaveLength(14);
    });
  });

  describe('when one call carries a conflict and a supersession', () => {
    it('writes new rows that reference each other in one statement', async () => {
      const accountId = account();
      const result = await rememberItems(db.db, {
        accountId,
        items: [fact('arr', '$100k', 'crm:arr', 0), fact('arr', '$150k', 'research:r1', 1), fact('arr', '$120k', 'crm:arr', 2)],
      });
      expect(result).toMatchObject({ inserted: 3, superseded: 1 });
      const live = await liveOf(accountId);
      expect(live.map((r) => r.content).sort()).toEqual(['$120k', '$150k']);
    });
  });

  describe('when called inside a caller transaction that rolls back', () => {
    it('leaves nothing behind', async () => {
      const accountId = account();
      await expect(
        db.db.transaction(async (tx) => {
          await rememberItems(tx, { accountId, items: [fact('stage', 'Won', 'crm:stage', 0)] });
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');
      expect(await rowsOf(accountId)).toHaveLength(0);
    });
  });

  describe('when the input is invalid', () => {
    it('throws a validation error and writes nothing', async () => {
      const accountId = account();
      await expect(rememberItems(db.db, { accountId, items: [{ ...fact('stage', ' ', 'crm:stage', 0) }] })).rejects.toBeInstanceOf(AppError);
      await expect(rememberItems(db.db, { accountId: 'nope', items: [] })).rejects.toMatchObject({ code: 'validation' });
      expect(await rowsOf(accountId)).toHaveLength(0);
    });
  });
});
