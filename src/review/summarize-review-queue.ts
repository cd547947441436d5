/**
 * Counts for the queue page's headings and filter chips: how many items per run, per group
 * (drafted or sampled) and tier, and per tier and workflow. One grouped scan of the visible items;
 * the tier and workflow filters are applied afterwards from the grouped counts, so the chips of
 * one filter can show what choosing another value would give.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import { reviewItems, runs, WORKFLOWS, type Workflow } from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { hasWorkflow, queueConditions, ReviewQueueFilters, type Tier } from './queue-sql.ts';

/** The same filters as listReviewQueue (without paging). */
export const SummarizeReviewQueueInput = ReviewQueueFilters;
export type SummarizeReviewQueueInput = z.input<typeof SummarizeReviewQueueInput>;

/** Drafted items are about a draft, sampled ones about a brief and tier: the queue shows them apart. */
export type ReviewQueueGroup = 'drafting' | 'sampled';

/** Counts of the queue under the filters; see each field for the filters it ignores. */
export type ReviewQueueSummary = {
  /** Items matching every filter. */
  total: number;
  /** Per run (newest first), group (drafting first: `drafted` sorts before `sampled`) and tier (A→D, none last); only non-empty groups. */
  groups: Array<{ runId: string; runCreatedAt: Date; group: ReviewQueueGroup; tier: Tier | null; count: number }>;
  /** Per run, newest first. */
  runs: Array<{ runId: string; runCreatedAt: Date; count: number }>;
  /** Per tier, with every filter except the tier filter. */
  byTier: Record<Tier | 'none', number>;
  /** Items including each workflow, with every filter except the workflow filter. */
  byWorkflow: Record<Workflow, number>;
};

/** Counts of the visible queue under the same filters as listReviewQueue. */
export async function summarizeReviewQueue(db: DbOrTx, input: SummarizeReviewQueueInput): Promise<ReviewQueueSummary> {
  const parsed = SummarizeReviewQueueInput.safeParse(input);
  if (!parsed.success) throw new AppError('validation', `summarizeReviewQueue: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const filters = parsed.data;

  const workflowMatches = filters.workflow ? hasWorkflow(filters.workflow) : sql`true`;
  const rows = await db
    .select({
      runId: reviewItems.runId,
      runCreatedAt: runs.createdAt,
      reason: reviewItems.reason,
      tier: reviewItems.tier,
      // Matching the workflow filter (all items when there is none).
      matching: sql<number>`(count(*) filter (where ${workflowMatches}))::int`,
      research: sql<number>`(count(*) filter (where ${hasWorkflow('research')}))::int`,
      prioritization: sql<number>`(count(*) filter (where ${hasWorkflow('prioritization')}))::int`,
      drafting: sql<number>`(count(*) filter (where ${hasWorkflow('drafting')}))::int`,
    })
    .from(reviewItems)
    .innerJoin(runs, eq(runs.id, reviewItems.runId))
    // Tier and workflow are applied below, from the groups.
    .where(and(...queueConditions({ ...filters, tier: undefined, workflow: undefined })))
    .groupBy(reviewItems.runId, runs.createdAt, reviewItems.reason, reviewItems.tier)
    // Queue order, sorted by Postgres: JS dates would drop the microseconds that order two runs.
    .orderBy(desc(runs.createdAt), desc(reviewItems.runId), asc(reviewItems.reason), asc(sql`coalesce(${reviewItems.tier}, 'E')`));

  const byTier: ReviewQueueSummary['byTier'] = { A: 0, B: 0, C: 0, D: 0, none: 0 };
  const byWorkflow = Object.fromEntries(WORKFLOWS.map((w) => [w, 0])) as Record<Workflow, number>;
  const groups: ReviewQueueSummary['groups'] = [];
  for (const row of rows) {
    byTier[row.tier ?? 'none'] += row.matching;
    const tierMatches = !filters.tier || row.tier === filters.tier;
    if (!tierMatches) continue;
    for (const w of WORKFLOWS) byWorkflow[w] += row[w];
    if (row.matching > 0) groups.push({ runId: row.runId, runCreatedAt: row.runCreatedAt, group: row.reason === 'drafted' ? 'drafting' : 'sampled', tier: row.tier, count: row.matching });
  }
  const perRun = new Map<string, { runId: string; runCreatedAt: Date; count: number }>();
  for (const g of groups) {
    const run = perRun.get(g.runId) ?? { runId: g.runId, runCreatedAt: g.runCreatedAt, count: 0 };
    run.count += g.count;
    perRun.set(g.runId, run);
  }
  return { total: groups.reduce((n, g) => n + g.count, 0), groups, runs: [...perRun.values()], byTier, byWorkflow };
}
