/**
 * set / list / remove against real Redis and Postgres: the row and the Job Scheduler move
 * together, writes of one schedule take turns, and bad input changes nothing.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schedules } from '../../../db/schema/index.ts';
import type { Deps } from '../../../src/deps.ts';
import { AppError } from '../../../src/errors.ts';
import { listSchedules, nextFireTimes, removeSchedule, ScheduleInputError, scheduleIdFor, setSchedule } from '../../../src/schedule/index.ts';
import { createPipelineEnv, type PipelineEnv } from '../../support/pipeline.ts';
import { addBook, pendingNightlyJobs } from './support.ts';

let env: PipelineEnv;
let deps: Deps;

beforeAll(async () => {
  env = await createPipelineEnv();
  deps = await env.deps();
}, 60_000);

afterAll(async () => env?.cleanup(), 60_000);

describe('when a schedule is set', () => {
  it('writes the row and one Job Scheduler with one pending job, and reports the next fires', async () => {
    const bookId = await addBook(deps.db, 'berlin-book');
    const result = await setSchedule(deps, { bookName: 'berlin-book', cron: '0 2 * * *', tz: 'Europe/Berlin' });
    const id = scheduleIdFor(bookId);
    expect(result).toMatchObject({ book: 'berlin-book', scheduleId: id, cron: '0 2 * * *', tz: 'Europe/Berlin', schedule: 'created', scheduler: 'created' });
    expect(result.next).toHaveLength(3);
    for (const fire of result.next) expect(fire.local).toMatch(/T02:00:00\+0[12]:00$/);

    const [row] = await deps.db.select().from(schedules).where(eq(schedules.id, id));
    expect(row).toMatchObject({ bookId, cron: '0 2 * * *', tz: 'Europe/Berlin' });

    const scheduler = await deps.queues.run.getJobScheduler(id);
    expect(scheduler).toMatchObject({ key: id, name: 'nightly', pattern: '0 2 * * *', tz: 'Europe/Berlin' });
    expect(scheduler?.template?.data).toEqual({ scheduleId: id });
    const pending = await pendingNightlyJobs(deps.queues.run, id);
    expect(pending).toHaveLength(1);
    // The pending job stands for the first fire the CLI printed.
    expect(new Date(scheduler?.next ?? 0).toISOString()).toBe(result.next[0]?.utc);
    expect(pending[0]?.id).toBe(`repeat:${id}:${scheduler?.next}`);
    expect(pending[0]?.opts).toMatchObject({ attempts: 5, backoff: { type: 'exponential', delay: 30_000 } });
  });

  it('leaves an unchanged schedule alone, and replaces the pending job when the cron changes', async () => {
    await addBook(deps.db, 'changing-book');
    const first = await setSchedule(deps, { bookName: 'changing-book', cron: '0 2 * * *', tz: 'UTC' });
    const before = await pendingNightlyJobs(deps.queues.run, first.scheduleId);

    const again = await setSchedule(deps, { bookName: 'changing-book', cron: '0  2 * * *', tz: 'utc' });
    expect(again).toMatchObject({ schedule: 'unchanged', scheduler: 'unchanged', cron: '0 2 * * *', tz: 'UTC' });
    expect((await pendingNightlyJobs(deps.queues.run, first.scheduleId)).map((j) => j.id)).toEqual(before.map((j) => j.id));

    const t0 = Date.now();
    const changed = await setSchedule(deps, { bookName: 'changing-book', cron: '30 3 * * *', tz: 'America/New_York' });
    expect(changed).toMatchObject({ schedule: 'updated', scheduler: 'updated' });
    expect(await deps.queues.run.getJobScheduler(first.scheduleId)).toMatchObject({ pattern: '30 3 * * *', tz: 'America/New_York' });
    const after = await pendingNightlyJobs(deps.queues.run, first.scheduleId);
    expect(after).toHaveLength(1);
    const expected = nextFireTimes('30 3 * * *', 'America/New_York', t0, 1)[0];
    expect(after[0]?.id).toBe(`repeat:${first.scheduleId}:${expected}`);
  });

  it('keeps a fire that is due but not yet taken (no worker) when the same schedule is set again', async () => {
    await addBook(deps.db, 'due-book');
    const set = await setSchedule(deps, { bookName: 'due-book', cron: '* * * * * *', tz: 'UTC' });
    const [due] = await pendingNightlyJobs(deps.queues.run, set.scheduleId);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // An upsert would replace the due job with a future one, and the night it stands for would be lost.
    expect(await setSchedule(deps, { bookName: 'due-book', cron: '* * * * * *', tz: 'UTC' })).toMatchObject({ scheduler: 'unchanged' });
    expect((await pendingNightlyJobs(deps.queues.run, set.scheduleId)).map((j) => j.id)).toEqual([due?.id]);
    expect((await listSchedules(deps)).find((s) => s.book === 'due-book')?.scheduler).toMatchObject({ exists: true, inSync: true, overdue: true });
    await removeSchedule(deps, { bookName: 'due-book' });
  });

  it('takes turns when many writers set the same schedule at once: one scheduler, one pending job, matching the row', async () => {
    await addBook(deps.db, 'raced-book');
    const crons = ['0 1 * * *', '0 2 * * *', '0 3 * * *', '0 4 * * *'];
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => setSchedule(deps, { bookName: 'raced-book', cron: crons[i % crons.length] ?? '0 2 * * *', tz: 'Europe/Berlin' })));
    const id = results[0]?.scheduleId ?? '';
    const [row] = await deps.db.select().from(schedules).where(eq(schedules.id, id));
    const schedulers = (await deps.queues.run.getJobSchedulers()).filter((s) => s.key === id);
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]?.pattern).toBe(row?.cron);
    expect(await pendingNightlyJobs(deps.queues.run, id)).toHaveLength(1);
  });
});

describe('when the input is bad', () => {
  it('names the unknown book and the books there are', async () => {
    const error = await setSchedule(deps, { bookName: 'no-such-book', cron: '0 2 * * *', tz: 'UTC' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('not_found');
    expect((error as Error).message).toMatch(/^no book named "no-such-book" \(known books: .*berlin-book/);
  });

  it('says where and why a cron expression is wrong, and writes nothing', async () => {
    const bookId = await addBook(deps.db, 'bad-input-book');
    const error = await setSchedule(deps, { bookName: 'bad-input-book', cron: '0 24 * * *', tz: 'UTC' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScheduleInputError);
    expect((error as Error).message).toContain('field 2 (hour) "24" is invalid');
    const tz = await setSchedule(deps, { bookName: 'bad-input-book', cron: '0 2 * * *', tz: 'Europe/Berln' }).catch((e: unknown) => e);
    expect(tz).toBeInstanceOf(ScheduleInputError);
    expect((tz as Error).message).toContain('unknown time zone "Europe/Berln"');
    const id = scheduleIdFor(bookId);
    expect(await deps.db.select().from(schedules).where(eq(schedules.id, id))).toHaveLength(0);
    expect(await deps.queues.run.getJobScheduler(id)).toBeUndefined();
  });
});

describe('when schedules are listed and removed', () => {
  it('lists each schedule with its next fires and scheduler state, then removes row, scheduler and pending job', async () => {
    await addBook(deps.db, 'listed-book');
    const set = await setSchedule(deps, { bookName: 'listed-book', cron: '15 4 * * 1-5', tz: 'Asia/Kolkata' });
    const listed = (await listSchedules(deps)).find((s) => s.book === 'listed-book');
    expect(listed).toMatchObject({
      scheduleId: set.scheduleId,
      cron: '15 4 * * 1-5',
      tz: 'Asia/Kolkata',
      next: set.next,
      scheduler: { exists: true, inSync: true, overdue: false, pendingFire: set.next[0] },
      lastRun: null,
    });

    const removed = await removeSchedule(deps, { bookName: 'listed-book' });
    expect(removed).toEqual({ book: 'listed-book', scheduleId: set.scheduleId, removed: true, schedulerRemoved: true });
    expect(await deps.queues.run.getJobScheduler(set.scheduleId)).toBeUndefined();
    expect(await pendingNightlyJobs(deps.queues.run, set.scheduleId)).toHaveLength(0);
    expect((await listSchedules(deps)).map((s) => s.book)).not.toContain('listed-book');
    expect(await removeSchedule(deps, { bookName: 'listed-book' })).toMatchObject({ removed: false, schedulerRemoved: false });
  });

  it('sets a schedule again after it was removed (BullMQ #3063: remove then upsert made no job)', async () => {
    await addBook(deps.db, 'again-book');
    const first = await setSchedule(deps, { bookName: 'again-book', cron: '0 2 * * *', tz: 'UTC' });
    await removeSchedule(deps, { bookName: 'again-book' });
    const again = await setSchedule(deps, { bookName: 'again-book', cron: '0 2 * * *', tz: 'UTC' });
    expect(again).toMatchObject({ schedule: 'created', scheduler: 'created' });
    expect(await pendingNightlyJobs(deps.queues.run, first.scheduleId)).toHaveLength(1);
  });
});
