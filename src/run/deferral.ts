/**
 * What a run's budget left undone, and what finishing it would cost — for the summary, so an
 * operator can pick the budget of `bookrun runs resume`. Costs are this run's own averages per
 * call (the ledger), so they include its cache hits and its models.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';

export type Deferral = {
  /** Deferred accounts by the first step the budget did not cover. */
  byStep: { research: number; prioritize: number; draft: number };
  /** Estimated cost of finishing every deferred account; null while a needed step has no priced call yet. */
  costToFinishUsd: number | null;
};

export async function deferralOf(db: DbOrTx, runId: string, draftTiers: readonly string[]): Promise<Deferral> {
  const [counts, averages, drafts] = await Promise.all([
    db.execute<{ step: string | null; n: number }>(sql`
      select deferred_step as step, count(*)::int as n from run_items
      where run_id = ${runId} and status = 'deferred_budget' group by deferred_step`),
    db.execute<{ step: string; avg: string | null }>(sql`
      select step, avg(cost_usd)::text as avg from llm_calls
      where run_id = ${runId} and status = 'ok' and step is not null group by step`),
    // The share of prioritized accounts that get a draft: their tiers against the draft policy.
    db.execute<{ drafted: number; prioritized: number }>(sql`
      select count(*) filter (where output->>'tier' = any(${`{${draftTiers.join(',')}}`}::text[]))::int as drafted, count(*)::int as prioritized
      from step_results where run_id = ${runId} and step = 'prioritize'`),
  ]);
  const byStep = { research: 0, prioritize: 0, draft: 0 };
  for (const c of counts) if (c.step === 'research' || c.step === 'prioritize' || c.step === 'draft') byStep[c.step] += c.n;
  const avg = new Map(averages.map((a) => [a.step, a.avg === null ? undefined : Number(a.avg)]));
  const share = drafts[0] && drafts[0].prioritized > 0 ? drafts[0].drafted / drafts[0].prioritized : draftTiers.length / 4;

  const need = (step: string, n: number): number | null => {
    if (n === 0) return 0;
    const a = avg.get(step);
    return a === undefined ? null : a * n;
  };
  const parts = [
    need('research', byStep.research),
    need('prioritize', byStep.research + byStep.prioritize),
    need('draft', byStep.draft + (byStep.research + byStep.prioritize) * share),
  ];
  const costToFinishUsd = parts.some((p) => p === null) ? null : Math.round(parts.reduce<number>((s, p) => s + (p ?? 0), 0) * 100) / 100;
  return { byStep, costToFinishUsd };
}
