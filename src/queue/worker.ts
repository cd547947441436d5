/**
 * Workers: parse the payload with the catalog schema, pass BullMQ's AbortSignal on, and map
 * errors to job control — the only place that does (reference/style.md C5):
 * - 429 → a fleet-wide pause of the queue (`queue.rateLimit`) without using an attempt;
 * - the provider's limits busy for a while (`ProviderBusy`) → the job is delayed, no attempt used;
 * - invalid model output → one more attempt, then give up (a real model may answer better once);
 * - other permanent errors (bad request, missing rows, bad payload) → `UnrecoverableError`;
 * - everything else (5xx, network, timeouts) → rethrown so exponential backoff applies.
 * When a job fails for good, `onFinalFailure` records why before BullMQ moves it to failed.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ZodError } from 'zod';
import { jobCatalog, type JobName } from '../../jobs/catalog.ts';
import { AgentInputError, AgentOutputError } from '../agents/errors.ts';
import { ProviderBusy } from '../budget/errors.ts';
import { AppError, messageOf } from '../errors.ts';
import { crashPoint } from '../faults/crash-point.ts';
import { LlmError } from '../llm/errors.ts';
import { QUEUES, type QueueName } from './names.ts';
import type { Queues } from './queues.ts';

export type JobRuntime = { job: Job; token: string | undefined; signal: AbortSignal | undefined };

export type JobHandler = (payload: unknown, runtime: JobRuntime) => Promise<unknown>;

/**
 * Whether a job may run now: `run`; `hold` — its run is paused, so it waits as a delayed job
 * without using an attempt; `drop` — its run was cancelled, so it completes without doing anything.
 */
export type GateDecision = { kind: 'run' } | { kind: 'hold'; delayMs: number } | { kind: 'drop'; reason: string };
export type JobGate = (job: Job, name: JobName) => Promise<GateDecision>;

export type WorkerSettings = {
  connection: Redis;
  queues: Queues;
  handlers: Record<JobName, JobHandler>;
  concurrency: Record<QueueName, number>;
  /** Lock and stalled-check timings (config BOOKRUN_LOCK_MS / BOOKRUN_STALLED_MS). */
  durability: { lockMs: number; stalledMs: number };
  /** Consulted before every job (src/run/run-gate.ts); none: every job runs. */
  gate?: JobGate;
  onFinalFailure: (job: Job, name: JobName, error: unknown) => Promise<void>;
  onError: (error: Error) => void;
};

/** What a failure means for the job. */
export type FailureAction =
  | { kind: 'rate_limit'; retryAfterMs: number }
  /** Not a failure: the job waits `delayMs` as a delayed job (the provider's limits are busy). */
  | { kind: 'delay'; delayMs: number }
  | { kind: 'give_up'; message: string }
  | { kind: 'retry' };

/** Decides what to do with an error thrown by attempt number `attempt` (1-based). */
export function failureAction(error: unknown, attempt: number): FailureAction {
  if (error instanceof ProviderBusy) return { kind: 'delay', delayMs: error.delayMs };
  if (error instanceof LlmError) {
    switch (error.kind) {
      case 'rate_limited':
        return { kind: 'rate_limit', retryAfterMs: error.retryAfterMs ?? 1_000 };
      case 'retryable':
      case 'aborted':
        return { kind: 'retry' };
      case 'invalid_output':
        return attempt >= 2 ? { kind: 'give_up', message: error.message } : { kind: 'retry' };
      case 'spend_cap':
      case 'unrecoverable':
        return { kind: 'give_up', message: error.message };
    }
  }
  if (error instanceof AgentOutputError) return attempt >= 2 ? { kind: 'give_up', message: error.message } : { kind: 'retry' };
  // Raised before any call when the input cannot make a request: the same input fails again.
  if (error instanceof AgentInputError) return { kind: 'give_up', message: error.message };
  if (error instanceof AppError) {
    if (error.code === 'invalid_output') return attempt >= 2 ? { kind: 'give_up', message: error.message } : { kind: 'retry' };
    return { kind: 'give_up', message: error.message };
  }
  if (error instanceof ZodError) return { kind: 'give_up', message: `invalid payload: ${error.message}` };
  return { kind: 'retry' };
}

