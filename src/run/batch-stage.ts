/**
 * Batch mode (`bookrun run --mode batch`): each stage of the run — research, prioritization,
 * drafting — goes to the Message Batches API as one batch (more if it exceeds the API's size
 * limits) at half price. The run job submits a stage, sleeps as a delayed job between polls,
 * maps results back by custom id, stores them exactly as realtime steps do (memo, ledger,
 * budget), resubmits errored, expired or invalid items up to MAX_ROUNDS, then moves on.
 *
 * State lives in the run job's data (`BatchState`), so a restarted run job polls the batches it
 * submitted instead of paying for them again; a call id names (run, account, step, round).
 */
import { sql } from 'drizzle-orm';
import type { Step } from '../../db/schema/index.ts';
import { requestChars } from '../budget/input-estimator.ts';
import { budgetStage } from '../budget/run-budget.ts';
import { estimateUnits, unitsToUsd, usageUnits, type BudgetLimit } from '../budget/units.ts';
import type { Deps } from '../deps.ts';
import { messageOf } from '../errors.ts';
import { ZERO_USAGE, type BatchItem, type BatchItemResult } from '../llm/index.ts';
import { accountState, earlierFrom } from './account-step.ts';
import { markItemFailed } from './lifecycle.ts';
import { STEP_DEFS, type Prepared } from './step-defs.ts';
import type { StepCallRecord } from './step-types.ts';
import { runStep } from './step.ts';

export type BatchState = { stage: Step | 'finalize'; round: number; batchIds: string[] };

const STAGES: readonly Step[] = ['research', 'prioritize', 'draft'];
/** Submissions of one stage at most: the first, then resubmissions of what errored or expired. */
export const MAX_ROUNDS = 5;
/** API limits per batch: 100,000 requests, 256 MB; a margin under the size limit. */
const MAX_ITEMS = 100_000;
const MAX_BYTES = 200 * 1024 * 1024;
/** A batch may take up to 24 h: its reservations must outlive it. */
const BATCH_LEASE_MS = 26 * 3600_000;
/** Accounts prepared or stored at a time (the hot path's batchers group them into statements). */
const PARALLEL = 64;

export type BatchProgress = { kind: 'wait'; ms: number } | { kind: 'done' };

/**
 * Advances a batch-mode run as far as it can without waiting: returns how long to sleep before
 * the next poll, or `done` once every account is finalized, deferred or failed.
 */
export async function advanceBatchRun(
  deps: Deps,
  runId: string,
  initial: BatchState | undefined,
  save: (state: BatchState) => Promise<void>,
  pollMs: number,
): Promise<BatchProgress> {
  let state = initial ?? { stage: 'research', round: 0, batchIds: [] };
  for (;;) {
    if (state.stage === 'finalize') {
      await finalizeReady(deps, runId);
      return { kind: 'done' };
    }
    const step = state.stage;
    if (state.batchIds.length === 0) {
      const batchIds = await submitStage(deps, runId, step, state.round);
      if (batchIds.length > 0) {
        state = { ...state, batchIds };
        await save(state);
        deps.log.info(`run ${runId}: ${step} submitted as ${batchIds.length} message batch${batchIds.length > 1 ? 'es' : ''} (round ${state.round + 1})`);
        return { kind: 'wait', ms: pollMs };
      }
    } else {
      const statuses = await Promise.all(state.batchIds.map((id) => deps.llm.batches.retrieve(id)));
      if (statuses.some((s) => s.status !== 'ended')) return { kind: 'wait', ms: pollMs };
      const retry = await collectStage(deps, runId, step, state.round, state.batchIds);
      if (retry > 0 && state.round + 1 < MAX_ROUNDS) {
        deps.log.warn(`run ${runId}: ${retry} ${step} batch items errored, expired or answered invalidly; resubmitting them`);
        state = { stage: step, round: state.round + 1, batchIds: [] };
        await save(state);
        continue;
      }
    }
    // The stage is over: whatever still lacks it after the last round failed at it.
    await failUnfinished(deps, runId, step);
    const next = STAGES[STAGES.indexOf(step) + 1];
    state = { stage: next ?? 'finalize', round: 0, batchIds: [] };
    await save(state);
  }
}

