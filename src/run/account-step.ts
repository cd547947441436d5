/**
 * The frame of every model-calling step: memo check, account context, ledgered calls, stored
 * outcome. Jobs supply only what the step itself does.
 */
import type { Step } from '../../db/schema/index.ts';
import type { AccountContext } from '../agents/types.ts';
import type { Deps } from '../deps.ts';
import { AppError, NotFoundError } from '../errors.ts';
import { memoryViewFromJson } from '../memory/index.ts';
import type { JobRuntime } from '../queue/worker.ts';
import { loadAccountSnapshot, loadStepRows, type StepRow } from './hot-queries.ts';
import { runStep, type StepOutcome } from './step.ts';

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
  const { runId, accountId } = ids;
  const sql = deps.dbHandle.sql;
  let context = deps.contexts.get(runId, accountId);
  let steps: Map<Step, StepRow>;
  if (context) {
    steps = await loadStepRows(sql, runId, accountId);
  } else {
    // The memo check, the account and its memory come back in one round trip.
    const snapshot = await loadAccountSnapshot(sql, runId, accountId);
    if (!snapshot.account) throw new NotFoundError('account', accountId);
    steps = snapshot.steps;
    const memory = memoryViewFromJson(accountId, snapshot.memory);
    context = { account: snapshot.account, contacts: snapshot.contacts, activities: snapshot.activities, memory, now: deps.clock() };
    deps.contexts.put(runId, accountId, context);
  }
  // Memo hit: a retried or duplicated job spends nothing.
  if (steps.has(step)) return { memo: true };
  const ready = context;
  return runStep(deps, { runId, accountId, step }, runtime.job.attemptsMade + 1, () =>
    produce({ context: ready, signal: runtime.signal, earlier: <T>(s: Step) => outputOf<T>(steps.get(s), s) }),
  );
}

function outputOf<T>(row: StepRow | undefined, step: Step): T {
  if (!row || row.status !== 'succeeded') throw new AppError('precondition_failed', `the ${step} step has no result for this account, so this step cannot run`);
  return row.output as T;
}
