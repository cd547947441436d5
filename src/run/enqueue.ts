/**
 * Fans a run out: one small flow per account (draft ← prioritize ← research; draft also
 * finalizes the account), each root a child of the run job, added in pre-score order in batches. Child-failure policy is
 * explicit on every edge (queue-and-durability.md §2.2): chain steps fail their parent so the
 * account stops at the failed step; the account root is ignored by the run on failure, so one
 * failed account never freezes the run.
 */
import type { FlowJob, Job } from 'bullmq';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { ACCOUNT_CHAIN, jobCatalog, PRIORITY_STRIDE, type JobName } from '../../jobs/catalog.ts';
import type { Db } from '../../db/client.ts';
import { runItems } from '../../db/schema/index.ts';
import { stepJobId } from '../queue/names.ts';
import type { Queues } from '../queue/queues.ts';
import { DEFAULT_JOB_OPTIONS } from '../queue/queues.ts';

type FlowChildNode = NonNullable<Extract<FlowJob, { children: unknown[] }>['children']>[number];

/** Flows per `addBulk`: one atomic MULTI each, small enough not to block Redis. */
export const ENQUEUE_BATCH = 250;

/** BullMQ's highest priority value; priorities above it are clamped. */
const MAX_PRIORITY = 2_097_151;

export function accountFlow(runId: string, accountId: string, rank: number, parent: { id: string; queue: string }): FlowJob {
  const data = { runId, accountId };
  const node = (name: Exclude<JobName, 'run'>) => {
    const spec = jobCatalog[name];
    return {
      name,
      queueName: spec.queue,
      data,
      opts: {
        ...DEFAULT_JOB_OPTIONS,
        jobId: stepJobId(runId, name, accountId),
        priority: Math.min(MAX_PRIORITY, rank * PRIORITY_STRIDE + spec.priorityOffset + 1),
        attempts: spec.attempts,
        backoff: { type: 'exponential', delay: spec.backoffMs },
      },
    };
  };
  // Build from the first step up: research is the leaf, the last step the root.
  const [first, ...rest] = ACCOUNT_CHAIN;
  const last = rest.pop() ?? first;
  const leaf = node(first);
  let child: FlowChildNode = { ...leaf, opts: { ...leaf.opts, failParentOnFailure: true } };
  for (const name of rest) {
    const n = node(name);
    child = { ...n, opts: { ...n.opts, failParentOnFailure: true }, children: [child] };
  }
  const root = node(last);
  return { ...root, opts: { ...root.opts, parent, ignoreDependencyOnFailure: true }, children: [child] };
}

/**
 * Adds the flows of every pending item, highest priority first, and marks them queued. Safe to
 * repeat: items already queued are skipped, and job ids are deterministic.
 */
export async function enqueueAccountFlows(db: Db, queues: Queues, runJob: Job, runId: string, onBatch?: (queued: number) => void): Promise<number> {
  if (!runJob.id) throw new Error('run job has no id');
  const parent = { id: runJob.id, queue: runJob.queueQualifiedName };
  let queued = 0;
  for (;;) {
    const batch = await db
      .select({ accountId: runItems.accountId, priority: runItems.priority })
      .from(runItems)
      .where(and(eq(runItems.runId, runId), eq(runItems.status, 'pending')))
      .orderBy(asc(runItems.priority))
      .limit(ENQUEUE_BATCH);
    if (batch.length === 0) return queued;
    await queues.flows.addBulk(batch.map((item) => accountFlow(runId, item.accountId, item.priority, parent)));
    await db
      .update(runItems)
      .set({ status: 'queued', enqueuedAt: new Date() })
      .where(and(eq(runItems.runId, runId), inArray(runItems.accountId, batch.map((b) => b.accountId)), eq(runItems.status, 'pending')));
    queued += batch.length;
    onBatch?.(queued);
  }
}
