/**
 * decideReviewItem (issue 6): what a decision stores on the item and its artifacts, the edit
 * distance, and the memory it writes for the account — all in the decision's transaction.
 */
import { and, eq, sql } from 'drizzle-orm';
import { distance } from 'fastest-levenshtein';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountMemory, artifacts, auditLog, reviewItems } from '../../../db/schema/index.ts';
import { decideReviewItem, EDIT_DISTANCE_TEXT, fileArtifacts } from '../../../src/review/index.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { rejection } from '../../support/app-error.ts';
import { itemAt, seedDraftedItems, type DraftedWorld } from '../outbox/seed.ts';

let db: TestDb;
let world: DraftedWorld;

beforeAll(async () => {
  db = await createTestDb();
  world = await seedDraftedItems(db.db, { count: 16, repCount: 2 });
});
afterAll(async () => db?.drop());

const item = (i: number) => itemAt(world, i);

async function stored(itemId: string) {
  const [row] = await db.db.select().from(reviewItems).where(eq(reviewItems.id, itemId));
  if (!row) throw new Error(`no item ${itemId}`);
  return row;
}

async function verdicts(itemId: string) {
  const rows = await db.db.select({ workflow: artifacts.workflow, status: artifacts.status, reason: artifacts.verdictReason }).from(artifacts).where(eq(artifacts.reviewItemId, itemId));
  return Object.fromEntries(rows.map((r) => [r.workflow, [r.status, r.reason]]));
}

async function memoryOf(accountId: string, itemId: string) {
  return db.db
    .select({ kind: accountMemory.kind, key: accountMemory.key, content: accountMemory.content, confidence: accountMemory.confidence })
    .from(accountMemory)
    .where(and(eq(accountMemory.accountId, accountId), eq(accountMemory.source, `review:${itemId}`)))
    .orderBy(accountMemory.createdAt);
}

async function auditData(itemId: string, action: string) {
  const [row] = await db.db.select({ data: auditLog.data }).from(auditLog).where(and(eq(auditLog.entityId, itemId), eq(auditLog.action, action)));
  return row?.data;
}

describe('when a rep accepts a draft', () => {
  it('stores the model draft as final, a zero edit distance, accepted artifacts and the subject as resonated memory', async () => {
    const it0 = item(0);
    const result = await decideReviewItem(db.db, { itemId: it0.itemId, deciderRepId: it0.ownerRepId, verdict: 'accepted' });
    expect(result).toMatchObject({ editDistance: 0, editRatio: 0, memoryWritten: 1 });
    expect(await stored(it0.itemId)).toMatchObject({
      finalContent: { subject: it0.subject, body: it0.body },
      editDistance: 0,
      editRatio: 0,
      rejectReason: null,
      briefVerdict: null,
      tierVerdict: null,
    });
    expect(await verdicts(it0.itemId)).toEqual({ research: ['accepted', null], prioritization: ['accepted', null], drafting: ['accepted', null] });
    expect(await memoryOf(it0.accountId, it0.itemId)).toEqual([{ kind: 'resonated', key: it0.subject.toLowerCase(), content: it0.subject, confidence: 0.9 }]);
    expect(await auditData(it0.itemId, 'review_item.accepted')).toMatchObject({ rejectReason: null, briefVerdict: null, tierVerdict: null, editDistance: 0, memoryWritten: 1 });
  });
});

