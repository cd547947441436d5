/**
 * The schedule faults (issue acceptance: "two processes upserting the same schedule create one
 * scheduler; a fire while a run for that night exists attaches to it"; "a missed night runs once
 * when workers return, not N times"). Real Redis (this file's own queue prefix) and a Postgres
 * database of its own; the schedule commands run as separate `bookrun` processes, the nightly
 * handler in a real BullMQ Worker. Each scenario appends its line to the fault report.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Worker, type Job } from 'bullmq';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runs, schedules } from '../../db/schema/index.ts';
import { NightlyPayload } from '../../jobs/catalog.ts';
import { nightlyJob, type NightlyResult } from '../../jobs/nightly.job.ts';
import type { Deps } from '../../src/deps.ts';
import { QUEUES, runJobId } from '../../src/queue/names.ts';
import { startRun } from '../../src/run/start-run.ts';
import { fireTimeOf, nextFireTimes, nightKey, removeSchedule, setSchedule, type SetScheduleResult } from '../../src/schedule/index.ts';
import { addBook, pendingNightlyJobs } from '../integration/schedule/support.ts';
import { createPipelineEnv, REDIS_URL, type PipelineEnv } from '../support/pipeline.ts';
import { BOOKRUN_BIN, REPO_ROOT } from './support/processes.ts';
import { recordOutcome } from './support/report.ts';
import { sleep, waitFor } from './support/wait.ts';

const run = promisify(execFile);

let env: PipelineEnv;
let deps: Deps;

beforeAll(async () => {
  env = await createPipelineEnv();
  deps = await env.deps();
}, 60_000);

afterAll(async () => env?.cleanup(), 60_000);

/** `bookrun schedule set …` as its own process, pointed at this file's database and queue prefix. */
async function scheduleSetProcess(book: string, cron: string, tz: string): Promise<SetScheduleResult> {
  const childEnv = { DATABASE_URL: env.db.url, REDIS_URL, BOOKRUN_QUEUE_PREFIX: env.prefix };
  const { stdout } = await run(process.execPath, [BOOKRUN_BIN, 'schedule', 'set', '--book', book, '--cron', cron, '--tz', tz, '--json'], {
    cwd: REPO_ROOT,
    env: childEnv,
    timeout: 60_000,
  });
  return JSON.parse(stdout) as SetScheduleResult;
}

type Processed = { jobId: string; name: string; fireTime: number; at: number; result: NightlyResult | undefined };

/**
 * A worker on the run queue whose processor is the real nightly handler. Run jobs (enqueued by
 * the runs the handler starts) are only recorded: these scenarios count runs, not execute them.
 */
function nightlyWorker(processed: Processed[]): Worker {
  const worker = new Worker(
    QUEUES.run,
    async (job: Job) => {
      const entry: Processed = { jobId: job.id ?? '', name: job.name, fireTime: fireTimeOf(job), at: Date.now(), result: undefined };
      processed.push(entry);
      if (job.name !== 'nightly') return { recorded: true };
      entry.result = await nightlyJob(NightlyPayload.parse(job.data), { job }, deps);
      return entry.result;
    },
    { connection: deps.redis, prefix: env.prefix, concurrency: 1 },
  );
  worker.on('error', (error) => env.logs.push(`worker: ${error.message}`));
  return worker;
}

async function nightlyRuns(bookId: string): Promise<Array<{ id: string; runKey: string }>> {
  return deps.db.select({ id: runs.id, runKey: runs.runKey }).from(runs).where(and(eq(runs.bookId, bookId), eq(runs.trigger, 'schedule')));
}

