/**
 * Memoized steps (DESIGN.md principle 2): a step's result is written once, keyed by
 * (run, account, step). A retried or duplicated job finds it and spends nothing.
 */
import { and, eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.ts';
import { stepResults, type Step } from '../../db/schema/index.ts';
import { addUsage, ZERO_USAGE, type LlmCallRecord, type TokenUsage } from '../llm/index.ts';
import { collectCalls, writeCalls } from './call-ledger.ts';

export type StepKey = { runId: string; accountId: string; step: Step };

export type StoredStep = typeof stepResults.$inferSelect;

/** Every stored step of one account in a run, in one query. */
export async function loadSteps(db: DbOrTx, runId: string, accountId: string): Promise<Map<Step, StoredStep>> {
  const rows = await db
    .select()
    .from(stepResults)
    .where(and(eq(stepResults.runId, runId), eq(stepResults.accountId, accountId)));
  return new Map(rows.map((r) => [r.step, r]));
}

export async function findStep(db: DbOrTx, key: StepKey): Promise<StoredStep | undefined> {
  const [row] = await db
    .select()
    .from(stepResults)
    .where(and(eq(stepResults.runId, key.runId), eq(stepResults.accountId, key.accountId), eq(stepResults.step, key.step)))
    .limit(1);
  return row;
}

/** What a step produced. `skipped` steps (e.g. a tier policy excludes drafting) spend nothing. */
export type StepOutcome = {
  status: 'succeeded' | 'skipped';
  output: unknown;
  skill?: { name: string; version: string } | undefined;
  model?: string | undefined;
};

/**
 * Runs `produce` and stores its outcome, ledgering every model call it made (also when it
 * throws). The ledger is written before the result: a crash between the two re-runs the step
 * with its spend already on record, never the other way round. A concurrent duplicate that
 * loses the race to store gets the winner's row; its own calls stay in the ledger as real spend.
 */
export async function runStep(db: Db, key: StepKey, attempt: number, produce: () => Promise<StepOutcome>): Promise<{ memo: boolean }> {
  const collected = await collectCalls(produce);
  if ('error' in collected) {
    await writeCalls(db, { ...key, attempt, skillVersion: undefined }, collected.records, errorText(collected.error));
    throw collected.error;
  }
  const outcome = collected.result;
  await writeCalls(db, { ...key, attempt, skillVersion: outcome.skill?.version }, collected.records);
  const usage = sumUsage(collected.records);
  const inserted = await db
    .insert(stepResults)
    .values({
      ...key,
      status: outcome.status,
      output: outcome.output,
      skillName: outcome.skill?.name,
      skillVersion: outcome.skill?.version,
      model: outcome.model,
      inputTokens: usage.input,
      outputTokens: usage.output,
      cacheReadTokens: usage.cacheRead,
      cacheWriteTokens: usage.cacheWrite,
      costUsd: sumCost(collected.records),
      attempt,
    })
    .onConflictDoNothing()
    .returning({ step: stepResults.step });
  return { memo: inserted.length === 0 };
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
