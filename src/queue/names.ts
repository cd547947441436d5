/**
 * Queue names and job ids. Two queues (queue-and-durability.md §6.2):
 * - `run`: one orchestrator job per run;
 * - `llm`: the model-calling steps (`research`, `prioritize`, `draft`) in one queue, so one
 *   global concurrency cap and one rate-limit pause cover every sub-agent. Each account's
 *   `draft` job is its flow's root, a child of the run job, and finalizes the account.
 */
import type { Step } from '../../db/schema/index.ts';

export const QUEUES = { run: 'run', llm: 'llm' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/**
 * Deterministic job id: a duplicate enqueue of the same step is a no-op while the job exists.
 * BullMQ forbids `:` and all-digit ids; run ids and uuids contain neither.
 */
export function stepJobId(runId: string, step: Step, accountId: string): string {
  return `${runId}-${step}-${accountId}`;
}

export function runJobId(runId: string): string {
  return `${runId}-run`;
}
