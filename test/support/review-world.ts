/**
 * A morning's review queue made by the real pipeline: a generated book imported and run through
 * the stand-in, so the web app shows real briefs, tiers, drafts and memory. Used by the browser
 * tests and the screenshot script.
 */
import { sql } from 'drizzle-orm';
import { importGeneratedBook, runBook } from '../integration/pipeline/support.ts';
import type { Deps } from '../../src/deps.ts';
import { startWorkers } from '../../src/run/workers.ts';
import { createPipelineEnv, type PipelineEnv } from './pipeline.ts';

export type ReviewWorld = {
  env: PipelineEnv;
  deps: Deps;
  runId: string;
  /** The rep with the most pending drafted items. */
  rep: { id: string; email: string; name: string; pending: number };
  /** Another rep who owns items too (for IDOR checks). */
  otherRep: { id: string; email: string };
  cleanup(): Promise<void>;
};

export async function createReviewWorld(options: { accounts?: number; seed?: number; book?: string } = {}): Promise<ReviewWorld> {
  const env = await createPipelineEnv();
  try {
    const deps = await env.deps();
    const book = options.book ?? 'east';
    await importGeneratedBook(deps, { bookName: book, accounts: options.accounts ?? 80, seed: options.seed ?? 11 });
    const workers = startWorkers(deps, 16);
    let runId: string;
    try {
      ({ runId } = await runBook(deps, book));
    } finally {
      await workers.close();
    }
    const owners = await deps.db.execute<{ id: string; email: string; name: string; pending: number }>(sql`
      select r.id, r.email, r.name, count(*)::int as pending from review_items i join reps r on r.id = i.owner_rep_id
      where i.run_id = ${runId} and i.status = 'pending' and i.reason = 'drafted'
      group by r.id order by pending desc, r.email`);
    const [rep, other] = owners;
    if (!rep || !other) throw new Error(`the run left fewer than two reps with drafted items (${owners.length})`);
    return { env, deps, runId, rep, otherRep: { id: other.id, email: other.email }, cleanup: () => env.cleanup() };
  } catch (error) {
    await env.cleanup();
    throw error;
  }
}
