/**
 * The frame of every model-calling step: memo check, account context, ledgered calls, stored
 * outcome. Jobs supply only what the step itself does.
 */
import type { Step } from '../../db/schema/index.ts';
import type { AccountContext } from '../agents/types.ts';
import type { Deps } from '../deps.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { CallOptions, LlmClient } from '../llm/index.ts';
import { memoryViewFromJson } from '../memory/index.ts';
import type { JobRuntime } from '../queue/worker.ts';
import type { StepRow } from './hot-queries.ts';
import { runStep, type StepOutcome } from './step.ts';

/** The model calls a step may make: the job's abort signal and the step's ledger are attached. */
export type StepLlm = Pick<LlmClient, 'structured' | 'message'>;

export type StepInput = {
  context: AccountContext;
  llm: StepLlm;
  /** The output of an earlier step of this account; throws when it has none. */
  earlier<T>(step: Step): T;
};

export type AccountStepResult = {
  memo: boolean;
  /** The account's stored steps, this one included (unless a concurrent duplicate won). */
  steps: Map<Step, StepRow>;
};

export async function accountStep(
  deps: Deps,
  ids: { runId: string; accountId: string },
  step: Step,
  runtime: JobRuntime,
  produce: (input: StepInput) => Promise<StepOutcome>,
): Promise<AccountStepResult> {
  const { runId, accountId } = ids;
  let context = deps.contexts.get(runId, accountId);
  let steps: Map<Step, StepRow>;
  if (context) {
    steps = await deps.hot.steps(ids);
  } else {
    // The memo check, the account and its memory come back in one round trip.
    const snapshot = await deps.hot.snapshot(ids);
    if (!snapshot.account) throw new NotFoundError('account', accountId);
    steps = snapshot.steps;
    const memory = memoryViewFromJson(accountId, snapshot.memory);
    context = { account: snapshot.account, contacts: snapshot.contacts, activities: snapshot.activities, memory, now: deps.clock() };
    deps.contexts.put(runId, accountId, context);
  }
  // Memo hit: a retried or duplicated job spends nothing.
  if (steps.has(step)) return { memo: true, steps };
  const ready = context;
  const { memo, row } = await runStep(deps.hot, { runId, accountId, step }, runtime.job.attemptsMade + 1, (record) => {
    const options = (): CallOptions => ({ signal: runtime.signal, onCall: record });
    const llm: StepLlm = {
      structured: (req) => deps.llm.structured(req, options()),
      message: (req) => deps.llm.message(req, options()),
    };
    return produce({ context: ready, llm, earlier: <T>(s: Step) => outputOf<T>(steps.get(s), s) });
  });
  // A duplicate that stored first decided this step: read what it stored.
  if (!row) return { memo, steps: await deps.hot.steps(ids) };
  steps.set(step, row);
  return { memo, steps };
}

function outputOf<T>(row: StepRow | undefined, step: Step): T {
  if (!row || row.status !== 'succeeded') throw new AppError('precondition_failed', `the ${step} step has no result for this account, so this step cannot run`);
  return row.output as T;
}
