/**
 * Memoized steps (DESIGN.md principle 2): a step's result is written once, keyed by
 * (run, account, step). A retried or duplicated job finds it and spends nothing.
 */
import type { Step } from '../../db/schema/index.ts';
import { addUsage, ZERO_USAGE, type LlmCallRecord, type TokenUsage } from '../llm/index.ts';
import type postgres from 'postgres';
import { collectCalls, ledgerRows } from './call-ledger.ts';
import { storeCalls, storeStep } from './hot-queries.ts';

export type StepKey = { runId: string; accountId: string; step: Step };

/** What a step produced. `skipped` steps (e.g. a tier policy excludes drafting) spend nothing. */
export type StepOutcome = {
  status: 'succeeded' | 'skipped';
  output: unknown;
  skill?: { name: string; version: string } | undefined;
  model?: string | undefined;
};

/**
 * Runs `produce` and stores its outcome with the ledger rows of every model call it made, in one
 * statement. When `produce` throws, its calls are still ledgered (they cost tokens). A concurrent
 * duplicate that loses the race to store keeps its calls in the ledger as real spend.
 */
export async function runStep(
  deps: { dbHandle: { sql: postgres.Sql } },
  key: StepKey,
  attempt: number,
  produce: () => Promise<StepOutcome>,
): Promise<{ memo: boolean }> {
  const collected = await collectCalls(produce);
  if ('error' in collected) {
    await storeCalls(deps.dbHandle.sql, ledgerRows({ ...key, attempt, skillVersion: undefined }, collected.records, errorText(collected.error)));
    throw collected.error;
  }
  const outcome = collected.result;
  const usage = sumUsage(collected.records);
  const stored = await storeStep(
    deps.dbHandle.sql,
    {
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
      costUsd: sumCost(collected.records),
      attempt,
    },
    ledgerRows({ ...key, attempt, skillVersion: outcome.skill?.version }, collected.records),
  );
  return { memo: !stored };
}

function sumUsage(records: LlmCallRecord[]): TokenUsage {
  return records.reduce((sum, r) => addUsage(sum, r.usage), ZERO_USAGE);
}

function sumCost(records: LlmCallRecord[]): number | null {
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
