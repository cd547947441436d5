/**
 * Fans a run out in its two waves (jobs/catalog.ts):
 * - the research wave: one research → prioritize chain per account, in pre-score order;
 * - the draft wave: one draft job per account whose prioritization is stored, tier A first, then
 *   pre-score. Accounts without one were deferred for budget (or failed, which is recorded already).
 * Every root is a child of the run job, added in batches. Child-failure policy is explicit on
 * every edge (queue-and-durability.md §2.2): a chain step fails its parent so the account stops
 * at the failed step; the run ignores a failed root, so one failed account never freezes the run.
 */
import type { FlowJob, Job } from 'bullmq';
import { sql } from 'drizzle-orm';
import { jobCatalog, PRIORITY_STRIDE, RESEARCH_WAVE } from '../../jobs/catalog.ts';
import type { Db } from '../../db/client.ts';
import type { Step } from '../../db/schema/index.ts';
import { stepJobId } from '../queue/names.ts';
import type { Queues } from '../queue/queues.ts';
import { DEFAULT_JOB_OPTIONS } from '../queue/queues.ts';

type FlowChildNode = NonNullable<Extract<FlowJob, { children: unknown[] }>['children']>[number];
type Parent = { id: string; queue: string };

/** Flows per `addBulk`: one atomic MULTI each, small enough not to block Redis. */
export const ENQUEUE_BATCH = 250;

/** BullMQ's highest priority value; priorities above it are clamped. */
const MAX_PRIORITY = 2_097_151;

function node(runId: string, accountId: string, name: Step, priority: number, generation: number) {
  const spec = jobCatalog[name];
  return {
    name,
    queueName: spec.queue,
    data: { runId, accountId },
    opts: {
      ...DEFAULT_JOB_OPTIONS,
      jobId: stepJobId(runId, name, accountId, generation),
      priority: Math.min(MAX_PRIORITY, priority),
      attempts: spec.attempts,
      backoff: { type: 'exponential' as const, delay: spec.backoffMs },
    },
  };
}

/** An account's research-wave chain: research is the leaf, prioritize the root (a child of the run job). */
export function accountFlow(runId: string, accountId: string, rank: number, parent: Parent, generation = 0): FlowJob {
  const at = (name: Step) => node(runId, accountId, name, rank * PRIORITY_STRIDE + jobCatalog[name].priorityOffset + 1, generation);
  const [first, ...rest] = RESEARCH_WAVE;
  const last = rest.pop() ?? first;
  const leaf = at(first);
  let child: FlowChildNode = { ...leaf, opts: { ...leaf.opts, failParentOnFailure: true } };
  for (const name of rest) {
    const n = at(name);
    child = { ...n, opts: { ...n.opts, failParentOnFailure: true }, children: [child] };
  }
  const root = at(last);
  return { ...root, opts: { ...root.opts, parent, ignoreDependencyOnFailure: true }, children: [child] };
}

/** An account's draft job, a child of the run job. */
export function draftFlow(runId: string, accountId: string, rank: number, parent: Parent, generation = 0): FlowJob {
  const n = node(runId, accountId, 'draft', rank, generation);
  return { ...n, opts: { ...n.opts, parent, ignoreDependencyOnFailure: true } };
}

function parentOf(runJob: Job): Parent {
  if (!runJob.id) throw new Error('run job has no id');
  return { id: runJob.id, queue: runJob.queueQualifiedName };
}

/**
 * Adds the research chains of every pending item, highest priority first, and marks them queued.
 * Safe to repeat: items already queued are skipped, and job ids are deterministic.
 */
export async function enqueueResearchWave(db: Db, queues: Queues, runJob: Job, runId: string, generation = 0): Promise<number> {
  const parent = parentOf(runJob);
  let queued = 0;
  for (;;) {
    const batch = await db.execute<{ account_id: string; priority: number }>(sql`
      select account_id, priority from run_items where run_id = ${runId} and status = 'pending' order by priority limit ${ENQUEUE_BATCH}`);
    if (batch.length === 0) return queued;
    await queues.flows.addBulk(batch.map((item) => accountFlow(runId, item.account_id, item.priority, parent, generation)));
    await markItems(db, runId, batch, 'pending', 'queued');
    queued += batch.length;
  }
}

export type DraftWaveResult = { queued: number; deferred: number; unfinished: number };

/**
 * Settles the research wave's leftovers, then adds a draft job for every account with a stored
 * prioritization, in tier order. An item still `queued` without one was deferred for budget when
 * the run has a cap; without a cap its flow ended without a result and it fails.
 */
export async function enqueueDraftWave(db: Db, queues: Queues, runJob: Job, runId: string, options: { generation?: number; capped: boolean }): Promise<DraftWaveResult> {
  const parent = parentOf(runJob);
  const generation = options.generation ?? 0;
  // The research wave just wrote a step row per account: without fresh statistics the planner
  // takes step_results for empty and joins it by scanning it once per run item.
  await db.execute(sql`analyze step_results`);
  const leftovers = await db.execute<{ status: string }>(sql`
    update run_items r set
      status = ${options.capped ? 'deferred_budget' : 'failed'},
      deferred_step = ${options.capped ? sql`case when exists (select 1 from step_results s where s.run_id = r.run_id and s.account_id = r.account_id and s.step = 'research') then 'prioritize' else 'research' end` : sql`null`},
      error = ${options.capped ? null : 'the research wave ended without a prioritization for this account (see the failed job)'},
      finished_at = now()
    where r.run_id = ${runId} and r.status = 'queued'
      and not exists (select 1 from step_results s where s.run_id = r.run_id and s.account_id = r.account_id and s.step = 'prioritize')
    returning r.status`);
  // One ordered read for the whole wave (a query per batch sorted every prioritization again).
  const order = await db.execute<{ account_id: string }>(sql`
    select r.account_id from run_items r
    join step_results s on s.run_id = r.run_id and s.account_id = r.account_id and s.step = 'prioritize'
    where r.run_id = ${runId} and r.status = 'queued'
    order by s.output->>'tier', r.priority`);
  // A run job restarted mid-wave continues the ranks after the drafts it already added.
  const [before] = await db.execute<{ n: number }>(sql`select count(*)::int as n from run_items where run_id = ${runId} and status = 'drafting'`);
  let queued = 0;
  for (let i = 0; i < order.length; i += ENQUEUE_BATCH) {
    const batch = order.slice(i, i + ENQUEUE_BATCH);
    // Ranks continue across batches, so the draft wave keeps tier order from its first job to its last.
    await queues.flows.addBulk(batch.map((item, j) => draftFlow(runId, item.account_id, (before?.n ?? 0) + i + j + 1, parent, generation)));
    await markItems(db, runId, batch, 'queued', 'drafting');
    queued += batch.length;
  }
  return { queued, deferred: options.capped ? leftovers.length : 0, unfinished: options.capped ? 0 : leftovers.length };
}

async function markItems(db: Db, runId: string, batch: ReadonlyArray<{ account_id: string }>, from: string, to: string): Promise<void> {
  const ids = JSON.stringify(batch.map((b) => b.account_id));
  await db.execute(sql`
    update run_items set status = ${to}, enqueued_at = now()
    where run_id = ${runId} and status = ${from}
      and account_id = any(array(select jsonb_array_elements_text(${ids}::jsonb)::uuid))`);
}
