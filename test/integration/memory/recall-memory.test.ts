import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  emptyMemoryView,
  memoryFromDraft,
  memoryFromResearch,
  memoryViewFromJson,
  recallMemories,
  recallMemory,
  rememberItems,
  type LiveMemoryJson,
} from '../../../src/memory/index.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { seedBook } from '../review/seed.ts';

describe('recallMemory', () => {
  let db: TestDb;
  let accountIds: string[];

  beforeAll(async () => {
    db = await createTestDb();
    ({ accountIds } = await seedBook(db.db, { accountCount: 12 }));
    const observedAt = new Date('2025-03-02T03:00:00Z');
    for (const [i, accountId] of accountIds.slice(0, 10).entries()) {
      const items = [
        ...memoryFromResearch({
          runId: 'run-1',
          observedAt,
          brief: {
            summary: `Account ${i} is growing.`,
            facts: [
              { id: 'F1', text: `${100 + i} employees`, source: 'crm:accounts.employees', observedAt: '2025-02-01T00:00:00Z' },
              { id: 'F2', text: 'Stage: Evaluation', source: 'crm:accounts.stage', observedAt: '2025-02-15T00:00:00Z' },
            ],
            factKeys: ['employees', 'stage'],
            keyPoints: [],
          },
        }),
        ...memoryFromDraft({ runId: 'run-1', observedAt, draft: { to: 'x@y.test', recipientName: 'Dana', subject: `Hello ${i}`, body: '', citations: [], riskFlags: [] } }),
      ];
      if (i % 2 === 0) items.push({ kind: 'fact', key: 'employees', content: '999 employees', source: 'research:run-1', observedAt: new Date('2025-02-03T00:00:00Z') });
      await rememberItems(db.db, { accountId, runId: 'run-1', items });
    }
  });
  afterAll(async () => db.drop());

  describe('when the run reads memory in its own snapshot query', () => {
    it('builds the same view as recallMemory, conflicts and order included', async () => {
      for (const accountId of accountIds.slice(0, 4)) {
        const [row] = await db.sql<Array<{ memory: LiveMemoryJson[] | null }>>`
          select (select json_agg(json_build_object('id', m.id, 'kind', m.kind, 'key', m.key, 'content', m.content, 'source', m.source,
            'observedAt', m.observed_at, 'confidence', m.confidence, 'conflictWith', m.conflict_with, 'createdAt', m.created_at))
            from account_memory m where m.account_id = ${accountId} and m.superseded_by is null) as memory`;
        expect(memoryViewFromJson(accountId, row?.memory ?? [])).toEqual(await recallMemory(db.db, accountId));
      }
    });
  });

  describe('when an account has research and a draft in memory', () => {
    it('groups live items with facts freshest first', async () => {
      const view = await recallMemory(db.db, accountIds[1] ?? '');
      expect(view.summary?.content).toBe('Account 1 is growing.');
      expect(view.facts.map((f) => f.key)).toEqual(['stage', 'employees']);
      expect(view.interactions.map((i) => i.content)).toEqual(['Drafted outreach to Dana about "Hello 1"']);
      expect(view.conflicts).toEqual([]);
    });
  });

  describe('when an account has no memory', () => {
    it('returns an empty view', async () => {
      expect(await recallMemory(db.db, accountIds[11] ?? '')).toEqual(emptyMemoryView(accountIds[11] ?? ''));
    });
  });

  describe('when many accounts are recalled at once', () => {
    it('returns the same views as per-account recall, one entry per requested id', async () => {
      const bulk = await recallMemories(db.db, accountIds);
      expect([...bulk.keys()].sort()).toEqual([...accountIds].sort());
      for (const accountId of accountIds) expect(bulk.get(accountId)).toEqual(await recallMemory(db.db, accountId));
      expect(bulk.get(accountIds[0] ?? '')?.conflicts.map((c) => c.key)).toEqual(['employees']);
    });

    it('returns an empty map for no ids', async () => {
      expect((await recallMemories(db.db, [])).size).toBe(0);
    });
  });
});
