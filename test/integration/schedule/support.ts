/** Helpers for the schedule tests: a named book, and what the run queue holds for a scheduler. */
import type { Job, Queue } from 'bullmq';
import { books } from '../../../db/schema/index.ts';
import type { Db } from '../../../db/client.ts';

/** Inserts an empty book (a nightly run snapshots its accounts later, in the run job). */
export async function addBook(db: Db, name: string, budget: { usd?: number } = {}): Promise<string> {
  const [book] = await db.insert(books).values({ name, budgetUsd: budget.usd ?? null }).returning({ id: books.id });
  if (!book) throw new Error(`book ${name} was not inserted`);
  return book.id;
}

/** The scheduler's jobs that have not run yet (delayed, or due and waiting for a worker). */
export async function pendingNightlyJobs(queue: Queue, scheduleId: string): Promise<Job[]> {
  const jobs = await queue.getJobs(['delayed', 'wait', 'prioritized']);
  return jobs.filter((j) => j.name === 'nightly' && j.repeatJobKey === scheduleId);
}
