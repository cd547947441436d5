/**
 * `bookrun run --book NAME` — start a run and, unless `--detach`, drive it with in-process
 * workers, showing live progress per stage and a final summary.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { bookBudget } from '../book/index.ts';
import { describeLimit, type BudgetLimit } from '../budget/units.ts';
import { formatForecast } from '../budget/forecast.ts';
import { loadConfig, type Config } from '../config.ts';
import { dryRun, type DryRun } from '../run/dry-run.ts';
import { createDeps, type Deps } from '../deps.ts';
import { awaitRun } from '../run/await-run.ts';
import { startRun } from '../run/start-run.ts';
import { summarizeRun, type RunSummary } from '../run/summary.ts';
import { startWorkers } from '../run/workers.ts';
import type { CliContext } from './context.ts';
import { prose } from './prose.ts';
import { UsageError } from './exit.ts';
import { progressBars } from './progress-bars.ts';
import { formatRunSummary } from './run-summary.ts';

export type RunFlags = { book: string; mode?: 'realtime' | 'batch'; json?: boolean; detach?: boolean; dryRun?: boolean; concurrency?: number; budgetTokens?: number; budgetUsd?: number };

/** A dollar amount > 0 with at most six decimals (the ledger's precision). */
export function positiveUsd(value: string): number {
  const n = Number(value.trim().replace(/^\$/, ''));
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be an amount of dollars > 0, e.g. 25 or 12.50');
  return n;
}

/** The cap from --budget-tokens / --budget-usd, else the configured default. */
export function budgetFrom(flags: { budgetTokens?: number | undefined; budgetUsd?: number | undefined }, fallback?: BudgetLimit): BudgetLimit | undefined {
  if (flags.budgetTokens !== undefined && flags.budgetUsd !== undefined) throw new UsageError('give either --budget-tokens or --budget-usd, not both');
  if (flags.budgetUsd !== undefined) return { kind: 'usd', usd: flags.budgetUsd };
  if (flags.budgetTokens !== undefined) return { kind: 'tokens', tokens: flags.budgetTokens };
  return fallback;
}

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
      prose([
        'Snapshots the book, pre-scores every account without the LLM, and runs research → prioritization →',
        'drafting for each account in priority order (drafts only for the tiers BOOKRUN_DRAFT_TIERS allows,',
        'default A,B). Results land in the review queue of each account\'s owner rep.',
        '',
        'Workers run in this process and a progress bar per stage is shown on stderr; with --detach the run',
        'is only enqueued, for `bookrun worker` processes to execute.',
        '',
        'With a budget (--budget-usd or --budget-tokens) every model call reserves an upper bound of its cost',
        'first, so the run never spends past the cap. Research and prioritization run for every account first',
        '(best pre-scores first), then drafts in tier order (A first). What the budget does not cover is',
        'deferred, not failed: the summary says what it would cost to finish, and',
        '`bookrun runs resume ID --budget-usd X` finishes it.',
      ]),
    )
    .requiredOption('--book <name>', 'the book to run (see: bookrun book import)')
    .option('--budget-usd <dollars>', "hard cap on what the run may spend (default: the book's, see bookrun book budget, else BOOKRUN_BUDGET_USD; none: uncapped)", positiveUsd)
    .option('--budget-tokens <n>', "hard cap in tokens: input + output + cache reads and writes (default: the book's, else BOOKRUN_BUDGET_TOKENS)", positiveInt)
    .option('--concurrency <n>', 'concurrent model calls in this process (default BOOKRUN_CONCURRENCY, 48)', positiveInt)
    .addOption(
      new Option('--mode <mode>', 'realtime: calls as accounts come; batch: each stage as one Message Batch, at half price, in minutes to hours')
        .choices(['realtime', 'batch'])
        .default('realtime'),
    )
    .option('--dry-run', 'forecast tokens and cost per stage and model, and whether the budget covers it; spends nothing')
    .option('--detach', 'enqueue the run and return; workers elsewhere execute it')
    .option('--json', 'print one JSON object on stdout (the run summary; {runId} with --detach)')
    .action(async (flags: RunFlags) => {
      const config = loadConfig();
      if (flags.dryRun) return printDryRun(ctx, await dryRun(config, flags.book, budgetFrom(flags), flags.mode ?? 'realtime'), flags.json === true);
      const summary = await executeRun(config, ctx, flags);
      if (!summary) return;
      if (flags.json) ctx.stdout(JSON.stringify(summary));
      else for (const line of formatRunSummary(summary)) ctx.stdout(line);
      if (summary.status === 'running' || summary.status === 'pending')
        throw new Error(`run ${summary.runId} was interrupted and is still ${summary.status}; it continues when a worker runs (bookrun worker)`);
      if (summary.status !== 'completed' && summary.status !== 'completed_with_deferrals') throw new Error(`run ${summary.runId} ended ${summary.status}`);
    });
}

