/**
 * Pause and cancel, enforced where work starts: before a worker runs a job of a run, it asks the
 * run's status in Postgres (cached for a moment, so a 4,000-account wave costs a query a second,
 * not one per job). A paused run's jobs wait as delayed jobs and look again later — after 5 s at
 * first, up to a minute as the pause goes on, so a long pause costs the fleet little (`runs
 * resume` promotes them at once); a cancelled run's model jobs complete without work, so the run
 * job wakes, and records the run as cancelled.
 */
import type { Job } from 'bullmq';
import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { runs } from '../../db/schema/index.ts';
import type { GateDecision, JobGate } from '../queue/worker.ts';

/** How long a status read serves other jobs of the same run. */
const STATUS_TTL_MS = 1_000;
/** How long a paused run's job waits before it looks again: at first, and at most. */
export const PAUSED_RECHECK_MS = 5_000;
export const PAUSED_RECHECK_MAX_MS = 60_000;

type Cached = { status: string | undefined; at: number };

export function createRunGate(db: DbOrTx, now: () => number = Date.now): JobGate {
  const cache = new Map<string, Cached>();
  const pending = new Map<string, Promise<string | undefined>>();
  /** When this process first saw each run paused (forgotten once it is not). */
  const pausedSince = new Map<string, number>();

  async function statusOf(runId: string): Promise<string | undefined> {
    const hit = cache.get(runId);
    if (hit && now() - hit.at < STATUS_TTL_MS) return hit.status;
    // Jobs of one run arriving together share one read.
    let read = pending.get(runId);
    if (!read) {
      read = db
        .select({ id: runs.id, status: runs.status })
        .from(runs)
        .where(inArray(runs.id, [runId]))
        .then((rows) => rows[0]?.status)
        .finally(() => pending.delete(runId));
      pending.set(runId, read);
    }
    const status = await read;
    cache.set(runId, { status, at: now() });
    if (cache.size > 1_000) cache.clear();
    return status;
  }

  return async (job: Job, name): Promise<GateDecision> => {
    const runId = (job.data as { runId?: unknown }).runId;
    if (typeof runId !== 'string') return { kind: 'run' };
    const status = await statusOf(runId);
    if (status === 'paused') {
      const since = pausedSince.get(runId) ?? now();
      pausedSince.set(runId, since);
      return { kind: 'hold', delayMs: Math.min(PAUSED_RECHECK_MAX_MS, Math.max(PAUSED_RECHECK_MS, now() - since)) };
    }
    pausedSince.delete(runId);
    // The run job itself goes on: it is what records a cancelled run as finished.
    if (status === 'cancelled' && name !== 'run') return { kind: 'drop', reason: `run ${runId} was cancelled` };
    return { kind: 'run' };
  };
}
