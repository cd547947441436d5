/**
 * The per-process front of ./hot-queries.ts: every read and write a run step makes goes through a
 * group-committing batcher, so the jobs of one event-loop turn share a statement. Built once per
 * process (src/deps.ts) over its Postgres handle.
 */
import type { DbHandle } from '../../db/client.ts';
import type { Step } from '../../db/schema/index.ts';
import { createBatcher } from './batcher.ts';
import { createFinalizer, type FinalizeInput, type FinalizeResult } from './finalize.ts';
import {
  deferItems,
  loadAccountSnapshots,
  loadStepRowsMany,
  storeCalls,
  storeSteps,
  type AccountSnapshotRows,
  type DeferEntry,
  type LedgerRow,
  type StepKeyRef,
  type StepRow,
  type StoreStepEntry,
} from './hot-queries.ts';

export type HotPath = {
  /** The account, its contacts, activities, live memory and stored steps (a step's first read). */
  snapshot(key: StepKeyRef): Promise<AccountSnapshotRows>;
  /** The stored steps of one account in a run. */
  steps(key: StepKeyRef): Promise<Map<Step, StepRow>>;
  /** Stores a step's result with its ledger rows; when, or `undefined` when a duplicate stored it first. */
  storeStep(entry: StoreStepEntry): Promise<Date | undefined>;
  /** Ledger rows alone (a failed step's calls). Rare, so not batched. */
  storeCalls(calls: LedgerRow[]): Promise<void>;
  /** Memory, artifacts, review routing and `done`, in one transaction shared with the turn's other accounts. */
  finalize(input: FinalizeInput): Promise<FinalizeResult>;
  /** Marks an account deferred for budget (it is not finalized; a resume finishes it). */
  defer(entry: DeferEntry): Promise<void>;
};

/** Statements stay small enough to plan and parse quickly. */
const MAX_BATCH = 64;
/**
 * One statement of each kind in flight per process: what arrives meanwhile waits for the next,
 * so batches grow with load (measured at 4,000 accounts: ~12% less worker and Postgres CPU than
 * two in flight, for a statement's latency more per step).
 */
const IN_FLIGHT = 1;

export function createHotPath(handle: Pick<DbHandle, 'db' | 'sql'>): HotPath {
  const { sql, db } = handle;
  const stepKey = (k: StepKeyRef) => `${k.runId}/${k.accountId}`;
  return {
    snapshot: createBatcher((keys: StepKeyRef[]) => loadAccountSnapshots(sql, keys), { maxBatch: MAX_BATCH, maxInFlight: IN_FLIGHT }),
    steps: createBatcher((keys: StepKeyRef[]) => loadStepRowsMany(sql, keys), { maxBatch: MAX_BATCH, maxInFlight: IN_FLIGHT }),
    storeStep: createBatcher((entries: StoreStepEntry[]) => storeSteps(sql, entries), {
      maxBatch: MAX_BATCH,
      maxInFlight: IN_FLIGHT,
      keyOf: (e) => `${stepKey(e.result)}/${e.result.step}`,
    }),
    storeCalls: (calls) => storeCalls(sql, calls),
    finalize: createFinalizer(db),
    defer: createBatcher((entries: DeferEntry[]) => deferItems(sql, entries), { maxBatch: MAX_BATCH, maxInFlight: IN_FLIGHT }),
  };
}
