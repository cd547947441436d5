/**
 * Helpers shared by the pipeline tests: a generated book imported from a temp file, a run started
 * and awaited with a hang guard, and a wrapper around `deps.llm.structured` that records (and may
 * fail) requests at the outer edge, leaving every other call to the real client and the stand-in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job, Queue } from 'bullmq';
import { importBook, writeGeneratedBook, type ImportReport } from '../../../src/book/index.ts';
import type { Deps } from '../../../src/deps.ts';
import type { CallOptions, LlmClient, StructuredRequest, StructuredResult } from '../../../src/llm/index.ts';
import { awaitRun } from '../../../src/run/await-run.ts';
import type { RunProgress } from '../../../src/run/progress.ts';
import { startRun } from '../../../src/run/start-run.ts';
import { summarizeRun, type RunSummary } from '../../../src/run/summary.ts';

/** Writes a generated book to a temp file, imports it into `bookName` and removes the file. */
export async function importGeneratedBook(deps: Deps, options: { bookName: string; accounts: number; seed: number }): Promise<ImportReport> {
  const dir = mkdtempSync(join(tmpdir(), 'bookrun-pipeline-'));
  try {
    const written = await writeGeneratedBook({ accounts: options.accounts, seed: options.seed, out: join(dir, 'book.csv') });
    return await importBook({ db: deps.db, file: written.file, bookName: options.bookName });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type FinishedRun = { runId: string; progress: RunProgress; summary: RunSummary };

/**
 * Starts a run of `bookName` and waits until it leaves `running`. `hangAfterMs` only guards
 * against a run that never finishes (the wait returns, and the status assertion then fails),
 * it is not a speed expectation.
 */
export async function runBook(deps: Deps, bookName: string, hangAfterMs = 100_000): Promise<FinishedRun> {
  const { runId } = await startRun(deps, { bookName });
  const progress = await awaitRun(deps.db, runId, { pollMs: 100, signal: AbortSignal.timeout(hangAfterMs) });
  const summary = await summarizeRun(deps.db, runId);
  return { runId, progress, summary };
}

/** The text of a request's user messages, joined. */
export function userText(request: StructuredRequest<unknown>): string {
  return request.messages
    .filter((m) => m.role === 'user')
    .map((m) => (typeof m.content === 'string' ? m.content : m.content.map((b) => (b.type === 'text' ? b.text : '')).join('\n')))
    .join('\n');
}

/** Decides, per request, whether to throw instead of calling the model. */
export type Fault = (request: StructuredRequest<unknown>) => Error | undefined;

export type Intercepted = {
  /** Every structured request seen, in arrival order (faulted ones included). */
  requests: Array<{ skill: string | undefined; text: string; faulted: boolean }>;
  /** Replaces the fault rule; `undefined` lets every call through. */
  setFault(fault: Fault | undefined): void;
};

/**
 * Wraps `deps.llm` so that `structured` records each request and throws when the current fault
 * rule says so. Handlers read `deps.llm` at call time, so this works on running workers too.
 */
export function interceptStructured(deps: Deps): Intercepted {
  const real: LlmClient = deps.llm;
  let fault: Fault | undefined;
  const requests: Intercepted['requests'] = [];
  const structured = async <T>(request: StructuredRequest<T>, options?: CallOptions): Promise<StructuredResult<T>> => {
    const error = fault?.(request as StructuredRequest<unknown>);
    requests.push({ skill: request.skill, text: userText(request as StructuredRequest<unknown>), faulted: error !== undefined });
    if (error) throw error;
    return real.structured(request, options);
  };
  deps.llm = { ...real, structured };
  return {
    requests,
    setFault(next) {
      fault = next;
    },
  };
}

/** Polls a job until it is completed or failed (the test timeout bounds the wait); returns it re-read. */
export async function settledJob(queue: Queue, id: string, pollMs = 50): Promise<{ state: string; job: Job }> {
  for (;;) {
    const job = await queue.getJob(id);
    if (!job) throw new Error(`job ${id} is not in queue ${queue.name}`);
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') return { state, job };
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
