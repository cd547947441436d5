/** `bookrun runs list | show ID` — run history and one run's summary, from Postgres. */
import type { Command } from 'commander';
import { checkDatabase, createDb } from '../../db/client.ts';
import { loadConfig } from '../config.ts';
import { NotFoundError } from '../errors.ts';
import { listRuns } from '../run/list-runs.ts';
import { summarizeRun } from '../run/summary.ts';
import type { CliContext } from './context.ts';
import { positiveInt } from './run.ts';
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
  const runs = program.command('runs').summary('run history').description('Run history and summaries (resume arrives with budgets).');
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
}
