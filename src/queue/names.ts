/**
 * Queue names and job ids. Two queues (queue-and-durability.md §6.2):
 * - `run`: one orchestrator job per run;
 * - `llm`: the model-calling steps (`research`, `prioritize`, `draft`) in one queue, so one
 *   global concurrency cap and one rate-limit pause cover every sub-agent. Each account's
 *   research → prioritize chain, and later its `draft` job (which finalizes the account), are
 *   children of the run job.
 */
import type { Step } from '../../db/schema/index.ts';

export const QUEUES = { run: 'run', llm: 'llm' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/**
 * Deterministic job id: a duplicate enqueue of the same step is a no-op while the job exists.
 * BullMQ forbids `:` and all-digit ids; run ids and uuids contain neither. A resumed run
 * (generation ≥ 1) gets fresh ids, because the finished jobs of its earlier pass are still kept.
 */
export function stepJobId(runId: string, step: Step, accountId: string, generation = 0): string {
  return generation === 0 ? `${runId}-${step}-${accountId}` : `${runId}-g${generation}-${step}-${accountId}`;
}

export function runJobId(runId: string, generation = 0): string {
  return generation === 0 ? `${runId}-run` : `${runId}-run-g${generation}`;
}
