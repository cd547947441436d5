/**
 * Shared by the autonomy ladder tests: a small policy (spot_check from 10 reviews with a lower
 * bound ≥ 0.7: 10/10 gives 0.72), a seeded world of drafted items per database, and verdicts.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { artifacts, auditLog, autonomyProposals, autonomyTransitions, type Workflow } from '../../../db/schema/index.ts';
import { AutonomyPolicy } from '../../../src/autonomy/index.ts';
import { decideReviewItem } from '../../../src/review/index.ts';
import type { DraftedItem } from '../outbox/seed.ts';
import { seedRun } from '../review/seed.ts';

export const POLICY = AutonomyPolicy.parse({ levels: { spot_check: { minSample: 10, minLowerBound: 0.7 }, autonomous: { minSample: 30, minLowerBound: 0.9 } } });
/** The same policy as BOOKRUN_AUTONOMY_POLICY, for the CLI. */
export const POLICY_ENV = JSON.stringify({ levels: { spot_check: { minSample: 10, minLowerBound: 0.7 }, autonomous: { minSample: 30, minLowerBound: 0.9 } } });

/** Decides items as their owners: accepted as-is, or the draft rejected for tone (brief and tier still count as accepted). */
export async function decide(db: Db, items: readonly DraftedItem[], how: 'accept' | 'reject'): Promise<void> {
  for (const item of items) {
    if (how === 'accept') await decideReviewItem(db, { itemId: item.itemId, deciderRepId: item.ownerRepId, verdict: 'accepted' });
    else await decideReviewItem(db, { itemId: item.itemId, deciderRepId: item.ownerRepId, verdict: 'rejected', rejectReason: 'tone', note: 'too pushy' });
  }
}

export async function proposalsOf(db: Db, workflow: Workflow) {
  return db.select().from(autonomyProposals).where(eq(autonomyProposals.workflow, workflow));
}

export async function transitionsOf(db: Db, workflow: Workflow) {
  return db.select().from(autonomyTransitions).where(eq(autonomyTransitions.workflow, workflow)).orderBy(autonomyTransitions.id);
}

export async function auditOf(db: Db, action: string, entityId: string) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.entityId, entityId)));
}

/** A newer run whose drafts come from another skill version (unreviewed: nobody has judged them yet). */
export async function draftWithNewVersion(db: Db, bookId: string, accountIds: readonly string[], skillVersion: string): Promise<void> {
  const runId = await seedRun(db, bookId);
  await db.insert(artifacts).values(
    accountIds.map((accountId) => ({ runId, accountId, workflow: 'drafting' as const, skillName: 'drafting', skillVersion, model: 'm', status: 'unreviewed' as const, content: { subject: 's', body: 'b' } })),
  );
}
