/**
 * The frame of every model-calling step: memo check, account context, ledgered calls, stored
 * outcome. Jobs supply only what the step itself does.
 */
import type { Step } from '../../db/schema/index.ts';
import type { AccountContext } from '../agents/types.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import type { JobRuntime } from '../queue/worker.ts';
import { loadAccountContext } from './account-context.ts';
import { loadSteps, runStep, type StepOutcome, type StoredStep } from './step.ts';

export type StepInput = {
  context: AccountContext;
  signal: AbortSignal | undefined;
  /** The output of an earlier step of this account; throws when it has none. */
  earlier<T>(step: Step): T;
};

export async function accountStep(
  deps: Deps,
  ids: { runId: string; accountId: string },
  step: Step,
  runtime: JobRuntime,
  produce: (input: StepInput) => Promise<StepOutcome>,
): Promise<{ memo: boolean }> {
  const steps = await loadSteps(deps.db, ids.runId, ids.accountId);
  // Memo hit: a retried or duplicated job spends nothing.
  if (steps.has(step)) return { memo: true };
  const context = await deps.contexts.get(ids.runId, ids.accountId, () => loadAccountContext(deps.db, ids.accountId, deps.clock()));
  const key = { runId: ids.runId, accountId: ids.accountId, step };
  return runStep(deps.db, key, runtime.job.attemptsMade + 1, () =>
    produce({ context, signal: runtime.signal, earlier: <T>(s: Step) => outputOf<T>(steps.get(s), s) }),
  );
}

function outputOf<T>(row: StoredStep | undefined, step: Step): T {
  if (!row || row.status !== 'succeeded') throw new AppError('precondition_failed', `the ${step} step has no result for this account, so this step cannot run`);
  return row.output as T;
}
