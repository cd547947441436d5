/**
 * The model calls of one step execution. Each call gets an id that names this execution
 * (`…a<attemptsStarted>.c<n>`), so a retried or stalled job reserves afresh while a repeated
 * reserve of the same call is idempotent. Under a budget every call is reserved first (an upper
 * bound of what it can cost, recorded as a `started` ledger row) and settled with its real cost
 * once its ledger row is final; a call the budget cannot cover throws `BudgetDeferral`.
 */
import type { Budgets } from '../budget/budgets.ts';
import { BudgetDeferral } from '../budget/errors.ts';
import { requestChars } from '../budget/input-estimator.ts';
import { budgetStage } from '../budget/run-budget.ts';
import { estimateUnits, unitsToUsd, usageUnits, type BudgetLimit } from '../budget/units.ts';
import type { Logger } from '../deps.ts';
import { crashPoint } from '../faults/crash-point.ts';
import { totalInput, ZERO_USAGE, type CallOptions, type LlmCallRecord, type LlmClient, type MessageRequest } from '../llm/index.ts';
import type { Provider } from './provider-gate.ts';
import type { StepCallRecord, StepKey } from './step-types.ts';

export type { StepCallRecord } from './step-types.ts';

export type StepLlm = Pick<LlmClient, 'structured' | 'message'>;

export type StepCalls = {
  llm: StepLlm;
  /** Settles every reserved call; call once the step's ledger rows are stored (or failed to store). */
  settle(): Promise<void>;
};

export type StepCallsDeps = { llm: LlmClient; budgets: Budgets; log: Logger; provider: Provider };

export function stepCalls(
  deps: StepCallsDeps,
  key: StepKey,
  execution: number,
  cap: BudgetLimit | null,
  signal: AbortSignal | undefined,
  record: (r: StepCallRecord) => void,
): StepCalls {
  let n = 0;
  /** Reserved calls by id, with what each cost once it is known. */
  const reserved = new Map<string, { settled: number | undefined }>();

  async function gated<R>(req: MessageRequest, send: (options: CallOptions) => Promise<R>): Promise<R> {
    const callId = `${key.runId}.${key.accountId}.${key.step}.a${execution}.c${++n}`;
    const model = req.model ?? deps.llm.modelFor(req.skill ?? '');
    const skill = req.skill ?? 'default';
    const chars = requestChars(req);
    const inputTokens = deps.budgets.estimator.estimate(skill, chars);
    // Output is taken up front at a quarter of max_tokens (about what steps write) and settled after.
    const ticket = await deps.provider.acquire(model, { inputTokens, outputTokens: Math.ceil(req.maxTokens / 4) }, signal);
    let last: LlmCallRecord | undefined;
    let failure: unknown;
    try {
      let entry: { settled: number | undefined } | undefined;
      let units = 0;
      if (cap) {
        units = estimateUnits(cap.kind, model, { inputTokens, maxTokens: req.maxTokens });
        const started = { id: callId, runId: key.runId, accountId: key.accountId, step: key.step, model, estTokens: inputTokens + req.maxTokens, estCostUsd: unitsToUsd(cap.kind, units) ?? null };
        if (!(await deps.budgets.reserve(key.runId, started, units, { signal, stage: budgetStage(key.step) }))) throw new BudgetDeferral(key.step, cap);
        entry = { settled: undefined };
        reserved.set(callId, entry);
      }
      // Fault suite: reserved (and ledgered as `started` under a cap), but nothing sent yet.
      crashPoint('before_call');
      try {
        return await send({
          signal,
          onCall: (r) => {
            last = r;
            if (cap && entry) {
              entry.settled = usageUnits(cap.kind, r.model, r.usage, r.costUsd);
              deps.budgets.estimator.observeCost(skill, units, entry.settled);
            }
            if (deps.budgets.estimator.observe(skill, chars, inputTokens, totalInput(r.usage)) && cap)
              deps.log.warn(`budget: call ${callId} read ${totalInput(r.usage)} input tokens, over its estimate of ${inputTokens}`);
            record({ ...r, ...key, callId });
          },
        });
      } finally {
        if (entry && entry.settled === undefined) {
          // The client threw before a request went out (no record): the call cost nothing, and its
          // `started` row must not stay open, or a rebuild would charge its estimate.
          entry.settled = 0;
          record({ ...key, callId, callKind: 'message', model, status: 'unrecoverable', usage: ZERO_USAGE, costUsd: 0, durationMs: 0 });
        }
      }
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      await ticket.finish(last, failure);
    }
  }

  return {
    llm: {
      structured: (req) => gated(req, (options) => deps.llm.structured(req, options)),
      message: (req) => gated(req, (options) => deps.llm.message(req, options)),
    },
    async settle() {
      if (reserved.size === 0) return;
      const calls = [...reserved].map(([callId, e]) => ({ callId, units: e.settled ?? 0 }));
      reserved.clear();
      await deps.budgets.settle(key.runId, calls);
    },
  };
}
