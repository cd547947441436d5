import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { artifacts, auditLog, reviewItems, type Workflow } from '../../../db/schema/index.ts';
import type { Draft, Prioritization } from '../../../src/agents/types.ts';
import { fileArtifacts, isSampled, type ArtifactInput } from '../../../src/review/index.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { seedBook, seedRun, type SeededBook } from './seed.ts';

// Typed as the agents' output shapes: the pipeline passes them as artifact content unchanged.
const DRAFT: Draft = { to: 'dana@acme.test', recipientName: 'Dana', subject: 'Hi', body: 'Hello', citations: [], riskFlags: [] };
const TIER: Prioritization = { score: 80, tier: 'A', rationale: 'Strong signals' };

const artifact = (workflow: Workflow): ArtifactInput => ({
  workflow,
  skillName: workflow,
  skillVersion: `${workflow}-v1`,
  model: 'claude-sonnet-4-5',
  content: workflow === 'drafting' ? DRAFT : workflow === 'prioritization' ? TIER : { summary: 'Brief' },
  rationale: workflow === 'prioritization' ? 'Strong signals' : null,
  citedFacts: [{ id: 'F1', text: '120 employees', source: 'crm:employees', observedAt: new Date('2025-03-01T00:00:00Z') }],
  riskFlags: [],
});
const ALL = [artifact('research'), artifact('prioritization'), artifact('drafting')];
const UNDRAFTED = [artifact('research'), artifact('prioritization')];

describe('fileArtifacts', () => {
  let db: TestDb;
  let book: SeededBook;
  let runId: string;
  let next = 0;
  const account = () => {
    const id = book.accountIds[next++];
    if (!id) throw new Error('out of seeded accounts');
    return { accountId: id, ownerRepId: book.ownerOf.get(id) ?? null };
  };

  beforeAll(async () => {
    db = await createTestDb();
    book = await seedBook(db.db, { accountCount: 40, repCount: 2 });
    runId = await seedRun(db.db, book.bookId);
  });
  afterAll(async () => db.drop());

  const itemsOf = (accountId: string) => db.db.select().from(reviewItems).where(and(eq(reviewItems.runId, runId), eq(reviewItems.accountId, accountId)));
  const artifactsOf = (accountId: string) => db.db.select().from(artifacts).where(and(eq(artifacts.runId, runId), eq(artifacts.accountId, accountId)));

  describe('when an account was drafted', () => {
    it('files one pending item covering all three workflows, owned by the account owner, with an audit row', async () => {
      const target = account();
      const result = await fileArtifacts(db.db, { runId, ...target, artifacts: ALL, sampleRate: 0 });
      expect(result).toMatchObject({ reason: 'drafted', created: true });
      const [item, ...others] = await itemsOf(target.accountId);
      expect(others).toEqual([]);
      expect(item).toMatchObject({ id: result.reviewItemId, status: 'pending', ownerRepId: target.ownerRepId, reason: 'drafted', workflows: ['research', 'prioritization', 'drafting'] });
      const stored = await artifactsOf(target.accountId);
      expect(stored).toHaveLength(3);
      expect(stored.every((a) => a.status === 'pending_review' && a.reviewItemId === result.reviewItemId)).toBe(true);
      expect(Object.keys(result.artifactIds).sort()).toEqual(['drafting', 'prioritization', 'research']);
      expect(stored.find((a) => a.workflow === 'research')?.citedFacts).toEqual([{ id: 'F1', text: '120 employees', source: 'crm:employees', observedAt: '2025-03-01T00:00:00.000Z' }]);
      const audit = await db.db.select().from(auditLog).where(eq(auditLog.entityId, result.reviewItemId ?? ''));
      expect(audit).toEqual([expect.objectContaining({ actor: 'system', action: 'review_item.created', entity: 'review_item' })]);
    });
  });

  describe('when an undrafted account is sampled', () => {
    it('files a sampled item with the brief and the tier', async () => {
      const target = account();
      const result = await fileArtifacts(db.db, { runId, ...target, artifacts: UNDRAFTED, sampleRate: 1 });
      expect(result).toMatchObject({ reason: 'sampled', created: true });
      const [item] = await itemsOf(target.accountId);
      expect(item).toMatchObject({ reason: 'sampled', status: 'pending', workflows: ['research', 'prioritization'] });
      const stored = await artifactsOf(target.accountId);
      expect(stored.map((a) => a.status)).toEqual(['pending_review', 'pending_review']);
    });
  });

  describe('when an undrafted account is not sampled', () => {
    it('stores the artifacts as unreviewed and files no item', async () => {
      const target = account();
      const result = await fileArtifacts(db.db, { runId, ...target, artifacts: UNDRAFTED, sampleRate: 0 });
      expect(result).toMatchObject({ reviewItemId: null, reason: null, created: false });
      expect(await itemsOf(target.accountId)).toEqual([]);
      const stored = await artifactsOf(target.accountId);
      expect(stored.map((a) => [a.status, a.reviewItemId])).toEqual([
        ['unreviewed', null],
        ['unreviewed', null],
      ]);
    });
  });

  describe('when the same account is filed twice', () => {
    it('returns the same item and artifacts and writes nothing new', async () => {
      const target = account();
      const first = await fileArtifacts(db.db, { runId, ...target, artifacts: ALL, sampleRate: 0.1 });
      const second = await fileArtifacts(db.db, { runId, ...target, artifacts: ALL, sampleRate: 0.1 });
      expect(second).toEqual({ ...first, created: false });
      expect(await itemsOf(target.accountId)).toHaveLength(1);
      expect(await artifactsOf(target.accountId)).toHaveLength(3);
    });
  });

  describe('when the same account is filed concurrently', () => {
    it('ends with one item, three artifacts and one audit row', async () => {
      const target = account();
      const results = await Promise.all(Array.from({ length: 8 }, () => fileArtifacts(db.db, { runId, ...target, artifacts: ALL, sampleRate: 0.1 })));
      expect(new Set(results.map((r) => r.reviewItemId)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => JSON.stringify(r.artifactIds))).size).toBe(1);
      expect(await itemsOf(target.accountId)).toHaveLength(1);
      expect(await artifactsOf(target.accountId)).toHaveLength(3);
      const audit = await db.db.select().from(auditLog).where(eq(auditLog.entityId, results[0]?.reviewItemId ?? ''));
      expect(audit).toHaveLength(1);
    });
  });

  describe('when sampling decides', () => {
    it('follows the deterministic draw for the run and account', async () => {
      const decisions = [];
      for (let i = 0; i < 10; i++) {
        const target = account();
        const result = await fileArtifacts(db.db, { runId, ...target, artifacts: UNDRAFTED, sampleRate: 0.5 });
        decisions.push([result.reason === 'sampled', isSampled(runId, target.accountId, 0.5)]);
      }
      for (const [filed, drawn] of decisions) expect(filed).toBe(drawn);
    });
  });

  describe('when the input is invalid', () => {
    it('rejects two artifacts of one workflow', async () => {
      const target = account();
      await expect(fileArtifacts(db.db, { runId, ...target, artifacts: [artifact('research'), artifact('research')], sampleRate: 0 })).rejects.toMatchObject({ code: 'validation' });
    });
  });
});
