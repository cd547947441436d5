/** Waits for a run to finish, reporting progress; the run itself is driven by workers. */
import type { DbOrTx } from '../../db/client.ts';
import { runProgress, type RunProgress } from './progress.ts';

export type AwaitRunOptions = {
  pollMs?: number;
  onProgress?: (p: RunProgress) => void;
  signal?: AbortSignal;
};

export async function awaitRun(db: DbOrTx, runId: string, options: AwaitRunOptions = {}): Promise<RunProgress> {
  const pollMs = options.pollMs ?? 250;
  for (;;) {
    const progress = await runProgress(db, runId);
    options.onProgress?.(progress);
    if (progress.status === 'completed' || progress.status === 'failed' || progress.status === 'cancelled') return progress;
    if (options.signal?.aborted) return progress;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
