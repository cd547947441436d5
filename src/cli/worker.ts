/** `bookrun worker` — a long-running worker process; start more (on any machine) to scale out. */
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { createDeps } from '../deps.ts';
import { startWorkers } from '../run/workers.ts';
import type { CliContext } from './context.ts';
import { positiveInt } from './run.ts';

export function configureWorkerCommand(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .summary('process run jobs until stopped (SIGINT/SIGTERM)')
    .description(
      [
        'Serves the run, account and llm queues at REDIS_URL with the database at DATABASE_URL. Start as',
        'many as you like, on any machine; each takes jobs in priority order. On SIGINT or SIGTERM it stops',
        'taking jobs, lets active ones finish (up to 10 s), and exits; cut-off jobs are retried elsewhere.',
      ].join('\n'),
    )
    .option('--concurrency <n>', 'concurrent model calls in this process (default BOOKRUN_CONCURRENCY, 48)', positiveInt)
    .action(async (flags: { concurrency?: number }) => {
      const config = loadConfig();
      const deps = await createDeps(config, { log: { info: ctx.stderr, warn: ctx.stderr } });
      try {
        const workers = startWorkers(deps, flags.concurrency ?? config.concurrency);
        ctx.stderr(`bookrun worker ready (pid ${process.pid}, concurrency ${flags.concurrency ?? config.concurrency}, prefix ${config.queuePrefix})`);
        const signal = await ctx.untilSignal();
        ctx.stderr(`${signal}: finishing active jobs…`);
        await workers.close();
      } finally {
        await deps.close();
      }
    });
}
