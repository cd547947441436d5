/**
 * `bookrun schedule set | list | remove | trigger` — nightly runs per book, through BullMQ Job
 * Schedulers derived from the `schedules` table (src/schedule). A bad cron expression or time
 * zone is a usage error (exit 2) that says which field is wrong and why; an unknown book is a
 * failure (exit 1) that lists the books there are.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../config.ts';
import { createDeps } from '../deps.ts';
import {
  listSchedules,
  openScheduleDeps,
  removeSchedule,
  ScheduleInputError,
  setSchedule,
  triggerBookNight,
  type FireTime,
  type ScheduleDeps,
  type ScheduleListItem,
} from '../schedule/index.ts';
import type { CliContext } from './context.ts';
import { UsageError } from './exit.ts';

const SetFlags = z.object({
  book: z.string().trim().min(1, '--book needs a name'),
  cron: z.string().min(1, '--cron needs an expression, e.g. "0 2 * * *"'),
  tz: z.string().min(1, '--tz needs an IANA time zone, e.g. Europe/Berlin'),
  json: z.boolean().optional(),
});
const BookFlags = z.object({ book: z.string().trim().min(1, '--book needs a name'), json: z.boolean().optional() });
const JsonFlag = z.object({ json: z.boolean().optional() });

function parseFlags<T>(schema: z.ZodType<T>, flags: unknown): T {
  const parsed = schema.safeParse(flags);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

/** Opens what the schedule services need, runs `fn`, closes; input errors become usage errors. */
async function withScheduleDeps<T>(ctx: CliContext, fn: (deps: ScheduleDeps) => Promise<T>): Promise<T> {
  const deps = await openScheduleDeps(loadConfig(), { info: ctx.stderr, warn: ctx.stderr });
  try {
    return await fn(deps);
  } catch (error) {
    if (error instanceof ScheduleInputError) throw new UsageError(error.message);
    throw error;
  } finally {
    await deps.close();
  }
}

/** `2026-11-22T02:00:00+01:00` → `2026-11-22 02:00:00 +01:00`. */
const local = (t: FireTime) => t.local.replace('T', ' ').replace(/([+-]\d\d:\d\d)$/, ' $1');
const fires = (times: readonly FireTime[]) => times.map((t) => `  ${local(t)}  (${t.utc})`);

function schedulerState(s: ScheduleListItem['scheduler']): string {
  if (!s.exists) return 'MISSING from Redis (reconcile recreates it; or run `bookrun schedule set` again)';
  if (!s.inSync) return 'out of line with the schedule (reconcile fixes it)';
  if (s.overdue && s.pendingFire) return `the fire of ${local(s.pendingFire)} is waiting for a worker (start one: bookrun worker)`;
  return 'ok';
}

