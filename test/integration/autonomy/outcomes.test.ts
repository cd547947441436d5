/**
 * The evidence autonomy is computed from: every reviewed artifact with its verdict, reason, edit
 * distance (drafts only), decider and timings — and nothing that was never reviewed.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReviewOutcomes } from '../../../src/autonomy/outcomes.ts';
import { decideReviewItem } from '../../../src/review/index.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { seedDraftedItems, type DraftedWorld } from '../outbox/seed.ts';

let db: TestDb;
let world: DraftedWorld;
const since = new Date(Date.now() - 3_600_000);

beforeAll(async () => {
  db = await createTestDb();
  world = await seedDraftedItems(db.db, { count: 6, repCount: 1 });
  const [a, b, c] = world.items;
  if (!a || !b || !c) throw new Error('seed');
  await decideReviewItem(db.db, { itemId: a.itemId, deciderRepId: a.ownerRepId, verdict: 'accepted' });
  await decideReviewItem(db.db, { itemId: b.itemId, deciderRepId: b.ownerRepId, verdict: 'edited', edited: { subject: b.subject, body: `${b.body} One more line.` }, tierVerdict: 'too_low' });
  await decideReviewItem(db.db, { itemId: c.itemId, deciderRepId: world.managerId, verdict: 'rejected', rejectReason: 'wrong_person' });
});
afterAll(async () => db?.drop());

describe('when three of six items were reviewed', () => {
  it('returns one outcome per reviewed artifact, with the verdict per workflow', async () => {
    const outcomes = await loadReviewOutcomes(db.db, { since });
    expect(outcomes).toHaveLength(9);
    const by = (workflow: string) => outcomes.filter((o) => o.workflow === workflow).map((o) => [o.status, o.verdictReason]);
    expect(by('drafting')).toEqual([
      ['accepted', null],
      ['edited', null],
      ['rejected', 'wrong_person'],
    ]);
    expect(by('prioritization')).toEqual([
      ['accepted', null],
      ['rejected', 'too_low'],
      ['accepted', null],
    ]);
  });

  it('carries edit distance on drafts only, the decider, and the timings', async () => {
    const outcomes = await loadReviewOutcomes(db.db, { since, workflow: 'drafting' });
    const [accepted, edited, rejected] = outcomes;
    expect(accepted).toMatchObject({ editDistance: 0, editRatio: 0, repId: world.items[0]?.ownerRepId, skillVersion: 'v1', model: 'm' });
    expect(edited?.editDistance).toBe(' One more line.'.length);
    expect(edited?.editRatio).toBeGreaterThan(0);
    expect(rejected).toMatchObject({ editDistance: null, repId: world.managerId });
    for (const o of outcomes) expect(o.decidedAt.getTime()).toBeGreaterThanOrEqual(o.filedAt.getTime());
    const research = await loadReviewOutcomes(db.db, { since, workflow: 'research' });
    expect(research.every((o) => o.editDistance === null && o.editRatio === null)).toBe(true);
  });

  it('honours the window', async () => {
    await db.db.execute(sql`update review_items set decided_at = now() - interval '40 days' where id = ${world.items[0]?.itemId ?? ''}`);
    expect(await loadReviewOutcomes(db.db, { since })).toHaveLength(6);
    expect(await loadReviewOutcomes(db.db, { since: new Date(Date.now() - 50 * 86_400_000), until: since })).toHaveLength(3);
  });
});
