/**
 * `bookrun autonomy status` over real reviews: a workflow with a high accept rate supports a
 * promotion only once its sample is large enough, heavy edits count against it, and the JSON shape
 * is the documented one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autonomyStatus } from '../../../src/autonomy/autonomy-status.ts';
import { AutonomyPolicy, wilsonLowerBound } from '../../../src/autonomy/index.ts';
import { decideReviewItem } from '../../../src/review/index.ts';
import { runCli } from '../../support/cli.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { seedDraftedItems, type DraftedItem, type DraftedWorld } from '../outbox/seed.ts';

let db: TestDb;
let world: DraftedWorld;
const policy = AutonomyPolicy.parse({});

beforeAll(async () => {
  db = await createTestDb();
  world = await seedDraftedItems(db.db, { count: 70, repCount: 2 });
}, 60_000);
afterAll(async () => db?.drop());

async function decide(items: readonly DraftedItem[], how: 'accept' | 'reject' | 'rewrite') {
  for (const item of items) {
    if (how === 'accept') await decideReviewItem(db.db, { itemId: item.itemId, deciderRepId: item.ownerRepId, verdict: 'accepted' });
    else if (how === 'reject') await decideReviewItem(db.db, { itemId: item.itemId, deciderRepId: item.ownerRepId, verdict: 'rejected', rejectReason: 'tone', note: 'too pushy' });
    else
      await decideReviewItem(db.db, {
        itemId: item.itemId,
        deciderRepId: item.ownerRepId,
        verdict: 'edited',
        edited: { subject: 'A completely different subject line', body: 'Rewritten from scratch by the rep, sharing nothing with the draft at all.' },
      });
  }
}

const drafting = async () => {
  const status = await autonomyStatus(db.db, { policy });
  const found = status.workflows.find((w) => w.workflow === 'drafting');
  if (!found) throw new Error('no drafting workflow');
  return found;
};

describe('when reviews accumulate at a high accept rate', () => {
  it('holds while the sample is below the bar, then proposes spot_check with its evidence', async () => {
    await decide(world.items.slice(0, 30), 'accept');
    const early = await drafting();
    expect(early).toMatchObject({ level: 'gated', reviewed: 30, acceptRate: 1, proposal: null });
    expect(early.decision.kind).toBe('hold');
    expect(early.decision.reasons.join(' ')).toMatch(/only 30 reviews.*needs at least 50/);

    await decide(world.items.slice(30, 56), 'accept');
    await decide(world.items.slice(56, 58), 'reject');
    const later = await drafting();
    expect(later.reviewed).toBe(58);
    expect(later.lowerBound).toBeCloseTo(wilsonLowerBound(56, 58) ?? 0, 10);
    expect(later.decision).toMatchObject({ kind: 'propose', from: 'gated', to: 'spot_check', evidence: { reviewed: 58, successes: 56, window: 30, incidents: 0 } });
    // Status only reads: the proposal is filed (and then shown with its id) by autonomy evaluate.
    expect(later.proposal).toBeNull();
    expect(later.stats.rejectByReason).toEqual({ tone: 2 });
  });

  it('counts heavy rewrites against acceptance', async () => {
    await decide(world.items.slice(58, 70), 'rewrite');
    const now = await drafting();
    expect(now.reviewed).toBe(70);
    expect(now.stats).toMatchObject({ heavyEdits: 12, successes: 56, acceptedAsIs: 56 });
    expect(now.decision.kind).toBe('hold');
    // The briefs shown with those drafts (and with the two rejected for tone) were not at fault:
    // without a quick verdict against them they count as accepted.
    const status = await autonomyStatus(db.db, { policy });
    expect(status.workflows.find((w) => w.workflow === 'research')?.stats).toMatchObject({ reviewed: 70, successes: 70 });
  });

  it('prints the documented JSON shape', async () => {
    const cli = await runCli(['autonomy', 'status', '--json', '--by', 'skill-version,rep'], { DATABASE_URL: db.url });
    expect(cli.code).toBe(0);
    const out = JSON.parse(cli.stdout[0] ?? '{}') as { workflows: Array<Record<string, unknown>> };
    expect(out.workflows.map((w) => w['workflow'])).toEqual(['research', 'prioritization', 'drafting']);
    for (const w of out.workflows) expect(Object.keys(w)).toEqual(expect.arrayContaining(['workflow', 'level', 'reviewed', 'acceptRate', 'lowerBound', 'proposal']));
    const draftingGroups = out.workflows[2]?.['groups'] as Array<{ key: Record<string, string> }>;
    expect(draftingGroups).toHaveLength(2);
    const bad = await runCli(['autonomy', 'status', '--by', 'colour'], { DATABASE_URL: db.url });
    expect(bad.code).toBe(2);
  });
});