export function configureScheduleCommand(program: Command, ctx: CliContext): void {
  const schedule = program
    .command('schedule')
    .summary('nightly runs per book: set, list, remove, trigger')
    .description(
      [
        'Each scheduled book has one BullMQ Job Scheduler (cron + IANA time zone).',
        "At every fire a worker starts that night's run. The night is the calendar",
        "date of the fire time in the schedule's zone, and a book has one run per",
        'night: a second fire, or a trigger, for the same night attaches to the run',
        "that exists. Runs get the book's default budget (bookrun book budget), else",
        'BOOKRUN_BUDGET_USD / BOOKRUN_BUDGET_TOKENS, else none.',
        '',
        'Fires are taken by `bookrun worker` processes. After an outage a missed',
        'night runs once when workers return, not once per missed fire.',
      ].join('\n'),
    );

  schedule
    .command('set')
    .summary("create or change a book's nightly schedule")
    .description(
      [
        'Writes the schedule and its Job Scheduler and prints the next fire times.',
        'Safe to repeat and to run from several places at once: writes of one',
        'schedule take turns (a Postgres advisory lock), and a schedule that is',
        'already as asked is left alone.',
        '',
        'CRON has 5 fields (minute hour day-of-month month day-of-week), or 6 with',
        'seconds first, read in TZ: "0 2 * * *" is 02:00 every night, "30 1 * * 1-5"',
        '01:30 on weekdays. When DST starts and a fire time falls in the skipped',
        'hour, it fires at the first time after the gap (same date).',
      ].join('\n'),
    )
    .requiredOption('--book <name>', 'the book to run every night')
    .requiredOption('--cron <expr>', 'when: cron expression, e.g. "0 2 * * *" (quote it)')
    .requiredOption('--tz <zone>', 'IANA time zone the expression is read in, e.g. Europe/Berlin, America/New_York, UTC')
    .option('--json', 'print one JSON object on stdout')
    .action(async (raw: Record<string, unknown>) => {
      const flags = parseFlags(SetFlags, raw);
      const result = await withScheduleDeps(ctx, (deps) => setSchedule(deps, { bookName: flags.book, cron: flags.cron, tz: flags.tz }));
      if (flags.json) return ctx.stdout(JSON.stringify(result));
      ctx.stdout(`book "${result.book}": runs on "${result.cron}" in ${result.tz} (schedule ${result.schedule})`);
      ctx.stdout('next fires:');
      for (const line of fires(result.next)) ctx.stdout(line);
    });

  schedule
    .command('list')
    .summary('every schedule: next fire times, scheduler state, last scheduled run')
    .option('--json', 'print one JSON object on stdout: {schedules: [...]}')
    .action(async (raw: Record<string, unknown>) => {
      const flags = parseFlags(JsonFlag, raw);
      const items = await withScheduleDeps(ctx, (deps) => listSchedules(deps));
      if (flags.json) return ctx.stdout(JSON.stringify({ schedules: items }));
      if (items.length === 0) return ctx.stdout('no schedules yet (set one: bookrun schedule set --book NAME --cron "0 2 * * *" --tz Europe/Berlin)');
      for (const item of items) {
        ctx.stdout(`book "${item.book}": "${item.cron}" in ${item.tz}`);
        ctx.stdout(`  scheduler: ${schedulerState(item.scheduler)}`);
        ctx.stdout('  next fires:');
        for (const line of fires(item.next)) ctx.stdout(`  ${line}`);
        const last = item.lastRun;
        ctx.stdout(`  last scheduled run: ${last ? `${last.runId} (${last.runKey}) ${last.status}` : 'none yet'}`);
      }
    });

  schedule
    .command('remove')
    .summary("remove a book's schedule")
    .description(
      [
        'Removes the schedule and its Job Scheduler. Runs already started are not',
        'touched; a book without a schedule is not an error.',
      ].join('\n'),
    )
    .argument('<book>', 'the book whose schedule to remove')
    .option('--json', 'print one JSON object on stdout')
    .action(async (book: string, raw: Record<string, unknown>) => {
      const flags = parseFlags(JsonFlag, raw);
      const result = await withScheduleDeps(ctx, (deps) => removeSchedule(deps, { bookName: book }));
      if (flags.json) return ctx.stdout(JSON.stringify(result));
      ctx.stdout(result.removed || result.schedulerRemoved ? `book "${result.book}": schedule removed` : `book "${result.book}" had no schedule`);
    });

  schedule
    .command('trigger')
    .summary("start tonight's scheduled run now (or attach to it)")
    .description(
      [
        "Does now what the schedule's next fire would do: starts the run of the",
        "book's night (today's date in the schedule's time zone) or, if that run",
        'exists, attaches to it and starts nothing. Same code path as a fire, so a',
        'later fire on the same date attaches to this run. The run is only',
        'enqueued; `bookrun worker` processes execute it.',
      ].join('\n'),
    )
    .requiredOption('--book <name>', 'a scheduled book')
    .option('--json', 'print one JSON object on stdout: {book, runId, runKey, created, status}')
    .action(async (raw: Record<string, unknown>) => {
      const flags = parseFlags(BookFlags, raw);
      const deps = await createDeps(loadConfig(), { log: { info: ctx.stderr, warn: ctx.stderr } });
      try {
        const outcome = await triggerBookNight(deps, { bookName: flags.book, nowMs: deps.clock().getTime() });
        if (outcome.kind === 'unscheduled') throw new Error(`book "${flags.book}" was unscheduled while triggering; nothing started`);
        const { runId, runKey, created, status } = outcome;
        if (flags.json) return ctx.stdout(JSON.stringify({ book: flags.book, runId, runKey, created, status }));
        ctx.stdout(
          created
            ? `started run ${runId} (${runKey}) for book "${flags.book}"; start workers with: bookrun worker`
            : `run ${runId} (${runKey}) already exists for book "${flags.book}" (${status}); attached, nothing new started`,
        );
      } finally {
        await deps.close();
      }
    });
}
