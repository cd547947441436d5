/**
 * The run orchestrator: snapshot the book into run_items (pre-scored, no LLM), fan out one
 * account flow per item in priority order, wait for every flow, then write the summary.
 * Each phase is recorded in the job's data, so a retried or stalled run job resumes where it
 * stopped instead of starting over (BullMQ process-step-jobs pattern).
 */
import { WaitingChildrenError } from 'bullmq';
import { eq } from 'drizzle-orm';
import { runs } from '../db/schema/index.ts';
import type { Deps } from '../src/deps.ts';
import { NotFoundError } from '../src/errors.ts';
import type { JobRuntime } from '../src/queue/worker.ts';
import { enqueueAccountFlows } from '../src/run/enqueue.ts';
import { completeRun, markRunStarted } from '../src/run/lifecycle.ts';
import { snapshotRunItems } from '../src/run/snapshot.ts';
import type { RunPayload } from './catalog.ts';

type Phase = 'snapshot' | 'enqueue' | 'wait' | 'summarize';

export async function runJob(payload: RunPayload, { job, token }: JobRuntime, deps: Deps): Promise<{ status: string; accounts: number }> {
  const { runId } = payload;
  let phase = ((job.data as { phase?: Phase }).phase ?? 'snapshot') as Phase;
  const setPhase = async (next: Phase) => {
    await job.updateData({ ...job.data, phase: next });
    phase = next;
  };

  if (phase === 'snapshot') {
    const [run] = await deps.db.select({ bookId: runs.bookId }).from(runs).where(eq(runs.id, runId));
    if (!run) throw new NotFoundError('run', runId);
    await markRunStarted(deps.db, runId, deps.clock());
    const n = await snapshotRunItems(deps.db, runId, run.bookId, deps.clock());
    deps.log.info(`run ${runId}: ${n} accounts snapshotted and pre-scored`);
    await setPhase('enqueue');
  }
  if (phase === 'enqueue') {
    const queued = await enqueueAccountFlows(deps.db, deps.queues, job, runId);
    if (queued > 0) deps.log.info(`run ${runId}: ${queued} account flows enqueued`);
    await setPhase('wait');
  }
  if (phase === 'wait') {
    if (!token) throw new Error('run job has no lock token; cannot wait for its account flows');
    // Parks the run job until every account flow has finished (or failed and been ignored).
    if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
    await setPhase('summarize');
  }
  const summary = await completeRun(deps.db, runId, deps.clock());
  return { status: summary.status, accounts: summary.accounts };
}
