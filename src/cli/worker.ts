/** `bookrun worker` — a long-running worker process; start more (on any machine) to scale out. */
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { createDeps } from '../deps.ts';
import { startRelay, type Relay } from '../outbox/index.ts';
import { redisDurabilityWarnings } from '../queue/connection.ts';
import { startWorkers } from '../run/workers.ts';
import type { CliContext } from './context.ts';
import { prose } from './prose.ts';
import { positiveInt, withConcurrency } from './run.ts';

export function configureWorkerCommand(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .summary('process run jobs until stopped (SIGINT/SIGTERM)')
    .description(
      prose([
        'Serves the run and llm queues at REDIS_URL with the database at DATABASE_URL. Start as many as you',
        'like, on any machine; each takes jobs in priority order.',
        '',
        'At start and every BOOKRUN_RECONCILE_MS (60 s) one worker of the fleet reconciles: unfinished runs in',
        'Postgres get back any job Redis lost (a restart without AOF, a wiped server), under the same job ids.',
        '',
        'On SIGINT or SIGTERM it stops taking jobs and lets active ones finish for BOOKRUN_SHUTDOWN_GRACE_MS',
        "(10 s); then it aborts their model calls and hands the jobs back to the queue (no attempt used) for",
        'other workers, and exits. Steps already stored are never paid again.',
        '',
        'With BOOKRUN_OUTBOX_URL set it also relays approved side effects (CRM write-back, hand-off to sending)',
        'from the outbox; see bookrun outbox --help.',
      ]),
    )
    .option('--concurrency <n>', 'concurrent model calls in this process (default BOOKRUN_CONCURRENCY, 48)', positiveInt)
    .action(async (flags: { concurrency?: number }) => {
      const config = loadConfig();
      const deps = await createDeps(withConcurrency(config, flags.concurrency), { log: { info: ctx.stderr, warn: ctx.stderr } });
      try {
        for (const warning of await redisDurabilityWarnings(deps.redis)) ctx.stderr(`warning: ${warning}`);
        const workers = startWorkers(deps, flags.concurrency ?? config.concurrency);
        // Approved side effects go out from every worker when a receiver is configured; relays
        // share the outbox safely (claims are leased rows).
        const relay: Relay | undefined = config.outbox.url ? startRelay({ db: deps.db, outbox: config.outbox, log: { info: ctx.stderr, warn: ctx.stderr } }) : undefined;
        ctx.stderr(`bookrun worker ready (pid ${process.pid}, concurrency ${flags.concurrency ?? config.concurrency}, prefix ${config.queuePrefix})`);
        const signal = await ctx.untilSignal();
        ctx.stderr(`${signal}: taking no more jobs; active jobs have ${Math.round(config.durability.shutdownGraceMs / 1000)} s to finish…`);
        await Promise.all([workers.close(), relay?.stop()]);
        ctx.stderr('bookrun worker stopped');
      } finally {
        await deps.close();
      }
    });
}
