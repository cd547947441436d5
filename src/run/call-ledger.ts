/**
 * The LLM call ledger feed. The LLM client reports one record per SDK call to `recordCall`
 * (its `onCall`); calls made while a step runs are collected through AsyncLocalStorage and
 * written to `llm_calls` with the step's ids — including failed calls, which cost tokens too.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LlmCallRecord } from '../llm/index.ts';
import type { LedgerRow } from './hot-queries.ts';

const current = new AsyncLocalStorage<LlmCallRecord[]>();

/** Pass as the LLM client's `onCall`. Calls outside a collecting scope are not ledgered here. */
export function recordCall(record: LlmCallRecord): void {
  current.getStore()?.push(record);
}

/** Runs `fn`, collecting the records of every model call it makes. */
export async function collectCalls<T>(fn: () => Promise<T>): Promise<{ result: T; records: LlmCallRecord[] } | { error: unknown; records: LlmCallRecord[] }> {
  const records: LlmCallRecord[] = [];
  try {
    const result = await current.run(records, fn);
    return { result, records };
  } catch (error) {
    return { error, records };
  }
}

export type CallKeys = { runId: string; accountId: string; step: string; attempt: number; skillVersion: string | undefined };

/** The ledger rows of a step's calls, as stored with its result. */
export function ledgerRows(keys: CallKeys, records: LlmCallRecord[], error?: string): LedgerRow[] {
  return records.map((r, i) => ({
    id: `${keys.runId}.${keys.accountId}.${keys.step}.a${keys.attempt}.c${i + 1}`,
    run_id: keys.runId,
    account_id: keys.accountId,
    step: keys.step,
    skill_version: keys.skillVersion ?? null,
    model: r.model,
    call_kind: r.callKind,
    status: r.status,
    input_tokens: r.usage.input,
    output_tokens: r.usage.output,
    cache_read_tokens: r.usage.cacheRead,
    cache_write_tokens: r.usage.cacheWrite,
    cost_usd: r.costUsd ?? null,
    service_tier: r.usage.serviceTier,
    request_id: r.requestId ?? null,
    error: r.status === 'ok' ? null : (error ?? r.status),
    duration_ms: Math.round(r.durationMs),
  }));
}
