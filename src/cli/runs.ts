/**
 * `bookrun runs list | show ID | resume ID | pause ID | cancel ID` — run history, one run's summary,
 * and control of a run that is going or was left with deferrals.
 */
import type { Command } from 'commander';
import { checkDatabase, createDb } from '../../db/client.ts';
import type { BudgetLimit } from '../budget/units.ts';
import { loadConfig, type Config } from '../config.ts';
import { createDeps } from '../deps.ts';
import { cancelRun, pauseRun, unpauseRun } from '../run/control.ts';
import { raiseRunCap as raiseCap, resumeRun } from '../run/resume.ts';
import { eq } from 'drizzle-orm';
import { runs as runsTable } from '../../db/schema/index.ts';
import type { RunSummary } from '../run/summary.ts';

import { NotFoundError } from '../errors.ts';
import { listRuns } from '../run/list-runs.ts';
import { summarizeRun } from '../run/summary.ts';
import type { CliContext } from './context.ts';
import { prose } from './prose.ts';
import { budgetFrom, driveRun, positiveInt, positiveUsd, withConcurrency } from './run.ts';
import { formatRunSummary } from './run-summary.ts';

async function withDb<T>(fn: (db: ReturnType<typeof createDb>['db']) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const handle = createDb(config.databaseUrl, { max: 2 });
  try {
    await checkDatabase(handle, config.databaseUrl);
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}

export function configureRunsCommand(program: Command, ctx: CliContext): void {
  const runs = program
    .command('runs')
    .summary('run history, summaries, pause, resume and cancel')
    .description(
      [
        'Run history and summaries, and control of runs:',
        '  pause   workers take none of its jobs (model calls in flight finish);',
        '  resume  a paused run goes on; a run whose budget deferred accounts finishes;',
        '  cancel  unfinished accounts end cancelled; what was done is kept.',
      ].join('\n'),
    );
  runs
    .command('list')
    .summary('recent runs, newest first')
    .option('--book <name>', 'only runs of this book')
    .option('--limit <n>', 'how many (default 20)', positiveInt, 20)
    .option('--json', 'print one JSON object on stdout')
    .action(async (flags: { book?: string; limit: number; json?: boolean }) => {
      const items = await withDb((db) => listRuns(db, { book: flags.book, limit: flags.limit }));
      if (flags.json) return ctx.stdout(JSON.stringify({ runs: items }));
      if (items.length === 0) return ctx.stdout(flags.book ? `no runs of book "${flags.book}" yet` : 'no runs yet (start one: bookrun run --book NAME)');
      ctx.stdout(`${'run'.padEnd(22)} ${'book'.padEnd(14)} ${'status'.padEnd(10)} ${'accounts'.padStart(8)} ${'failed'.padStart(6)} ${'drafts'.padStart(6)} ${'cost'.padStart(10)}  started`);
      for (const r of items) {
        const n = (v: number | null) => (v === null ? '–' : v.toLocaleString('en-US'));
        ctx.stdout(
          `${r.runId.padEnd(22)} ${r.book.slice(0, 14).padEnd(14)} ${r.status.padEnd(10)} ${n(r.accounts).padStart(8)} ${n(r.failed).padStart(6)} ${n(r.drafts).padStart(6)} ${(r.costUsd === null ? '–' : `$${r.costUsd.toFixed(2)}`).padStart(10)}  ${r.createdAt.slice(0, 19).replace('T', ' ')}`,
        );
      }
    });
  runs
    .command('show')
    .summary("one run's summary")
    .argument('<id>', 'the run id (see: bookrun runs list)')
    .option('--json', 'print one JSON object on stdout (the run summary)')
    .action(async (id: string, flags: { json?: boolean }) => {
      const summary = await withDb((db) => summarizeRun(db, id)).catch((error: unknown) => {
        if (error instanceof NotFoundError) throw new Error(`no run ${id} (see: bookrun runs list)`, { cause: error });
        throw error;
      });
      if (flags.json) ctx.stdout(JSON.stringify(summary));
      else for (const line of formatRunSummary(summary)) ctx.stdout(line);
    });
  runs
    .command('resume')
    .summary('go on with a paused run, or finish one whose budget left accounts deferred')
    .description(
      prose([
        'A paused run goes on where it stopped (a budget flag raises its cap as it does so).',
        '',
        'A run that ended completed_with_deferrals gets more budget and a new pass over exactly its deferred',
        'accounts; steps already stored are not paid again. Without a budget flag the run keeps its cap (useful',
        'when reservations left headroom). Workers run in this process unless --detach.',
      ]),
    )
    .argument('<id>', 'the run id (see: bookrun runs list)')
    .option('--budget-usd <dollars>', "the run's new total cap in USD (what it spent so far counts against it)", positiveUsd)
    .option('--budget-tokens <n>', "the run's new total cap in tokens", positiveInt)
    .option('--concurrency <n>', 'concurrent model calls in this process (default BOOKRUN_CONCURRENCY, 48)', positiveInt)
    .option('--detach', 'enqueue the resumed run and return; workers elsewhere execute it')
    .option('--json', 'print one JSON object on stdout (the run summary; {runId, resumed} with --detach)')
    .action(async (id: string, flags: { budgetUsd?: number; budgetTokens?: number; concurrency?: number; detach?: boolean; json?: boolean }) => {
      const config = loadConfig();
      const budget = budgetFrom(flags);
      const summary = await executeResume(config, ctx, id, budget, flags);
      if (!summary) return;
      if (flags.json) ctx.stdout(JSON.stringify(summary));
      else for (const line of formatRunSummary(summary)) ctx.stdout(line);
      if (summary.status !== 'completed' && summary.status !== 'completed_with_deferrals') throw new Error(`run ${summary.runId} ended ${summary.status}`);
    });
  configureControl(runs, ctx);
}

function configureControl(runs: Command, ctx: CliContext): void {
  runs
    .command('pause')
    .summary('stop taking jobs of a running run (resume with: bookrun runs resume ID)')
    .description(
      prose([
        'Marks the run paused in Postgres. Every worker checks before it starts a job, so within about a second',
        "no new model call of the run starts anywhere; calls already in flight finish and are kept. The run's",
        'jobs wait in the queue; `bookrun runs resume ID` lets them go at once.',
      ]),
    )
    .argument('<id>', 'the run id (see: bookrun runs list)')
    .option('--json', 'print one JSON object on stdout')
    .action(async (id: string, flags: { json?: boolean }) => {
      const result = await withDb((db) => pauseRun({ db }, id)).catch(notFound(id));
      if (flags.json) return ctx.stdout(JSON.stringify(result));
      ctx.stdout(result.from === 'paused' ? `run ${id} was paused already` : `run ${id} paused; resume it with: bookrun runs resume ${id}`);
    });
  runs
    .command('cancel')
    .summary('stop a run for good')
    .description(
      prose([
        'Marks the run cancelled: accounts not finished end `cancelled`, workers drop its queued jobs, and the run',
        'job writes its summary. Work already done (briefs, tiers, drafts in review) is kept. Cannot be undone;',
        'to stop for a while, use `bookrun runs pause`.',
      ]),
    )
    .argument('<id>', 'the run id (see: bookrun runs list)')
    .option('--json', 'print one JSON object on stdout')
    .action(async (id: string, flags: { json?: boolean }) => {
      const config = loadConfig();
      const deps = await createDeps(config, { log: { info: ctx.stderr, warn: ctx.stderr } });
      try {
        const result = await cancelRun(deps, id).catch(notFound(id));
        if (flags.json) return ctx.stdout(JSON.stringify(result));
        ctx.stdout(`run ${id} cancelled (${result.accountsCancelled.toLocaleString('en-US')} unfinished accounts); its summary: bookrun runs show ${id}`);
      } finally {
        await deps.close();
      }
    });
}

function notFound(id: string) {
  return (error: unknown): never => {
    if (error instanceof NotFoundError) throw new Error(`no run ${id} (see: bookrun runs list)`, { cause: error });
    throw error;
  };
}

async function executeResume(
  config: Config,
  ctx: CliContext,
  runId: string,
  budget: BudgetLimit | undefined,
  flags: { concurrency?: number; detach?: boolean; json?: boolean },
): Promise<RunSummary | undefined> {
  const deps = await createDeps(withConcurrency(config, flags.concurrency), { log: { info: ctx.stderr, warn: ctx.stderr } });
  try {
    const [run] = await deps.db.select({ status: runsTable.status }).from(runsTable).where(eq(runsTable.id, runId));
    if (run?.status === 'paused') {
      if (budget) await raiseCap(deps, runId, budget);
      const unpaused = await unpauseRun(deps, runId);
      ctx.stderr(`run ${runId}: resumed from pause (${unpaused.jobsPromoted} waiting jobs released)`);
      if (flags.detach) {
        if (flags.json) ctx.stdout(JSON.stringify({ runId, resumed: 0, status: unpaused.status }));
        else ctx.stdout(`run ${runId} resumed; workers (bookrun worker) go on with it`);
        return undefined;
      }
      return await driveRun(deps, ctx, runId, flags.concurrency ?? config.concurrency);
    }
    const resumed = await resumeRun(deps, runId, budget).catch((error: unknown) => {
      if (error instanceof NotFoundError) throw new Error(`no run ${runId} (see: bookrun runs list)`, { cause: error });
      throw error;
    });
    ctx.stderr(`run ${runId}: resuming ${resumed.resumed} deferred accounts (pass ${resumed.generation + 1})`);
    if (flags.detach) {
      if (flags.json) ctx.stdout(JSON.stringify({ runId, resumed: resumed.resumed }));
      else ctx.stdout(`run ${runId} resumed; start workers with: bookrun worker`);
      return undefined;
    }
    return await driveRun(deps, ctx, runId, flags.concurrency ?? config.concurrency);
  } finally {
    await deps.close();
  }
}