/** Accounts of the run still in play that lack `step` but have every step it needs. */
async function accountsFor(deps: Deps, runId: string, step: Step): Promise<string[]> {
  const requires = STEP_DEFS[step].requires;
  const rows = await deps.db.execute<{ account_id: string }>(sql`
    select r.account_id from run_items r
    where r.run_id = ${runId} and r.status = 'queued'
      and not exists (select 1 from step_results s where s.run_id = r.run_id and s.account_id = r.account_id and s.step = ${step})
      and (select count(*) from step_results s where s.run_id = r.run_id and s.account_id = r.account_id
           and s.step = any(${`{${requires.join(',')}}`}::text[])) = ${requires.length}
    order by r.priority`);
  return rows.map((r) => r.account_id);
}

const callIdOf = (runId: string, accountId: string, step: Step, round: number) => `${runId}.${accountId}.${step}.b${round + 1}.c1`;
const customIdOf = (step: Step, accountId: string) => `${step}-${accountId}`;

/** Prepares one account's request for `step`: stores skips and budget deferrals at once. */
async function prepareOne(deps: Deps, runId: string, accountId: string, step: Step): Promise<{ prepared: Extract<Prepared, { kind: 'call' }> } | undefined> {
  const ids = { runId, accountId };
  const { context, steps } = await accountState(deps, ids);
  const prepared = STEP_DEFS[step].prepare(deps, context, earlierFrom(steps), { cache: deps.policy.promptCache, cacheTtl: '1h' });
  if (prepared.kind === 'skip') {
    await runStep(deps.hot, { runId, accountId, step }, 1, async () => prepared.outcome);
    return undefined;
  }
  return { prepared };
}

/** Builds, reserves and submits every request of a stage; returns the batch ids (none: nothing to do). */
async function submitStage(deps: Deps, runId: string, step: Step, round: number): Promise<string[]> {
  const accounts = await accountsFor(deps, runId, step);
  const cap = await deps.budgets.capOf(runId);
  const items: BatchItem[] = [];
  let refused = false;
  for (let i = 0; i < accounts.length; i += PARALLEL) {
    const chunk = accounts.slice(i, i + PARALLEL);
    const ready = await Promise.all(chunk.map((accountId) => prepareOne(deps, runId, accountId, step)));
    for (const [j, accountId] of chunk.entries()) {
      const entry = ready[j];
      if (!entry) continue;
      const request = entry.prepared.request;
      if (cap) {
        // Accounts are in priority order: once one is refused, the rest of the stage is too.
        const model = deps.llm.modelFor(request.skill ?? '');
        const inputTokens = deps.budgets.estimator.estimate(request.skill ?? 'default', requestChars(request));
        const units = estimateUnits(cap.kind, model, { inputTokens, maxTokens: request.maxTokens, cacheTtl: '1h', batch: true });
        const call = { id: callIdOf(runId, accountId, step, round), runId, accountId, step, model, estTokens: inputTokens + request.maxTokens, estCostUsd: unitsToUsd(cap.kind, units) ?? null };
        refused ||= !(await deps.budgets.reserve(runId, call, units, { stage: budgetStage(step), leaseMs: BATCH_LEASE_MS, wait: false }));
        if (refused) {
          await deps.hot.defer({ runId, accountId, step });
          continue;
        }
      }
      items.push({ customId: customIdOf(step, accountId), request });
    }
  }
  const ids: string[] = [];
  for (const group of splitItems(items)) ids.push(await deps.llm.batches.submit(group));
  return ids;
}