/**
 * Starts of one model-calling job at most. A 429 pause or a wait for rate-limit capacity starts a
 * job again without using an attempt, so this is well above what a long saturated night needs.
 */
const MAX_STARTS = 100;

export function createWorkers(settings: WorkerSettings): Worker[] {
  const byQueue = new Map<QueueName, JobName[]>();
  for (const [name, spec] of Object.entries(jobCatalog) as Array<[JobName, (typeof jobCatalog)[JobName]]>) {
    byQueue.set(spec.queue, [...(byQueue.get(spec.queue) ?? []), name]);
  }
  const workers: Worker[] = [];
  for (const queueName of byQueue.keys()) {
    const worker = new Worker(queueName, (job, token, signal) => processJob(settings, job, token, signal), {
      connection: settings.connection,
      prefix: settings.queues.prefix,
      concurrency: settings.concurrency[queueName],
      // Long model calls must not look stalled during a Redis failover or a GC pause.
      lockDuration: settings.durability.lockMs,
      stalledInterval: settings.durability.stalledMs,
      maxStalledCount: 2,
      // Caps re-spends when stalls keep restarting a model call. Not on the run queue: a batch-mode
      // run job starts again at every poll of its batches (one a minute for up to a day).
      ...(queueName === QUEUES.llm ? { maxStartedAttempts: MAX_STARTS } : {}),
    });
    worker.on('error', settings.onError);
    // BullMQ fails a job itself when it stalled or started too often; the processor never sees
    // that, so the run would not learn why the account (or the run) stopped.
    worker.on('failed', (job, error) => {
      if (!job || !/more than allowable limit/.test(error.message)) return;
      const name = job.name as JobName;
      if (jobCatalog[name]) void settings.onFinalFailure(job, name, error).catch((e: unknown) => settings.onError(e instanceof Error ? e : new Error(String(e))));
    });
    workers.push(worker);
  }
  return workers;
}

async function processJob(settings: WorkerSettings, job: Job, token: string | undefined, signal: AbortSignal | undefined): Promise<unknown> {
  const name = job.name as JobName;
  const spec = jobCatalog[name];
  const handler = settings.handlers[name];
  if (!spec || !handler) throw new UnrecoverableError(`unknown job "${job.name}" on queue ${job.queueName}`);
  try {
    const payload = spec.payload.parse(job.data);
    const gate = settings.gate ? await settings.gate(job, name) : ({ kind: 'run' } as const);
    if (gate.kind === 'drop') return { dropped: gate.reason };
    if (gate.kind === 'hold' && token) {
      await job.moveToDelayed(Date.now() + gate.delayMs, token);
      throw new DelayedError();
    }
    const result = await handler(payload, { job, token, signal });
    // Fault suite: the job's work is committed to Postgres but BullMQ has not heard of it.
    crashPoint('after_write');
    return result;
  } catch (error) {
    // Job-control signals thrown by handlers (waiting for children) pass through untouched.
    if (error instanceof Error && ['WaitingChildrenError', 'DelayedError', 'RateLimitError', 'WaitingError'].includes(error.name)) throw error;
    if (signal?.aborted && token) {
      // Shutdown aborted the job's model call (src/run/workers.ts): hand it back to the queue at
      // once, without using an attempt, for another worker to pick up; its steps are memoized.
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    const attempt = job.attemptsMade + 1;
    const action = failureAction(error, attempt);
    if (action.kind === 'rate_limit') {
      await settings.queues.byName(spec.queue).rateLimit(action.retryAfterMs);
      throw Worker.RateLimitError();
    }
    if (action.kind === 'delay' && token) {
      // Waits without holding a worker slot and without using an attempt.
      await job.moveToDelayed(Date.now() + Math.ceil(action.delayMs), token);
      throw new DelayedError();
    }
    const final = action.kind === 'give_up' || attempt >= (job.opts.attempts ?? spec.attempts);
    if (final) await settings.onFinalFailure(job, name, error);
    if (action.kind === 'give_up') throw new UnrecoverableError(action.message);
    throw error instanceof Error ? error : new Error(messageOf(error));
  }
}
