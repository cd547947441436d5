/**
 * Issue 4 acceptance: a run with half the budget it needs finishes cleanly with spend ≤ budget,
 * serves tier A's drafts before tier C's, defers the rest (not failed) with what finishing costs,
 * and `runs resume` with more budget completes it without paying any step twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../../src/deps.ts';
import { awaitRun } from '../../../src/run/await-run.ts';
import { resumeRun } from '../../../src/run/resume.ts';
import { startRun } from '../../../src/run/start-run.ts';
import { summarizeRun, type RunSummary } from '../../../src/run/summary.ts';
import { startWorkers, type RunningWorkers } from '../../../src/run/workers.ts';
import { createPipelineEnv, type PipelineEnv } from '../../support/pipeline.ts';
import { importGeneratedBook, runBook } from '../pipeline/support.ts';

const BOOK = 'budget-120';
let env: PipelineEnv;
let deps: Deps;
let workers: RunningWorkers | undefined;
let needed: number;
let budget: number;
let capped: RunSummary;
/** Each prioritized account of the capped pass: its tier, and its draft step's status then (null: none yet). */
let cappedTiers: Array<{ tier: string; draft: 'succeeded' | 'skipped' | null }>;
let resumed: RunSummary;

async function ledgerCost(runId: string): Promise<number> {
  const [row] = await env.db.sql<Array<{ cost: string | null }>>`select sum(cost_usd)::text as cost from llm_calls where run_id = ${runId}`;
  return Number(row?.cost ?? 0);
}

beforeAll(async () => {
  env = await createPipelineEnv({ env: { BOOKRUN_DRAFT_TIERS: 'A,B,C' } });
  deps = await env.deps();
  await importGeneratedBook(deps, { bookName: BOOK, accounts: 120, seed: 7 });
  workers = startWorkers(deps, 16);
  // What the book costs uncapped; the capped run gets half of it.
  const full = await runBook(deps, BOOK);
  needed = full.summary.costUsd;
  budget = Math.round(needed * 0.5 * 1e6) / 1e6;
  const { runId } = await startRun(deps, { bookName: BOOK, budget: { kind: 'usd', usd: budget } });
  await awaitRun(deps.db, runId, { pollMs: 100, signal: AbortSignal.timeout(100_000) });
  capped = await summarizeRun(deps.db, runId);
  cappedTiers = await env.db.sql<Array<{ tier: string; draft: 'succeeded' | 'skipped' | null }>>`
    select p.output->>'tier' as tier, d.status as draft
    from step_results p left join step_results d on d.run_id = p.run_id and d.account_id = p.account_id and d.step = 'draft'
    where p.run_id = ${runId} and p.step = 'prioritize'`;
  await resumeRun(deps, runId, { kind: 'usd', usd: needed * 3 });
  await awaitRun(deps.db, runId, { pollMs: 100, signal: AbortSignal.timeout(100_000) });
  resumed = await summarizeRun(deps.db, runId);
}, 300_000);

afterAll(async () => {
  await workers?.close();
  await env?.cleanup();
}, 60_000);

describe('a run with half the budget it needs', () => {
  it('finishes cleanly, spends no more than its budget, and defers the rest instead of failing it', async () => {
    expect(needed).toBeGreaterThan(0);
    expect(capped).toMatchObject({ status: 'completed_with_deferrals', failed: 0, pending: 0 });
    expect(capped.deferred).toBeGreaterThan(0);
    expect(capped.completed + capped.deferred).toBe(capped.accounts);
    // The ledger at the time of the capped run's summary (the resume has spent more since).
    expect(capped.costUsd).toBeLessThanOrEqual(budget);
    expect(capped.budget).toMatchObject({ limitUsd: budget, spentUsd: capped.costUsd });
    // Reservations are upper bounds, so some headroom stays unspent, but not most of it.
    expect(capped.costUsd).toBeGreaterThan(budget * 0.6);
  });

  it('says what was deferred at which step and what finishing would cost', () => {
    const d = capped.deferral;
    expect(d).not.toBeNull();
    expect((d?.byStep.research ?? 0) + (d?.byStep.prioritize ?? 0) + (d?.byStep.draft ?? 0)).toBe(capped.deferred);
    expect(d?.costToFinishUsd).toBeGreaterThan(0);
    // Finishing the half that is left costs about the other half of what the book needs.
    expect(d?.costToFinishUsd).toBeGreaterThan(needed * 0.25);
    expect(d?.costToFinishUsd).toBeLessThan(needed * 1.0);
  });

  it('drafts tier A before tier C: no A account waits while a C account got its draft', () => {
    const count = (tier: string, draft: string | null) => cappedTiers.filter((r) => r.tier === tier && r.draft === draft).length;
    expect(count('A', 'succeeded')).toBeGreaterThan(0);
    // Waiting = no draft step at all (a skipped one had nobody to write to).
    expect(count('A', null) === 0 || count('C', 'succeeded') === 0).toBe(true);
    expect(count('B', null) === 0 || count('C', 'succeeded') === 0).toBe(true);
    // The budget went to knowing accounts and drafting the ones found, not to researching them all.
    expect(capped.drafts).toBeGreaterThan(0);
  });
});

describe('resuming it with more budget', () => {
  it('completes every account', () => {
    expect(resumed).toMatchObject({ status: 'completed', failed: 0, deferred: 0, pending: 0, deferral: null });
    expect(resumed.completed).toBe(resumed.accounts);
    expect(resumed.costUsd).toBeLessThanOrEqual(needed * 3);
  });

  it('pays no step twice', async () => {
    const twice = await env.db.sql<Array<{ n: number }>>`
      select count(*)::int as n from (
        select account_id, step from llm_calls where run_id = ${resumed.runId} and status = 'ok' group by account_id, step having count(*) > 1) x`;
    expect(twice[0]?.n).toBe(0);
    // And leaves no call open in the ledger.
    const open = await env.db.sql<Array<{ n: number }>>`select count(*)::int as n from llm_calls where run_id = ${resumed.runId} and status = 'started'`;
    expect(open[0]?.n).toBe(0);
    expect(await ledgerCost(resumed.runId)).toBeCloseTo(resumed.costUsd, 5);
  });
});