describe('when two processes set the same schedule at the same moment', () => {
  it('creates one Job Scheduler with one pending job, and a changed cron still leaves one', async () => {
    const startedAt = Date.now();
    await addBook(deps.db, 'twin-book');
    const measure = async (id: string) => {
      const schedulers = (await deps.queues.run.getJobSchedulers()).filter((s) => s.key === id);
      return { count: await deps.queues.run.getJobSchedulersCount(), schedulers, pending: await pendingNightlyJobs(deps.queues.run, id) };
    };

    const first = await Promise.all([scheduleSetProcess('twin-book', '0 2 * * *', 'Europe/Berlin'), scheduleSetProcess('twin-book', '0 2 * * *', 'Europe/Berlin')]);
    const id = first[0].scheduleId;
    const afterSame = await measure(id);

    const changed = await Promise.all([scheduleSetProcess('twin-book', '0 3 * * *', 'Europe/Berlin'), scheduleSetProcess('twin-book', '0 3 * * *', 'Europe/Berlin')]);
    const afterChange = await measure(id);

    // Two processes asking for different crons at once: one wins, and Redis matches the row.
    const split = await Promise.all([scheduleSetProcess('twin-book', '0 4 * * *', 'UTC'), scheduleSetProcess('twin-book', '0 5 * * *', 'UTC')]);
    const afterSplit = await measure(id);
    const [row] = await deps.db.select({ cron: schedules.cron }).from(schedules).where(eq(schedules.id, id));

    const rounds = [afterSame, afterChange, afterSplit];
    const duplicated = rounds.reduce((n, r) => n + Math.max(0, r.count - 1) + Math.max(0, r.pending.length - 1), 0);
    const lost = rounds.filter((r) => r.count === 0 || r.pending.length === 0).length;
    recordOutcome({
      suite: 'schedule',
      fault: 'two processes upsert one schedule at once (same cron, changed cron, different crons)',
      lost,
      duplicated,
      extraCalls: 0,
      kills: 0,
      seconds: (Date.now() - startedAt) / 1000,
      notes: `schedulers after each round: ${rounds.map((r) => r.count).join('/')}; pending jobs: ${rounds.map((r) => r.pending.length).join('/')}; outcomes: ${[...first, ...changed, ...split].map((r) => r.scheduler).join(',')}`,
      passed: duplicated === 0 && lost === 0,
    });

    expect(first.map((r) => r.scheduleId)).toEqual([id, id]);
    expect(first.map((r) => r.schedule).sort()).toEqual(['created', 'unchanged']);
    expect(afterSame.count).toBe(1);
    expect(afterSame.schedulers[0]).toMatchObject({ pattern: '0 2 * * *', tz: 'Europe/Berlin' });
    expect(afterSame.pending).toHaveLength(1);

    expect(changed.map((r) => r.schedule).sort()).toEqual(['unchanged', 'updated']);
    expect(afterChange.count).toBe(1);
    expect(afterChange.schedulers[0]).toMatchObject({ pattern: '0 3 * * *', tz: 'Europe/Berlin' });
    expect(afterChange.pending).toHaveLength(1);
    expect(afterChange.pending[0]?.id).toBe(`repeat:${id}:${afterChange.schedulers[0]?.next}`);
    // The pending job is the new cron's next fire (03:00 Berlin), not a leftover 02:00 one.
    expect(fireTimeOf(afterChange.pending[0] as Job)).toBe(nextFireTimes('0 3 * * *', 'Europe/Berlin', startedAt, 1)[0]);

    expect(afterSplit.count).toBe(1);
    expect(afterSplit.schedulers[0]?.pattern).toBe(row?.cron);
    expect(afterSplit.pending).toHaveLength(1);
    expect(fireTimeOf(afterSplit.pending[0] as Job)).toBe(nextFireTimes(row?.cron ?? '', 'UTC', startedAt, 1)[0]);
  }, 120_000);
});

describe('when a schedule fires while the run for that night exists', () => {
  it('attaches to it: one run row for the night, created=false, one run job', async () => {
    const startedAt = Date.now();
    const bookId = await addBook(deps.db, 'attach-book');
    // Every 2 s, so the scheduler really fires within the test.
    const set = await setSchedule(deps, { bookName: 'attach-book', cron: '*/2 * * * * *', tz: 'UTC' });
    const [pending] = await pendingNightlyJobs(deps.queues.run, set.scheduleId);
    if (!pending) throw new Error('the scheduler has no pending job');
    const night = nightKey(fireTimeOf(pending), 'UTC');
    // Tonight's run exists before the fire (e.g. an operator ran `schedule trigger`).
    const manual = await startRun(deps, { bookName: 'attach-book', trigger: 'schedule', runKey: night });
    expect(manual.created).toBe(true);

    const processed: Processed[] = [];
    const worker = nightlyWorker(processed);
    const fire = await waitFor(
      'the scheduled fire for the existing night',
      async () => processed.find((p) => p.name === 'nightly' && p.jobId === pending.id && p.result !== undefined),
      { timeoutMs: 20_000 },
    );
    await worker.close();
    await removeSchedule(deps, { bookName: 'attach-book' });

    const nightRuns = (await nightlyRuns(bookId)).filter((r) => r.runKey === night);
    const runJobs = (await deps.queues.run.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized'])).filter(
      (j) => j.name === 'run' && (j.data as { runId?: string }).runId === manual.runId,
    );
    recordOutcome({
      suite: 'schedule',
      fault: "scheduler fires while that night's run already exists",
      lost: nightRuns.length === 0 ? 1 : 0,
      duplicated: Math.max(0, nightRuns.length - 1) + Math.max(0, runJobs.length - 1),
      extraCalls: 0,
      kills: 0,
      seconds: (Date.now() - startedAt) / 1000,
      notes: `fire ${pending.id} → ${JSON.stringify(fire.result)}; runs for ${night}: ${nightRuns.length}; run jobs: ${runJobs.length}`,
      passed: nightRuns.length === 1 && runJobs.length === 1 && fire.result !== undefined && 'created' in fire.result && !fire.result.created,
    });

    expect(fire.result).toEqual({ runId: manual.runId, created: false, runKey: night });
    expect(nightRuns).toEqual([{ id: manual.runId, runKey: night }]);
    expect(runJobs.map((j) => j.id)).toEqual([runJobId(manual.runId)]);
    // Every later fire of the same night attached as well.
    for (const p of processed.filter((x) => x.name === 'nightly' && nightKey(x.fireTime, 'UTC') === night)) expect(p.result).toMatchObject({ runId: manual.runId, created: false });
  }, 60_000);
});

