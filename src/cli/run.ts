/**
 * `bookrun run --book NAME` — start a run and, unless `--detach`, drive it with in-process
 * workers, showing live progress per stage and a final summary.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig, type Config } from '../config.ts';
import { createDeps, type Deps } from '../deps.ts';
import { awaitRun } from '../run/await-run.ts';
import { startRun } from '../run/start-run.ts';
import { summarizeRun, type RunSummary } from '../run/summary.ts';
import { startWorkers } from '../run/workers.ts';
import type { CliContext } from './context.ts';
import { progressBars } from './progress-bars.ts';
import { formatRunSummary } from './run-summary.ts';

export type RunFlags = { book: string; json?: boolean; detach?: boolean; concurrency?: number };

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1');
  return n;
}

export function configureRunCommand(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .summary('run a book through research, prioritization and drafting')
    .description(
      [
        'Snapshots the book, pre-scores every account without the LLM, and runs research → prioritization →',
        'drafting for each account in priority order (drafts only for the tiers BOOKRUN_DRAFT_TIERS allows,',
        'default A,B). Results land in the review queue of each account\'s owner rep.',
        '',
        'Workers run in this process and a progress bar per stage is shown on stderr; with --detach the run',
        'is only enqueued, for `bookrun worker` processes to execute.',
      ].join('\n'),
    )
    .requiredOption('--book <name>', 'the book to run (see: bookrun book import)')
    .option('--concurrency <n>', 'concurrent model calls in this process (default BOOKRUN_CONCURRENCY, 48)', positiveInt)
    .option('--detach', 'enqueue the run and return; workers elsewhere execute it')
    .option('--json', 'print one JSON object on stdout (the run summary; {runId} with --detach)')
    .action(async (flags: RunFlags) => {
      const config = loadConfig();
      const summary = await executeRun(config, ctx, flags);
      if (!summary) return;
      if (flags.json) ctx.stdout(JSON.stringify(summary));
      else for (const line of formatRunSummary(summary)) ctx.stdout(line);
      if (summary.status === 'running' || summary.status === 'pending')
        throw new Error(`run ${summary.runId} was interrupted and is still ${summary.status}; it continues when a worker runs (bookrun worker)`);
      if (summary.status !== 'completed') throw new Error(`run ${summary.runId} ended ${summary.status}`);
    });
}

/** Starts and (unless detached) drives a run; shared by `run` and `demo`. */
export async function executeRun(config: Config, ctx: CliContext, flags: RunFlags, deps?: Deps): Promise<RunSummary | undefined> {
  const owned = !deps;
  const d = deps ?? (await createDeps(config, { log: { info: ctx.stderr, warn: ctx.stderr } }));
  try {
    const { runId } = await startRun(d, { bookName: flags.book });
    ctx.stderr(`run ${runId} started for book "${flags.book}"`);
    if (flags.detach) {
      if (flags.json) ctx.stdout(JSON.stringify({ runId }));
      else ctx.stdout(`run ${runId} enqueued; start workers with: bookrun worker`);
      return undefined;
    }
    const workers = startWorkers(d, flags.concurrency ?? config.concurrency);
    const interrupted = new AbortController();
    void ctx.untilSignal().then(() => {
      ctx.stderr(`interrupted: stopping workers; run ${runId} resumes when any worker runs (bookrun worker)`);
      interrupted.abort();
    });
    const bars = progressBars(ctx);
    try {
      const last = await awaitRun(d.db, runId, { onProgress: (p) => bars.update(p), signal: interrupted.signal });
      bars.finish(last);
    } finally {
      await workers.close();
    }
    return await summarizeRun(d.db, runId);
  } finally {
    if (owned) await d.close();
  }
}
