/** Live progress of a run per stage, read from Postgres (any process can watch any run). */
import { count, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { runItems, runs, stepResults, type RunStatus } from '../../db/schema/index.ts';

export type RunProgress = {
  status: RunStatus;
  accounts: number;
  research: number;
  prioritize: number;
  draft: number;
  /** Accounts finished (finalized) — done or failed. */
  done: number;
  failed: number;
};

export async function runProgress(db: DbOrTx, runId: string): Promise<RunProgress> {
  const [runRows, steps, items] = await Promise.all([
    db.select({ status: runs.status }).from(runs).where(eq(runs.id, runId)),
    db.select({ step: stepResults.step, n: count() }).from(stepResults).where(eq(stepResults.runId, runId)).groupBy(stepResults.step),
    db
      .select({
        total: count(),
        done: sql<number>`count(*) filter (where ${runItems.status} = 'done')`.mapWith(Number),
        failed: sql<number>`count(*) filter (where ${runItems.status} = 'failed')`.mapWith(Number),
      })
      .from(runItems)
      .where(eq(runItems.runId, runId)),
  ]);
  const byStep = Object.fromEntries(steps.map((s) => [s.step, s.n])) as Partial<Record<string, number>>;
  return {
    status: runRows[0]?.status ?? 'pending',
    accounts: items[0]?.total ?? 0,
    research: byStep['research'] ?? 0,
    prioritize: byStep['prioritize'] ?? 0,
    draft: byStep['draft'] ?? 0,
    done: items[0]?.done ?? 0,
    failed: items[0]?.failed ?? 0,
  };
}
