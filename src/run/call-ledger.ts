/**
 * The LLM call ledger rows of a step. A step's model calls reach its collector through the
 * per-call `onCall` option (no ambient state: AsyncLocalStorage made every promise of the
 * process pay for async hooks), and are written to `llm_calls` with the step's ids — including
 * failed calls, which cost tokens too. Under a budget the row already exists as `started`
 * (src/budget/ledger.ts); this write makes it final.
 */
import type { LedgerRow } from './hot-queries.ts';
import type { StepCallRecord } from './step-types.ts';

/** The ledger rows of a step's calls, as stored with its result. */
export function ledgerRows(keys: { skillVersion: string | undefined }, records: StepCallRecord[], error?: string): LedgerRow[] {
  return records.map((r) => {
    return {
      id: r.callId,
      run_id: r.runId,
      account_id: r.accountId,
      step: r.step,
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
    };
  });
}
