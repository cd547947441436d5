/**
 * The run orchestrator: snapshot the book into run_items (pre-scored, no LLM), then the two
 * waves (jobs/catalog.ts) — research and prioritization for every account in pre-score order,
 * then drafts in tier order — each added as children of this job and awaited, then the summary.
 * In batch mode the stages go to the Message Batches API instead (src/run/batch-stage.ts) and
 * this job sleeps as a delayed job between polls. Each phase is recorded in the job's data, so a
 * retried or stalled run job resumes where it stopped instead of starting over (BullMQ
 * process-step-jobs pattern). If Redis lost the job, reconcile adds it again and it starts over at
 * `snapshot`: every phase is idempotent against Postgres, a batch run's state is kept in its runs
 * row too, and before each wait the wave's missing jobs are restored (src/run/reconcile.ts).
 */
import { DelayedError, WaitingChildrenError, type Job } from 'bullmq';
import { and, eq } from 'drizzle-orm';
import { runItems, runs } from '../db/schema/index.ts';
import type { Deps } from '../src/deps.ts';
import { NotFoundError } from '../src/errors.ts';
import type { JobRuntime } from '../src/queue/worker.ts';
import { advanceBatchRun, type BatchState } from '../src/run/batch-stage.ts';
import { enqueueDraftWave, enqueueResearchWave } from '../src/run/enqueue.ts';
import { completeRun, markRunStarted } from '../src/run/lifecycle.ts';
import { restoreMissingChildren } from '../src/run/reconcile.ts';
import { snapshotRunItems } from '../src/run/snapshot.ts';
import type { RunPayload } from './catalog.ts';

type Phase = 'snapshot' | 'enqueue' | 'wait' | 'draft-enqueue' | 'draft-wait' | 'batch' | 'summarize';

export async function runJob(payload: RunPayload, { job, token }: JobRuntime, deps: Deps): Promise<{ status: string; accounts: number }> {
  const { runId } = payload;
  let phase = ((job.data as { phase?: Phase }).phase ?? 'snapshot') as Phase;
  const setPhase = async (next: Phase) => {
    await job.updateData({ ...job.data, phase: next });
    phase = next;
  };
  const [run] = await deps.db
    .select({ bookId: runs.bookId, generation: runs.generation, mode: runs.mode, status: runs.status, batchState: runs.batchState })
    .from(runs)
    .where(eq(runs.id, runId));
  if (!run) throw new NotFoundError('run', runId);
  const { generation } = run;
  if (run.status === 'cancelled') {
    // `runs cancel`: what is unfinished is marked cancelled and the summary written; nothing runs.
    const summary = await completeRun(deps.db, runId, deps.clock());
    return { status: summary.status, accounts: summary.accounts };
  }

  if (phase === 'snapshot') {
    await markRunStarted(deps.db, runId, deps.clock());
    // Opens (or, on a resume, raises) the run's budget in Redis before any call can reserve.
    const cap = await deps.budgets.capOf(runId);
    if (cap) await deps.budgets.open(runId, cap);
    // A resumed run keeps its items; only a first pass snapshots the book.
    if (generation === 0) {
      const n = await snapshotRunItems(deps.db, runId, run.bookId, deps.clock());
      deps.log.info(`run ${runId}: ${n} accounts snapshotted and pre-scored`);
    }
    if (run.mode === 'batch') {
      // Every item is in play at once: each stage goes out as one message batch.
      await deps.db.update(runItems).set({ status: 'queued', enqueuedAt: deps.clock() }).where(and(eq(runItems.runId, runId), eq(runItems.status, 'pending')));
      await job.updateData({ ...job.data, phase: 'batch', batch: undefined });
      phase = 'batch';
    } else await setPhase('enqueue');
  }
  if (phase === 'batch') {
    const state = (job.data as { batch?: BatchState }).batch ?? (run.batchState as BatchState | null) ?? undefined;
    const save = async (next: BatchState) => {
      // Postgres first: a run job Redis lost must find the batches it paid for (reconcile).
      await deps.db.update(runs).set({ batchState: next }).where(eq(runs.id, runId));
      await job.updateData({ ...job.data, phase: 'batch', batch: next });
    };
    const progress = await advanceBatchRun(deps, runId, state, save, deps.policy.batchPollMs);
    if (progress.kind === 'wait') {
      if (!token) throw new Error('run job has no lock token; cannot wait for its message batches');
      // Sleeps as a delayed job, holding no worker slot, until the next poll.
      await job.moveToDelayed(Date.now() + progress.ms, token);
      throw new DelayedError();
    }
    await setPhase('summarize');
  }
  if (phase === 'enqueue') {
    const queued = await enqueueResearchWave(deps.db, deps.queues, job, runId, generation);
    if (queued > 0) deps.log.info(`run ${runId}: research and prioritization enqueued for ${queued} accounts`);
    await setPhase('wait');
  }
  if (phase === 'wait') {
    await restoreMissingChildren(deps, runId, generation, parentOf(job));
    if (await waitForChildren(job, token)) throw new WaitingChildrenError();
    await setPhase('draft-enqueue');
  }
  if (phase === 'draft-enqueue') {
    const capped = (await deps.budgets.capOf(runId)) !== null;
    const wave = await enqueueDraftWave(deps.db, deps.queues, job, runId, { generation, capped });
    const deferred = wave.deferred > 0 ? `; ${wave.deferred} accounts deferred for budget before drafting` : '';
    deps.log.info(`run ${runId}: draft wave enqueued for ${wave.queued} accounts${deferred}`);
    await setPhase('draft-wait');
  }
  if (phase === 'draft-wait') {
    await restoreMissingChildren(deps, runId, generation, parentOf(job));
    if (await waitForChildren(job, token)) throw new WaitingChildrenError();
    await setPhase('summarize');
  }
  const summary = await completeRun(deps.db, runId, deps.clock());
  return { status: summary.status, accounts: summary.accounts };
}

function parentOf(job: Job): { id: string; queue: string } {
  if (!job.id) throw new Error('run job has no id');
  return { id: job.id, queue: job.queueQualifiedName };
}

/** Parks the run job until every child added so far has finished (or failed and been ignored). */
async function waitForChildren(job: Job, token: string | undefined): Promise<boolean> {
  if (!token) throw new Error('run job has no lock token; cannot wait for its account flows');
  return job.moveToWaitingChildren(token);
}