describe('when a rep edits a draft', () => {
  it('stores their text as final with its Levenshtein distance over subject and body, and remembers what changed', async () => {
    const it1 = item(1);
    const edited = { subject: 'A sharper subject line', body: 'Hello Buyer 1, a short note. We cut onboarding time by 40% for teams like yours.' };
    const result = await decideReviewItem(db.db, { itemId: it1.itemId, deciderRepId: it1.ownerRepId, verdict: 'edited', edited });
    const before = EDIT_DISTANCE_TEXT({ subject: it1.subject, body: it1.body });
    const after = EDIT_DISTANCE_TEXT(edited);
    const expected = distance(before, after);
    expect(expected).toBeGreaterThan(0);
    expect(result.editDistance).toBe(expected);
    expect(result.editRatio).toBeCloseTo(expected / Math.max(before.length, after.length), 6);
    const row = await stored(it1.itemId);
    expect(row).toMatchObject({ status: 'edited', finalContent: edited, editedContent: edited, editDistance: expected });
    expect(row.editRatio).toBeCloseTo(expected / after.length, 5);
    expect(await verdicts(it1.itemId)).toEqual({ research: ['accepted', null], prioritization: ['accepted', null], drafting: ['edited', null] });
    const memory = await memoryOf(it1.accountId, it1.itemId);
    expect(memory.map((m) => [m.kind, m.content, m.confidence])).toEqual([
      ['resonated', 'A sharper subject line', expect.closeTo(0.7, 5)],
      ['resonated', 'We cut onboarding time by 40% for teams like yours.', expect.closeTo(0.7, 5)],
    ]);
    expect(result.memoryWritten).toBe(2);
  });

  it('remembers the sentences the rep removed as things to avoid', async () => {
    const it2 = item(2);
    await db.db
      .update(artifacts)
      .set({ content: sql`jsonb_set(${artifacts.content}, '{body}', '"Hello Buyer 2. Can I offer you a 20% discount today? Talk soon."')` })
      .where(and(eq(artifacts.reviewItemId, it2.itemId), eq(artifacts.workflow, 'drafting')));
    await decideReviewItem(db.db, { itemId: it2.itemId, deciderRepId: it2.ownerRepId, verdict: 'edited', edited: { subject: it2.subject, body: 'Hello Buyer 2. Talk soon.' } });
    const memory = await memoryOf(it2.accountId, it2.itemId);
    expect(memory.filter((m) => m.kind === 'avoid').map((m) => [m.content, m.key])).toEqual([['Rep removed: Can I offer you a 20% discount today?', 'can i offer you a 20% discount today']]);
  });
});

describe('when a rep rejects a draft', () => {
  it('stores the reason, no final text and no distance; blames only the draft for its tone and remembers the note', async () => {
    const it3 = item(3);
    const result = await decideReviewItem(db.db, { itemId: it3.itemId, deciderRepId: it3.ownerRepId, verdict: 'rejected', rejectReason: 'tone', note: 'Too pushy' });
    expect(result).toMatchObject({ editDistance: null, editRatio: null, outbox: [] });
    expect(await stored(it3.itemId)).toMatchObject({ rejectReason: 'tone', finalContent: null, editDistance: null, editRatio: null, decisionNote: 'Too pushy' });
    expect(await verdicts(it3.itemId)).toEqual({ research: ['accepted', null], prioritization: ['accepted', null], drafting: ['rejected', 'tone'] });
    expect(await memoryOf(it3.accountId, it3.itemId)).toEqual([{ kind: 'avoid', key: 'too pushy', content: 'Tone: Too pushy', confidence: expect.closeTo(0.9, 5) }]);
    expect(await auditData(it3.itemId, 'review_item.rejected')).toMatchObject({ rejectReason: 'tone', editDistance: null });
  });

  it('rejects the brief too for wrong facts, and remembers the subject and the facts to avoid', async () => {
    const it4 = item(4);
    await decideReviewItem(db.db, { itemId: it4.itemId, deciderRepId: it4.ownerRepId, verdict: 'rejected', rejectReason: 'wrong_facts' });
    expect(await verdicts(it4.itemId)).toEqual({ research: ['rejected', 'wrong_facts'], prioritization: ['accepted', null], drafting: ['rejected', 'wrong_facts'] });
    // The seeded brief has only a summary ("brief 4"): that is what the rep marked wrong.
    expect((await memoryOf(it4.accountId, it4.itemId)).map((m) => [m.kind, m.content])).toEqual([
      ['avoid', 'Facts the rep marked wrong: brief 4'],
      ['avoid', `Wrong facts: "${it4.subject}"`],
    ]);
  });

  it('rejects the tier as too high when the account is not a fit', async () => {
    const it5 = item(5);
    await decideReviewItem(db.db, { itemId: it5.itemId, deciderRepId: it5.ownerRepId, verdict: 'rejected', rejectReason: 'not_a_fit' });
    expect(await verdicts(it5.itemId)).toEqual({ research: ['accepted', null], prioritization: ['rejected', 'too_high'], drafting: ['rejected', 'not_a_fit'] });
  });

  it('remembers not to write to the wrong person, by name', async () => {
    const it6 = item(6);
    await decideReviewItem(db.db, { itemId: it6.itemId, deciderRepId: it6.ownerRepId, verdict: 'rejected', rejectReason: 'wrong_person' });
    expect((await memoryOf(it6.accountId, it6.itemId)).map((m) => m.content)).toEqual(['Wrong person: do not write to Buyer 6']);
  });
});