/** The configuration with a command's --concurrency, when given, in place of BOOKRUN_CONCURRENCY. */
export function withConcurrency(config: Config, concurrency: number | undefined): Config {
  return concurrency === undefined ? config : { ...config, concurrency };
}

/** Starts and (unless detached) drives a run; shared by `run` and `demo`. */
export async function executeRun(config: Config, ctx: CliContext, flags: RunFlags, deps?: Deps): Promise<RunSummary | undefined> {
  const owned = !deps;
  // --concurrency sizes the HTTP pool and the adaptive cap too, not only the worker.
  const d = deps ?? (await createDeps(withConcurrency(config, flags.concurrency), { log: { info: ctx.stderr, warn: ctx.stderr } }));
  try {
    const budget = budgetFrom(flags) ?? (await bookBudget(d.db, flags.book)) ?? config.defaultBudget;
    const { runId } = await startRun(d, { bookName: flags.book, budget, mode: flags.mode ?? 'realtime' });
    ctx.stderr(`run ${runId} started for book "${flags.book}"${budget ? ` with a budget of ${describeLimit(budget)}` : ''}`);
    if (flags.detach) {
      if (flags.json) ctx.stdout(JSON.stringify({ runId }));
      else ctx.stdout(`run ${runId} enqueued; start workers with: bookrun worker`);
      return undefined;
    }
    return await driveRun(d, ctx, runId, flags.concurrency ?? config.concurrency);
  } finally {
    if (owned) await d.close();
  }
}

function printDryRun(ctx: CliContext, forecast: DryRun, json: boolean): void {
  if (json) return ctx.stdout(JSON.stringify(forecast));
  for (const line of formatForecast(forecast)) ctx.stdout(line);
  const b = forecast.budget;
  if (!b) return;
  const amount = (v: number) => (b.limit.kind === 'usd' ? `$${v.toFixed(2)}` : `${Math.round(v).toLocaleString('en-US')} tokens`);
  ctx.stdout(
    b.fits
      ? `budget ${describeLimit(b.limit)}: covers the forecast with ${amount(b.headroom)} to spare`
      : `budget ${describeLimit(b.limit)}: ${amount(-b.headroom)} short of the forecast; research and drafts of the best accounts go first, the rest is deferred (bookrun runs resume finishes it)`,
  );
}

/**
 * Runs workers in this process until the run finishes (or the process is interrupted), with a
 * progress bar per stage; returns the run's summary. Shared by `run`, `runs resume` and `demo`.
 */
export async function driveRun(deps: Deps, ctx: CliContext, runId: string, concurrency: number): Promise<RunSummary> {
  const workers = startWorkers(deps, concurrency);
  const interrupted = new AbortController();
  void ctx.untilSignal().then(() => {
    ctx.stderr(`interrupted: stopping workers; run ${runId} resumes when any worker runs (bookrun worker)`);
    interrupted.abort();
  });
  const bars = progressBars(ctx);
  try {
    bars.finish(await awaitRun(deps.db, runId, { onProgress: (p) => bars.update(p), signal: interrupted.signal }));
  } finally {
    await workers.close();
  }
  return summarizeRun(deps.db, runId);
}
