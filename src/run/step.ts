/**
 * Memoized steps (DESIGN.md principle 2): a step's result is written once, keyed by
 * (run, account, step). A retried or duplicated job finds it and spends nothing.
 */
import { crashPoint } from '../faults/crash-point.ts';
import { addUsage, ZERO_USAGE, type TokenUsage } from '../llm/index.ts';
import { ledgerRows } from './call-ledger.ts';
import type { StepCallRecord, StepKey } from './step-types.ts';
import type { HotPath } from './hot-path.ts';
import type { StepRow } from './hot-queries.ts';

export type { StepKey } from './step-types.ts';

/** What a step produced. `skipped` steps (e.g. a tier policy excludes drafting) spend nothing. */
export type StepOutcome = {
  status: 'succeeded' | 'skipped';
  output: unknown;
  skill?: { name: string; version: string } | undefined;
  model?: string | undefined;
};

/** Receives the record of every model call a step makes (src/run/step-calls.ts passes it on). */
export type RecordCall = (record: StepCallRecord) => void;

/**
 * Runs `produce` and stores its outcome with the ledger rows of every model call it reported to
 * `record`, in one statement. When `produce` throws, its calls are still ledgered (they cost
 * tokens). A concurrent duplicate that loses the race to store keeps its calls in the ledger as
 * real spend. Returns the row as stored by this call, or `undefined` when a duplicate won.
 */
export async function runStep(
  hot: Pick<HotPath, 'storeStep' | 'storeCalls'>,
  key: StepKey,
  attempt: number,
  produce: (record: RecordCall) => Promise<StepOutcome>,
): Promise<{ memo: boolean; row: StepRow | undefined }> {
  const records: StepCallRecord[] = [];
  let outcome: StepOutcome;
  try {
    outcome = await produce((r) => records.push(r));
  } catch (error) {
    await hot.storeCalls(ledgerRows({ skillVersion: undefined }, records, errorText(error)));
    throw error;
  }
  // Fault suite: the model answered (and was paid) but nothing of it is stored yet.
  if (records.length > 0) crashPoint('after_call');
  const usage = sumUsage(records);
  const result = {
    ...key,
    status: outcome.status,
    output: outcome.output,
    skillName: outcome.skill?.name ?? null,
    skillVersion: outcome.skill?.version ?? null,
    model: outcome.model ?? null,
    inputTokens: usage.input,
    outputTokens: usage.output,
    cacheReadTokens: usage.cacheRead,
    cacheWriteTokens: usage.cacheWrite,
    costUsd: sumCost(records),
    attempt,
  };
  const storedAt = await hot.storeStep({ result, calls: ledgerRows({ skillVersion: outcome.skill?.version }, records) });
  if (!storedAt) return { memo: true, row: undefined };
  const { step, status, output, skillName, skillVersion, model } = result;
  return { memo: false, row: { step, status, output, skillName, skillVersion, model, createdAt: storedAt } };
}

function sumUsage(records: StepCallRecord[]): TokenUsage {
  return records.reduce((sum, r) => addUsage(sum, r.usage), ZERO_USAGE);
}

function sumCost(records: StepCallRecord[]): number | null {
  let total = 0;
  for (const r of records) {
    if (r.costUsd === undefined) return null;
    total += r.costUsd;
  }
  return total;
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}
