/**
 * Queue names and job ids. Three queues (queue-and-durability.md §6.2):
 * - `run`: one orchestrator job per run;
 * - `account`: one `finalize` root per account, child of the run job;
 * - `llm`: the model-calling steps (`research`, `prioritize`, `draft`) in one queue, so one
 *   global concurrency cap and one rate-limit pause cover every sub-agent.
 */
import type { Step } from '../../db/schema/index.ts';

export const QUEUES = { run: 'run', account: 'account', llm: 'llm' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/**
 * Deterministic job id: a duplicate enqueue of the same step is a no-op while the job exists.
 * BullMQ forbids `:` and all-digit ids; run ids and uuids contain neither.
 */
export function stepJobId(runId: string, step: Step | 'finalize', accountId: string): string {
  return `${runId}-${step}-${accountId}`;
}

export function runJobId(runId: string): string {
  return `${runId}-run`;
}