describe('when every worker is down through several fires', () => {
  it('runs the missed night once when a worker returns, not once per missed fire', async () => {
    const bookId = await addBook(deps.db, 'missed-book');
    const setAt = Date.now();
    const set = await setSchedule(deps, { bookName: 'missed-book', cron: '*/2 * * * * *', tz: 'UTC' });
    const [firstPending] = await pendingNightlyJobs(deps.queues.run, set.scheduleId);
    if (!firstPending) throw new Error('the scheduler has no pending job');

    // No worker for ~7 s: three or more fires pass.
    await sleep(7_000);
    const waitingBefore = await pendingNightlyJobs(deps.queues.run, set.scheduleId);
    const workerStart = Date.now();
    const missedFires = nextFireTimes('*/2 * * * * *', 'UTC', setAt, 20).filter((t) => t < workerStart);

    const processed: Processed[] = [];
    const worker = nightlyWorker(processed);
    // The missed fire is taken at once; two later fires (every 2 s) show the schedule goes on.
    await waitFor('two fires after the worker started', async () => (processed.filter((p) => p.name === 'nightly' && p.fireTime >= workerStart && p.result).length >= 2 ? true : undefined), {
      timeoutMs: 20_000,
    });
    await worker.close();
    await removeSchedule(deps, { bookName: 'missed-book' });

    const nightly = processed.filter((p) => p.name === 'nightly' && p.jobId.startsWith(`repeat:${set.scheduleId}:`));
    const late = nightly.filter((p) => p.fireTime < workerStart);
    // Also from Redis: every job this scheduler made for a fire before the worker came back.
    const made = (await deps.queues.run.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed', 'prioritized'])).filter(
      (j) => j.repeatJobKey === set.scheduleId && fireTimeOf(j) < workerStart,
    );
    const missedNight = nightKey(fireTimeOf(firstPending), 'UTC');
    const byNight = new Map<string, number>();
    for (const r of await nightlyRuns(bookId)) byNight.set(r.runKey, (byNight.get(r.runKey) ?? 0) + 1);
    const duplicatedRuns = [...byNight.values()].reduce((n, c) => n + c - 1, 0);

    recordOutcome({
      suite: 'schedule',
      fault: `every worker down through ${missedFires.length} fires (seconds cron), then one worker returns`,
      lost: byNight.has(missedNight) ? 0 : 1,
      duplicated: Math.max(0, late.length - 1) + duplicatedRuns,
      extraCalls: 0,
      kills: 0,
      seconds: (Date.now() - setAt) / 1000,
      notes: `fires missed: ${missedFires.length}; jobs waiting while down: ${waitingBefore.length}; late fires processed: ${late.length}; runs per night: ${JSON.stringify(Object.fromEntries(byNight))}`,
      passed: late.length === 1 && made.length === 1 && byNight.get(missedNight) === 1 && duplicatedRuns === 0,
    });

    expect(missedFires.length).toBeGreaterThanOrEqual(3);
    // While down, one job stood for all the missed fires: the one pending when the schedule was set.
    expect(waitingBefore.map((j) => j.id)).toEqual([firstPending.id]);
    expect(late.map((p) => p.jobId)).toEqual([firstPending.id]);
    expect(made.map((j) => j.id)).toEqual([firstPending.id]);
    expect(late[0]?.result).toMatchObject({ created: true, runKey: missedNight });
    expect(byNight.get(missedNight)).toBe(1);
    expect(duplicatedRuns).toBe(0);
  }, 60_000);
});
