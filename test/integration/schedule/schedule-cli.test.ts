/**
 * The `bookrun schedule` commands: output on stdout (one JSON object with --json), clear errors
 * with the documented exit codes (2 for a bad cron or zone, 1 for an unknown book).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScheduleListItem, SetScheduleResult } from '../../../src/schedule/index.ts';
import { runCli } from '../../support/cli.ts';
import { createPipelineEnv, REDIS_URL, type PipelineEnv } from '../../support/pipeline.ts';
import { addBook, pendingNightlyJobs } from './support.ts';

let env: PipelineEnv;
let cliEnv: Record<string, string>;

beforeAll(async () => {
  env = await createPipelineEnv();
  const deps = await env.deps();
  await addBook(deps.db, 'cli-book');
  cliEnv = { DATABASE_URL: env.db.url, REDIS_URL, BOOKRUN_QUEUE_PREFIX: env.prefix, ANTHROPIC_BASE_URL: env.standin.url };
}, 60_000);

afterAll(async () => env?.cleanup(), 60_000);

describe('bookrun schedule', () => {
  it('set prints the next fire times; list shows them; trigger starts the night once; remove removes', async () => {
    const set = await runCli(['schedule', 'set', '--book', 'cli-book', '--cron', '0 2 * * *', '--tz', 'Europe/Berlin'], cliEnv);
    expect(set.code).toBe(0);
    expect(set.stdout[0]).toBe('book "cli-book": runs on "0 2 * * *" in Europe/Berlin (schedule created)');
    expect(set.stdout[1]).toBe('next fires:');
    expect(set.stdout.slice(2)).toHaveLength(3);
    for (const line of set.stdout.slice(2)) expect(line).toMatch(/^ {2}\d{4}-\d\d-\d\d 02:00:00 \+0[12]:00 {2}\(\d{4}-\d\d-\d\dT0[01]:00:00\.000Z\)$/);

    const json = await runCli(['schedule', 'set', '--book', 'cli-book', '--cron', '0 2 * * *', '--tz', 'Europe/Berlin', '--json'], cliEnv);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout[0] ?? '{}') as SetScheduleResult;
    expect(result).toMatchObject({ book: 'cli-book', cron: '0 2 * * *', tz: 'Europe/Berlin', schedule: 'unchanged', scheduler: 'unchanged' });

    const list = await runCli(['schedule', 'list', '--json'], cliEnv);
    expect(list.code).toBe(0);
    const items = (JSON.parse(list.stdout[0] ?? '{}') as { schedules: ScheduleListItem[] }).schedules;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ book: 'cli-book', scheduleId: result.scheduleId, next: result.next, scheduler: { exists: true, inSync: true }, lastRun: null });

    const trigger = await runCli(['schedule', 'trigger', '--book', 'cli-book', '--json'], cliEnv);
    expect(trigger.code).toBe(0);
    const started = JSON.parse(trigger.stdout[0] ?? '{}') as { runId: string; runKey: string; created: boolean };
    expect(started).toMatchObject({ book: 'cli-book', created: true, status: 'pending' });
    expect(started.runKey).toMatch(/^nightly-\d{4}-\d\d-\d\d$/);
    const again = await runCli(['schedule', 'trigger', '--book', 'cli-book'], cliEnv);
    expect(again.code).toBe(0);
    expect(again.stdout[0]).toBe(`run ${started.runId} (${started.runKey}) already exists for book "cli-book" (pending); attached, nothing new started`);

    const text = await runCli(['schedule', 'list'], cliEnv);
    expect(text.stdout[0]).toBe('book "cli-book": "0 2 * * *" in Europe/Berlin');
    expect(text.stdout).toContain('  scheduler: ok');
    expect(text.stdout.at(-1)).toBe(`  last scheduled run: ${started.runId} (${started.runKey}) pending`);

    const remove = await runCli(['schedule', 'remove', 'cli-book'], cliEnv);
    expect(remove.code).toBe(0);
    expect(remove.stdout).toEqual(['book "cli-book": schedule removed']);
    const deps = await env.deps();
    expect(await pendingNightlyJobs(deps.queues.run, result.scheduleId)).toHaveLength(0);
    expect((await runCli(['schedule', 'remove', 'cli-book'], cliEnv)).stdout).toEqual(['book "cli-book" had no schedule']);
    expect((await runCli(['schedule', 'list'], cliEnv)).stdout[0]).toMatch(/^no schedules yet/);
  }, 60_000);

  it('exits 2 with where and why for a bad cron expression or time zone', async () => {
    const cron = await runCli(['schedule', 'set', '--book', 'cli-book', '--cron', '0 2 * * 9', '--tz', 'UTC'], cliEnv);
    expect(cron.code).toBe(2);
    expect(cron.stderr.join('\n')).toContain('bookrun: cron "0 2 * * 9": field 5 (day of week) "9" is invalid: Constraint error, got value 9 expected range 0-7');
    const fields = await runCli(['schedule', 'set', '--book', 'cli-book', '--cron', '2am', '--tz', 'UTC'], cliEnv);
    expect(fields.code).toBe(2);
    expect(fields.stderr.join('\n')).toContain('cron "2am" has 1 field; give 5');
    const tz = await runCli(['schedule', 'set', '--book', 'cli-book', '--cron', '0 2 * * *', '--tz', 'Berlin'], cliEnv);
    expect(tz.code).toBe(2);
    expect(tz.stderr.join('\n')).toContain('unknown time zone "Berlin": give an IANA name such as Europe/Berlin');
    const missing = await runCli(['schedule', 'set', '--book', 'cli-book', '--cron', '0 2 * * *'], cliEnv);
    expect(missing.code).toBe(2);
    expect(missing.stderr.join('\n')).toContain("required option '--tz <zone>' not specified");
  });

  it('exits 1 and lists the known books for an unknown book', async () => {
    const set = await runCli(['schedule', 'set', '--book', 'nope', '--cron', '0 2 * * *', '--tz', 'UTC'], cliEnv);
    expect(set.code).toBe(1);
    expect(set.stderr.join('\n')).toContain('bookrun: no book named "nope" (known books: cli-book)');
    const trigger = await runCli(['schedule', 'trigger', '--book', 'cli-book'], cliEnv);
    expect(trigger.code).toBe(1);
    expect(trigger.stderr.join('\n')).toContain('book "cli-book" has no schedule (set one: bookrun schedule set');
  });
});