/** Groups items under the API's per-batch limits. */
function splitItems(items: BatchItem[]): BatchItem[][] {
  const groups: BatchItem[][] = [];
  let current: BatchItem[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = requestChars(item.request) * 2;
    if (current.length > 0 && (current.length >= MAX_ITEMS || bytes + size > MAX_BYTES)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Reads a stage's results and stores each; returns how many items need another round. */
async function collectStage(deps: Deps, runId: string, step: Step, round: number, batchIds: readonly string[]): Promise<number> {
  const cap = await deps.budgets.capOf(runId);
  let retry = 0;
  for (const batchId of batchIds) {
    let pending: Array<BatchItemResult> = [];
    const flush = async () => {
      const outcomes = await Promise.all(pending.map((r) => storeResult(deps, runId, step, round, batchId, r, cap)));
      retry += outcomes.filter((ok) => !ok).length;
      pending = [];
    };
    for await (const result of deps.llm.batches.results(batchId, { schema: STEP_DEFS[step].schema })) {
      pending.push(result);
      if (pending.length >= PARALLEL) await flush();
    }
    await flush();
  }
  return retry;
}

/** Stores one result as its step's outcome (or its failure in the ledger); false: needs another round. */
async function storeResult(deps: Deps, runId: string, step: Step, round: number, batchId: string, result: BatchItemResult, cap: BudgetLimit | null): Promise<boolean> {
  const accountId = result.customId.slice(step.length + 1);
  const key = { runId, accountId, step };
  const callId = callIdOf(runId, accountId, step, round);
  const base = { ...key, callId, callKind: 'batch_item' as const, batchId, customId: result.customId, durationMs: 0 };
  let settled = 0;
  let ok = true;
  try {
    await runStep(deps.hot, key, round + 1, async (record) => {
      if (!result.ok) {
        record({ ...base, model: deps.llm.modelFor(STEP_DEFS[step].skill), status: result.error?.kind ?? 'retryable', usage: ZERO_USAGE, costUsd: 0 });
        throw new Error(result.error?.message ?? `batch item ${result.customId} ${result.kind}`);
      }
      const rec: StepCallRecord = { ...base, model: result.message.model, status: 'ok', usage: result.usage, costUsd: result.costUsd, stopReason: result.message.stop_reason ?? undefined };
      if (cap) settled = usageUnits(cap.kind, rec.model, rec.usage, rec.costUsd);
      record(rec);
      const { context, steps } = await accountState(deps, { runId, accountId });
      const prepared = STEP_DEFS[step].prepare(deps, context, earlierFrom(steps), { cache: deps.policy.promptCache, cacheTtl: '1h' });
      if (prepared.kind === 'skip') return prepared.outcome;
      return prepared.finish(result.data, result.message.model);
    });
  } catch (error) {
    ok = false;
    deps.log.warn(`run ${runId}: ${step} of account ${accountId} (batch ${batchId}): ${messageOf(error)}`);
  } finally {
    if (cap) await deps.budgets.settle(runId, [{ callId, units: settled }]);
  }
  return ok;
}

/** After a stage's last round: accounts still lacking it (and not deferred) failed at it. */
async function failUnfinished(deps: Deps, runId: string, step: Step): Promise<void> {
  for (const accountId of await accountsFor(deps, runId, step)) {
    await markItemFailed(deps.db, runId, accountId, step, `the ${step} step did not succeed in ${MAX_ROUNDS} batch submissions (see the ledger's errors for this account)`);
  }
}

/** Finalizes every account whose steps are all stored. */
async function finalizeReady(deps: Deps, runId: string): Promise<void> {
  const rows = await deps.db.execute<{ account_id: string }>(sql`
    select r.account_id from run_items r
    where r.run_id = ${runId} and r.status = 'queued'
      and (select count(*) from step_results s where s.run_id = r.run_id and s.account_id = r.account_id) = 3`);
  const now = deps.clock();
  for (let i = 0; i < rows.length; i += PARALLEL) {
    await Promise.all(
      rows.slice(i, i + PARALLEL).map(async ({ account_id: accountId }) => {
        const { steps } = await accountState(deps, { runId, accountId });
        await deps.hot.finalize({ runId, accountId, steps, sampleRate: deps.policy.reviewSampleRate, finishedAt: now });
        deps.contexts.evict(runId, accountId);
      }),
    );
  }
}