describe('when the rep gives quick verdicts on the brief and the tier', () => {
  it('stores them and scores brief and tier by them, whatever happens to the draft', async () => {
    const it7 = item(7);
    await decideReviewItem(db.db, { itemId: it7.itemId, deciderRepId: it7.ownerRepId, verdict: 'accepted', briefVerdict: 'wrong_facts', tierVerdict: 'too_low' });
    expect(await stored(it7.itemId)).toMatchObject({ briefVerdict: 'wrong_facts', tierVerdict: 'too_low' });
    expect(await verdicts(it7.itemId)).toEqual({ research: ['rejected', 'wrong_facts'], prioritization: ['rejected', 'too_low'], drafting: ['accepted', null] });
    expect((await memoryOf(it7.accountId, it7.itemId)).map((m) => m.kind)).toEqual(['avoid', 'resonated']);
    expect(await auditData(it7.itemId, 'review_item.accepted')).toMatchObject({ briefVerdict: 'wrong_facts', tierVerdict: 'too_low' });
  });

  it('lets an accurate brief and a right tier stand although the draft was rejected for its facts', async () => {
    const it8 = item(8);
    await decideReviewItem(db.db, { itemId: it8.itemId, deciderRepId: it8.ownerRepId, verdict: 'rejected', rejectReason: 'wrong_facts', briefVerdict: 'accurate', tierVerdict: 'right' });
    expect(await verdicts(it8.itemId)).toEqual({ research: ['accepted', null], prioritization: ['accepted', null], drafting: ['rejected', 'wrong_facts'] });
    expect((await memoryOf(it8.accountId, it8.itemId)).map((m) => m.content)).toEqual([`Wrong facts: "${item(8).subject}"`]);
  });
});

describe('when the item is a sampled brief and tier (no draft)', () => {
  async function sampled(i: number, withTier = true) {
    const accountId = world.book.accountIds[i] ?? '';
    const runId = `${world.runId}-s${i}`;
    await db.db.execute(sql`insert into runs (id, book_id, run_key) values (${runId}, ${world.book.bookId}, ${`sampled-${runId}`})`);
    const filed = await fileArtifacts(db.db, {
      runId,
      accountId,
      sampleRate: 1,
      artifacts: [
        { workflow: 'research', skillName: 'research', skillVersion: 'v1', model: 'm', content: { summary: 's', facts: [{ id: 'F1', text: '1,200 employees', source: 'crm', observedAt: '2025-01-01' }] } },
        ...(withTier ? [{ workflow: 'prioritization' as const, skillName: 'prioritization', skillVersion: 'v1', model: 'm', content: { tier: 'B' } }] : []),
      ],
    });
    if (!filed.reviewItemId) throw new Error('not sampled');
    return { itemId: filed.reviewItemId, accountId, ownerRepId: world.book.ownerOf.get(accountId) ?? '' };
  }

  it('lets brief and tier follow the verdict and stores no final text', async () => {
    const s = await sampled(9);
    const result = await decideReviewItem(db.db, { itemId: s.itemId, deciderRepId: s.ownerRepId, verdict: 'rejected', rejectReason: 'timing', note: 'Budget freeze until Q3' });
    expect(result).toMatchObject({ editDistance: null, outbox: [] });
    expect(await verdicts(s.itemId)).toEqual({ research: ['rejected', 'timing'], prioritization: ['rejected', 'timing'] });
    expect(await stored(s.itemId)).toMatchObject({ finalContent: null, editDistance: null, rejectReason: 'timing' });
    expect((await memoryOf(s.accountId, s.itemId)).map((m) => m.content)).toEqual(['Timing: Budget freeze until Q3']);
  });

  it("names the brief's facts when the rep marks them wrong", async () => {
    const s = await sampled(10);
    const result = await decideReviewItem(db.db, { itemId: s.itemId, deciderRepId: s.ownerRepId, verdict: 'accepted', briefVerdict: 'wrong_facts' });
    expect(await verdicts(s.itemId)).toEqual({ research: ['rejected', 'wrong_facts'], prioritization: ['accepted', null] });
    expect((await memoryOf(s.accountId, s.itemId)).map((m) => m.content)).toEqual(['Facts the rep marked wrong: 1,200 employees']);
    expect(result.memoryWritten).toBe(1);
  });

  it('refuses an edit and a tier verdict on an item that shows no tier, and writes nothing', async () => {
    const s = await sampled(11, false);
    const edit = await rejection(decideReviewItem(db.db, { itemId: s.itemId, deciderRepId: s.ownerRepId, verdict: 'edited', edited: { subject: 's', body: 'b' } }));
    expect(edit).toMatchObject({ code: 'validation', message: expect.stringContaining('has no draft to edit') });
    const tier = await rejection(decideReviewItem(db.db, { itemId: s.itemId, deciderRepId: s.ownerRepId, verdict: 'accepted', tierVerdict: 'right' }));
    expect(tier).toMatchObject({ code: 'validation', message: expect.stringContaining('shows no tier') });
    expect((await stored(s.itemId)).status).toBe('pending');
    expect(await memoryOf(s.accountId, s.itemId)).toEqual([]);
  });
});

