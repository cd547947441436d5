/**
 * decideReviewItem: one decision per item, authorised at the service, and the outbox rows of an
 * approved draft written in the same transaction as the approval — present if and only if it
 * committed, built from the stored records only.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifacts, auditLog, contacts, outbox, reviewItems } from '../../../db/schema/index.ts';
import type { AppError } from '../../../src/errors.ts';
import { decideReviewItem } from '../../../src/review/index.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { rejection } from '../../support/app-error.ts';
import { itemAt, seedDraftedItems, type DraftedWorld } from './seed.ts';

let db: TestDb;
let world: DraftedWorld;

beforeAll(async () => {
  db = await createTestDb();
  world = await seedDraftedItems(db.db, { count: 14, repCount: 2 });
});

afterAll(async () => db?.drop());

const item = (i: number) => itemAt(world, i);

async function outboxOf(itemId: string) {
  return db.db.select().from(outbox).where(eq(outbox.reviewItemId, itemId)).orderBy(outbox.kind);
}

async function auditCount(itemId: string): Promise<number> {
  const [row] = await db.db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(and(eq(auditLog.entity, 'review_item'), eq(auditLog.entityId, itemId)));
  return row?.n ?? 0;
}

describe('when a rep accepts a drafted item', () => {
  it('records the verdict and queues a CRM write-back and a send hand-off built from the stored draft', async () => {
    const it0 = item(0);
    const result = await decideReviewItem(db.db, { itemId: it0.itemId, deciderRepId: it0.ownerRepId, verdict: 'accepted' });
    expect(result.status).toBe('accepted');
    expect(result.outbox.map((o) => o.idempotencyKey).sort()).toEqual([`crm_writeback-${it0.itemId}`, `send_handoff-${it0.itemId}`]);
    expect(result.artifacts.map((a) => a.status)).toEqual(['accepted', 'accepted', 'accepted']);

    const [stored] = await db.db.select().from(reviewItems).where(eq(reviewItems.id, it0.itemId));
    expect(stored).toMatchObject({ status: 'accepted', decidedBy: it0.ownerRepId, editedContent: null });
    const rows = await outboxOf(it0.itemId);
    expect(rows.map((r) => [r.kind, r.status, r.attempts])).toEqual([
      ['crm_writeback', 'pending', 0],
      ['send_handoff', 'pending', 0],
    ]);
    expect(rows[0]?.payload).toMatchObject({
      accountExternalId: 'ext-0',
      accountId: it0.accountId,
      recipient: { email: it0.recipient, name: 'Buyer 0' },
      subject: it0.subject,
      body: it0.body,
      reviewItemId: it0.itemId,
      verdict: 'accepted',
      decidedBy: { repId: it0.ownerRepId },
    });
    expect(rows[1]?.payload).toEqual({ recipient: { email: it0.recipient, name: 'Buyer 0' }, subject: it0.subject, body: it0.body, reviewItemId: it0.itemId });
    expect(await auditCount(it0.itemId)).toBe(2); // created + accepted
  });
});

describe('when a rep edits the draft', () => {
  it('delivers the edited text, marks only the draft edited, and keeps the edit on the item', async () => {
    const it1 = item(1);
    const edited = { subject: '  A better subject  ', body: 'A better body.' };
    const result = await decideReviewItem(db.db, { itemId: it1.itemId, deciderRepId: it1.ownerRepId, verdict: 'edited', edited, note: 'tightened it' });
    expect(Object.fromEntries(result.artifacts.map((a) => [a.workflow, a.status]))).toEqual({ research: 'accepted', prioritization: 'accepted', drafting: 'edited' });
    const rows = await outboxOf(it1.itemId);
    for (const row of rows) expect(row.payload).toMatchObject({ subject: 'A better subject', body: 'A better body.', recipient: { email: it1.recipient } });
    const [stored] = await db.db.select().from(reviewItems).where(eq(reviewItems.id, it1.itemId));
    expect(stored).toMatchObject({ status: 'edited', editedContent: { subject: 'A better subject', body: 'A better body.' }, decisionNote: 'tightened it' });
  });

  it('refuses an edit without content, or content without an edit, with where and why', async () => {
    const it2 = item(2);
    const missing = await rejection(decideReviewItem(db.db, { itemId: it2.itemId, deciderRepId: it2.ownerRepId, verdict: 'edited' }));
    expect(missing.code).toBe('validation');
    expect(missing.message).toContain('edited');
    const stray = await rejection(decideReviewItem(db.db, { itemId: it2.itemId, deciderRepId: it2.ownerRepId, verdict: 'accepted', edited: { subject: 's', body: 'b' } }));
    expect(stray.message).toContain('only allowed when the verdict is edited');
    const twoLines = await rejection(decideReviewItem(db.db, { itemId: it2.itemId, deciderRepId: it2.ownerRepId, verdict: 'edited', edited: { subject: 'a\nb', body: 'b' } }));
    expect(twoLines.message).toContain('subject must be one line');
    expect(await outboxOf(it2.itemId)).toEqual([]);
  });
});

describe('when a rep rejects a draft', () => {
  it('queues nothing and keeps the note', async () => {
    const it3 = item(3);
    const result = await decideReviewItem(db.db, { itemId: it3.itemId, deciderRepId: it3.ownerRepId, verdict: 'rejected', rejectReason: 'tone', note: 'wrong angle' });
    expect(result.outbox).toEqual([]);
    expect(await outboxOf(it3.itemId)).toEqual([]);
    // Rejected for its tone: only the draft is blamed (src/review/AGENTS.md, artifact verdicts).
    const statuses = await db.db.select({ workflow: artifacts.workflow, status: artifacts.status }).from(artifacts).where(eq(artifacts.reviewItemId, it3.itemId));
    expect(Object.fromEntries(statuses.map((s) => [s.workflow, s.status]))).toEqual({ research: 'accepted', prioritization: 'accepted', drafting: 'rejected' });
  });
});

describe('when an item is decided twice', () => {
  it('answers the second decision with a conflict naming who decided and when, and writes nothing more', async () => {
    const it4 = item(4);
    const first = await decideReviewItem(db.db, { itemId: it4.itemId, deciderRepId: it4.ownerRepId, verdict: 'accepted' });
    const audits = await auditCount(it4.itemId);
    const second = await rejection(decideReviewItem(db.db, { itemId: it4.itemId, deciderRepId: world.managerId, verdict: 'rejected', rejectReason: 'other', note: 'no' }));
    expect(second.code).toBe('conflict');
    expect(second.message).toMatch(/already accepted by rep\d-[0-9a-f]+@example\.test at \d{4}-\d\d-\d\dT/);
    expect(second.message).toContain(first.decidedAt.toISOString());
    expect(await outboxOf(it4.itemId)).toHaveLength(2);
    expect(await auditCount(it4.itemId)).toBe(audits);
    const [stored] = await db.db.select().from(reviewItems).where(eq(reviewItems.id, it4.itemId));
    expect(stored).toMatchObject({ status: 'accepted', decisionNote: null });
  });

  it('lets exactly one of two concurrent decisions (double click, two tabs) win', async () => {
    const it5 = item(5);
    const attempts = await Promise.allSettled([
      decideReviewItem(db.db, { itemId: it5.itemId, deciderRepId: it5.ownerRepId, verdict: 'accepted' }),
      decideReviewItem(db.db, { itemId: it5.itemId, deciderRepId: it5.ownerRepId, verdict: 'accepted' }),
      decideReviewItem(db.db, { itemId: it5.itemId, deciderRepId: world.managerId, verdict: 'edited', edited: { subject: 'x', body: 'y' } }),
    ]);
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    const losers = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(losers).toHaveLength(2);
    for (const l of losers) expect((l.reason as AppError).code).toBe('conflict');
    const rows = await outboxOf(it5.itemId);
    expect(rows.map((r) => r.kind)).toEqual(['crm_writeback', 'send_handoff']);
  });
});

describe('when someone other than the owner decides', () => {
  it('refuses a rep of another account with forbidden and writes nothing', async () => {
    const it6 = item(6);
    const stranger = world.book.repIds.find((r) => r !== it6.ownerRepId) ?? '';
    const error = await rejection(decideReviewItem(db.db, { itemId: it6.itemId, deciderRepId: stranger, verdict: 'accepted' }));
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain('belongs to another rep');
    const [stored] = await db.db.select().from(reviewItems).where(eq(reviewItems.id, it6.itemId));
    expect(stored?.status).toBe('pending');
    expect(await outboxOf(it6.itemId)).toEqual([]);
  });

  it('refuses an unknown rep, and lets a manager decide any item', async () => {
    const it7 = item(7);
    const unknown = await rejection(decideReviewItem(db.db, { itemId: it7.itemId, deciderRepId: '00000000-0000-4000-8000-000000000000', verdict: 'accepted' }));
    expect(unknown.code).toBe('forbidden');
    const result = await decideReviewItem(db.db, { itemId: it7.itemId, deciderRepId: world.managerId, verdict: 'accepted' });
    expect(result.decidedBy).toBe(world.managerId);
    expect(await outboxOf(it7.itemId)).toHaveLength(2);
  });

  it('says which item it could not find', async () => {
    const error = await rejection(decideReviewItem(db.db, { itemId: '00000000-0000-4000-8000-000000000001', deciderRepId: world.managerId, verdict: 'accepted' }));
    expect(error.code).toBe('not_found');
  });
});

describe('when the approval does not commit', () => {
  it('leaves no outbox row when the surrounding transaction rolls back', async () => {
    const it8 = item(8);
    await db.db
      .transaction(async (tx) => {
        const result = await decideReviewItem(tx, { itemId: it8.itemId, deciderRepId: it8.ownerRepId, verdict: 'accepted' });
        expect(result.outbox).toHaveLength(2);
        throw new Error('roll back');
      })
      .catch((e: unknown) => expect((e as Error).message).toBe('roll back'));
    expect(await outboxOf(it8.itemId)).toEqual([]);
    const [stored] = await db.db.select().from(reviewItems).where(eq(reviewItems.id, it8.itemId));
    expect(stored?.status).toBe('pending');
  });

  it('refuses to approve a draft whose recipient opted out since, and writes nothing', async () => {
    const it9 = item(9);
    await db.db.update(contacts).set({ doNotContact: true }).where(eq(contacts.accountId, it9.accountId));
    const error = await rejection(decideReviewItem(db.db, { itemId: it9.itemId, deciderRepId: it9.ownerRepId, verdict: 'accepted' }));
    expect(error.code).toBe('precondition_failed');
    expect(error.message).toContain('do-not-contact');
    const [stored] = await db.db.select().from(reviewItems).where(eq(reviewItems.id, it9.itemId));
    expect(stored?.status).toBe('pending');
    expect(await outboxOf(it9.itemId)).toEqual([]);
    // Rejecting it is still possible.
    await decideReviewItem(db.db, { itemId: it9.itemId, deciderRepId: it9.ownerRepId, verdict: 'rejected', rejectReason: 'wrong_person' });
  });

  it('sends what was approved even if the stored draft changes afterwards (payload is a copy)', async () => {
    const it10 = item(10);
    await decideReviewItem(db.db, { itemId: it10.itemId, deciderRepId: it10.ownerRepId, verdict: 'accepted' });
    await db.db
      .update(artifacts)
      .set({ content: sql`jsonb_set(${artifacts.content}, '{to}', '"attacker@evil.example"')` })
      .where(and(eq(artifacts.reviewItemId, it10.itemId), eq(artifacts.workflow, 'drafting')));
    for (const row of await outboxOf(it10.itemId)) expect(row.payload).toMatchObject({ recipient: { email: it10.recipient } });
  });
});
