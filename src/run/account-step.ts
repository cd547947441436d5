/**
 * The frame of every model-calling step: memo check, account context, budgeted and ledgered
 * calls, stored outcome. Jobs supply only what the step itself does.
 */
import type { Step } from '../../db/schema/index.ts';
import type { AccountContext } from '../agents/types.ts';
import { BudgetDeferral } from '../budget/errors.ts';
import type { Deps } from '../deps.ts';
import { AppError, NotFoundError } from '../errors.ts';
import { memoryViewFromJson } from '../memory/index.ts';
import type { JobRuntime } from '../queue/worker.ts';
import type { StepRow } from './hot-queries.ts';
import { stepCalls, type StepLlm } from './step-calls.ts';
import { STEP_DEFS } from './step-defs.ts';
import { runStep, type StepOutcome } from './step.ts';

export type { StepLlm } from './step-calls.ts';

export type StepInput = {
  context: AccountContext;
  llm: StepLlm;
  /** The output of an earlier step of this account; throws when it has none. */
  earlier<T>(step: Step): T;
};

export type AccountStepResult = {
  memo: boolean;
  /** The account's stored steps, this one included (unless a concurrent duplicate won or it was deferred). */
  steps: Map<Step, StepRow>;
  /** Set when the run's budget could not cover this step, or an earlier one it needs. */
  deferred?: Step | undefined;
  context: AccountContext;
};

/** An account's context (read once per run and process) and its stored steps. */
export async function accountState(deps: Deps, ids: { runId: string; accountId: string }): Promise<{ context: AccountContext; steps: Map<Step, StepRow> }> {
  const { runId, accountId } = ids;
  const cached = deps.contexts.get(runId, accountId);
  if (cached) return { context: cached, steps: await deps.hot.steps(ids) };
  // The memo check, the account and its memory come back in one round trip.
  const snapshot = await deps.hot.snapshot(ids);
  if (!snapshot.account) throw new NotFoundError('account', accountId);
  const memory = memoryViewFromJson(accountId, snapshot.memory);
  const context = { account: snapshot.account, contacts: snapshot.contacts, activities: snapshot.activities, memory, now: deps.clock() };
  deps.contexts.put(runId, accountId, context);
  return { context, steps: snapshot.steps };
}

/**
 * Runs `step` for one account unless it is stored already. `requires` are the earlier steps it
 * reads: under a budget, a missing one means that step was deferred, so this one is too.
 */
export async function accountStep(
  deps: Deps,
  ids: { runId: string; accountId: string },
  step: Step,
  runtime: JobRuntime,
  produce: (input: StepInput) => Promise<StepOutcome>,
  requires: readonly Step[] = [],
): Promise<AccountStepResult> {
  const { runId, accountId } = ids;
  const { context, steps } = await accountState(deps, ids);
  // Memo hit: a retried or duplicated job spends nothing.
  if (steps.has(step)) return { memo: true, steps, context };
  const cap = await deps.budgets.capOf(runId);
  const missing = requires.find((s) => !steps.has(s));
  if (missing && cap) return { memo: false, steps, deferred: missing, context };

  const ready = context;
  const key = { runId, accountId, step };
  // attemptsStarted counts stalled restarts too: each execution reserves its calls afresh.
  const execution = Math.max(1, runtime.job.attemptsStarted);
  let calls: ReturnType<typeof stepCalls> | undefined;
  try {
    const { memo, row } = await runStep(deps.hot, key, runtime.job.attemptsMade + 1, (record) => {
      calls = stepCalls(deps, key, execution, cap, runtime.signal, record);
      return produce({ context: ready, llm: calls.llm, earlier: <T>(s: Step) => outputOf<T>(steps.get(s), s) });
    });
    // A duplicate that stored first decided this step: read what it stored.
    if (!row) return { memo, steps: await deps.hot.steps(ids), context: ready };
    steps.set(step, row);
    return { memo, steps, context: ready };
  } catch (error) {
    if (error instanceof BudgetDeferral) return { memo: false, steps, deferred: step, context: ready };
    throw error;
  } finally {
    // After the ledger rows are final (runStep stored them, on success and on failure alike).
    await calls?.settle();
  }
}

/** `earlier` over an account's stored steps: the output of a step, or a precondition error. */
export function earlierFrom(steps: ReadonlyMap<Step, StepRow>): <T>(step: Step) => T {
  return <T>(s: Step) => outputOf<T>(steps.get(s), s);
}

function outputOf<T>(row: StepRow | undefined, step: Step): T {
  if (!row || row.status !== 'succeeded') throw new AppError('precondition_failed', `the ${step} step has no result for this account, so this step cannot run`);
  return row.output as T;
}

/**
 * Runs one of the pipeline's steps (./step-defs.ts) for an account, its model call made at once.
 * Returns what `accountStep` does.
 */
export function definedStep(deps: Deps, ids: { runId: string; accountId: string }, step: Step, runtime: JobRuntime): Promise<AccountStepResult> {
  const def = STEP_DEFS[step];
  return accountStep(
    deps,
    ids,
    step,
    runtime,
    async ({ context, llm, earlier }) => {
      const prepared = def.prepare(deps, context, earlier, { cache: deps.policy.promptCache });
      if (prepared.kind === 'skip') return prepared.outcome;
      const result = await llm.structured(prepared.request);
      return prepared.finish(result.data, result.record.model);
    },
    def.requires,
  );
}