describe('when a decision is invalid', () => {
  it('says which field is wrong and why', async () => {
    const it12 = item(12);
    const noReason = await rejection(decideReviewItem(db.db, { itemId: it12.itemId, deciderRepId: it12.ownerRepId, verdict: 'rejected' }));
    expect(noReason).toMatchObject({ code: 'validation', message: expect.stringContaining('rejectReason') });
    expect(noReason.message).toContain('required when the verdict is rejected');
    const other = await rejection(decideReviewItem(db.db, { itemId: it12.itemId, deciderRepId: it12.ownerRepId, verdict: 'rejected', rejectReason: 'other', note: ' ' }));
    expect(other.message).toContain('required when the reject reason is other');
    const stray = await rejection(decideReviewItem(db.db, { itemId: it12.itemId, deciderRepId: it12.ownerRepId, verdict: 'accepted', rejectReason: 'tone' }));
    expect(stray.message).toContain('only allowed when the verdict is rejected');
    expect((await stored(it12.itemId)).status).toBe('pending');
  });
});

describe('when the decision does not commit', () => {
  it('leaves no memory behind', async () => {
    const it13 = item(13);
    await db.db
      .transaction(async (tx) => {
        const result = await decideReviewItem(tx, { itemId: it13.itemId, deciderRepId: it13.ownerRepId, verdict: 'rejected', rejectReason: 'tone', note: 'nope' });
        expect(result.memoryWritten).toBe(1);
        throw new Error('roll back');
      })
      .catch((e: unknown) => expect((e as Error).message).toBe('roll back'));
    expect(await memoryOf(it13.accountId, it13.itemId)).toEqual([]);
    expect((await stored(it13.itemId)).status).toBe('pending');
  });
});

describe('when another rep decides', () => {
  it('is forbidden, and a manager may decide any item', async () => {
    const it14 = item(14);
    const stranger = world.book.repIds.find((r) => r !== it14.ownerRepId) ?? '';
    const error = await rejection(decideReviewItem(db.db, { itemId: it14.itemId, deciderRepId: stranger, verdict: 'rejected', rejectReason: 'tone' }));
    expect(error.code).toBe('forbidden');
    expect(await memoryOf(it14.accountId, it14.itemId)).toEqual([]);
    const result = await decideReviewItem(db.db, { itemId: it14.itemId, deciderRepId: world.managerId, verdict: 'rejected', rejectReason: 'timing' });
    expect(result.decidedBy).toBe(world.managerId);
  });
});
