/** Waits for a run to finish, reporting progress; the run itself is driven by workers. */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { runs } from '../../db/schema/index.ts';
import { runProgress, type RunProgress } from './progress.ts';

export type AwaitRunOptions = {
  /** How often the run's status is checked (one indexed row). @defaultValue 250 */
  pollMs?: number;
  /**
   * Receives per-stage progress at most every `progressMs`. Counting a run's steps reads every
   * step row of the run, so it is not done on every poll, and not at all without a listener.
   */
  onProgress?: (p: RunProgress) => void;
  /** @defaultValue 500 */
  progressMs?: number;
  signal?: AbortSignal;
};

const FINISHED = new Set(['completed', 'completed_with_deferrals', 'failed', 'cancelled']);

export async function awaitRun(db: DbOrTx, runId: string, options: AwaitRunOptions = {}): Promise<RunProgress> {
  const pollMs = options.pollMs ?? 250;
  const progressMs = Math.max(pollMs, options.progressMs ?? 500);
  let reported = 0;
  for (;;) {
    const [run] = await db.select({ status: runs.status }).from(runs).where(eq(runs.id, runId));
    const finished = !run || FINISHED.has(run.status);
    if (finished || options.signal?.aborted || (options.onProgress && Date.now() - reported >= progressMs)) {
      const progress = await runProgress(db, runId);
      reported = Date.now();
      options.onProgress?.(progress);
      if (finished || options.signal?.aborted) return progress;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
