/**
 * The job catalog: the single source of truth for every BullMQ job — its queue, payload schema
 * and retry policy (reference/style.md C1). `enqueue` and the workers are typed from it, and
 * jobs/index.ts must provide a handler for every name (a missing one fails to compile).
 */
import { z } from 'zod';
import { QUEUES, type QueueName } from '../src/queue/names.ts';

export const RunPayload = z.object({ runId: z.string().min(1) });
export type RunPayload = z.infer<typeof RunPayload>;

/** Jobs carry ids only; Postgres holds everything else (DESIGN.md principle 1). */
export const AccountStepPayload = z.object({ runId: z.string().min(1), accountId: z.uuid() });
export type AccountStepPayload = z.infer<typeof AccountStepPayload>;

/** A nightly schedule's fire: the schedule id only; the job's fire time says which night. */
export const NightlyPayload = z.object({ scheduleId: z.string().min(1) });
export type NightlyPayload = z.infer<typeof NightlyPayload>;

export type JobSpec = {
  queue: QueueName;
  payload: z.ZodType;
  /** Attempts before the job fails for good (errors that cannot succeed skip the rest). */
  attempts: number;
  /** First exponential-backoff delay. */
  backoffMs: number;
  /**
   * Added to the account's priority so later steps of an account run before earlier steps of
   * lower-priority accounts: accounts finish depth-first, in pre-score order.
   */
  priorityOffset: number;
};

export const jobCatalog = {
  run: { queue: QUEUES.run, payload: RunPayload, attempts: 3, backoffMs: 5_000, priorityOffset: 0 },
  /**
   * Produced by a book's Job Scheduler (src/schedule): starts that night's run, or attaches to it.
   * Generous retries: a fire that fails for good is a night without a run until the next fire.
   */
  nightly: { queue: QUEUES.run, payload: NightlyPayload, attempts: 5, backoffMs: 30_000, priorityOffset: 0 },
  research: { queue: QUEUES.llm, payload: AccountStepPayload, attempts: 5, backoffMs: 2_000, priorityOffset: 1 },
  prioritize: { queue: QUEUES.llm, payload: AccountStepPayload, attempts: 5, backoffMs: 2_000, priorityOffset: 0 },
  /** Drafts, then finalizes the account (memory, artifacts, review routing, done). */
  draft: { queue: QUEUES.llm, payload: AccountStepPayload, attempts: 5, backoffMs: 2_000, priorityOffset: 0 },
} as const satisfies Record<string, JobSpec>;

export type JobName = keyof typeof jobCatalog;
export type PayloadOf<N extends JobName> = z.infer<(typeof jobCatalog)[N]['payload']>;

/**
 * A run goes in two waves (the stage allocation of DESIGN.md principle 3): first research and
 * prioritization for every account, in pre-score order, as one small chain per account; then one
 * draft job per account, in tier order (A first), then pre-score. Under a budget this spends on
 * knowing every account before writing to any, and on the best tiers' drafts before the rest.
 */
export const RESEARCH_WAVE = ['research', 'prioritize'] as const satisfies readonly JobName[];

/** Priority levels per account in the research wave: one per step, so `rank * PRIORITY_STRIDE + offset` never collides. */
export const PRIORITY_STRIDE = RESEARCH_WAVE.length;
