/**
 * Batch mode end to end against the stand-in's Message Batches: every stage goes out as a batch,
 * results are mapped back by custom id and stored like realtime steps (memo, ledger at batch
 * prices, budget), errored items are resubmitted, and the run costs about half of realtime.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../../src/deps.ts';
import { awaitRun } from '../../../src/run/await-run.ts';
import { startRun } from '../../../src/run/start-run.ts';
import { summarizeRun, type RunSummary } from '../../../src/run/summary.ts';
import { startWorkers, type RunningWorkers } from '../../../src/run/workers.ts';
import { createPipelineEnv, type PipelineEnv } from '../../support/pipeline.ts';
import { importGeneratedBook, runBook } from '../pipeline/support.ts';

const BOOK = 'batch-60';
let env: PipelineEnv;
let deps: Deps;
let workers: RunningWorkers | undefined;
let realtime: RunSummary;
let batch: RunSummary;

async function runBatch(budget?: number): Promise<RunSummary> {
  const { runId } = await startRun(deps, { bookName: BOOK, mode: 'batch', ...(budget ? { budget: { kind: 'usd' as const, usd: budget } } : {}) });
  await awaitRun(deps.db, runId, { pollMs: 100, signal: AbortSignal.timeout(120_000) });
  return summarizeRun(deps.db, runId);
}

beforeAll(async () => {
  // One request in ten errors inside the batch: those items must be resubmitted, not lost. Polls
  // come far more often than batches end, so the run job starts again dozens of times (a real
  // night polls for hours): no start limit may fail it.
  env = await createPipelineEnv({ standin: { batchDelayMs: 300, faultRate: 0.1, faultKinds: ['500'] }, env: { BOOKRUN_BATCH_POLL_MS: '20', BOOKRUN_LLM_MAX_RETRIES: '3' } });
  deps = await env.deps();
  await importGeneratedBook(deps, { bookName: BOOK, accounts: 60, seed: 11 });
  workers = startWorkers(deps, 8);
  realtime = (await runBook(deps, BOOK)).summary;
  batch = await runBatch();
}, 240_000);

afterAll(async () => {
  await workers?.close();
  await env?.cleanup();
}, 60_000);

describe('a batch-mode run', () => {
  it('completes every account, with errored batch items resubmitted', async () => {
    expect(batch).toMatchObject({ status: 'completed', failed: 0, deferred: 0, pending: 0 });
    expect(batch.completed).toBe(batch.accounts);
    expect(batch.drafts).toBeGreaterThan(0);
    const calls = await env.db.sql<Array<{ kind: string; status: string; n: number }>>`
      select call_kind as kind, status, count(*)::int as n from llm_calls where run_id = ${batch.runId} group by 1, 2`;
    expect(calls.every((c) => c.kind === 'batch_item')).toBe(true);
    expect(calls.find((c) => c.status === 'retryable')?.n ?? 0).toBeGreaterThan(0);
    const runJob = await deps.queues.run.getJob(`${batch.runId}-run`);
    expect(runJob?.attemptsStarted).toBeGreaterThan(12);
  });

  it('stores one result per account and step, and files drafts for review like a realtime run', async () => {
    const dup = await env.db.sql<Array<{ n: number }>>`
      select count(*)::int as n from (select account_id, step from step_results where run_id = ${batch.runId} group by 1, 2 having count(*) > 1) x`;
    expect(dup[0]?.n).toBe(0);
    expect(batch.reviewItems.drafted).toBe(batch.drafts);
    expect(batch.tiers.A + batch.tiers.B + batch.tiers.C + batch.tiers.D).toBe(batch.accounts);
  });

  it('costs about half of the same book in realtime', () => {
    expect(realtime.costUsd).toBeGreaterThan(0);
    const ratio = batch.costUsd / realtime.costUsd;
    expect(ratio).toBeGreaterThan(0.3);
    expect(ratio).toBeLessThan(0.65);
  });

  it('keeps a budget as a hard cap, deferring what does not fit', async () => {
    const capped = await runBatch(batch.costUsd / 2);
    expect(capped.status).toBe('completed_with_deferrals');
    expect(capped.costUsd).toBeLessThanOrEqual(batch.costUsd / 2);
    expect(capped.deferred).toBeGreaterThan(0);
    expect(capped.failed).toBe(0);
  }, 120_000);
});
