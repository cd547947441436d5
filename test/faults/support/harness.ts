/**
 * One fault-test file's world: its own Redis and Postgres (which it may kill), a stand-in, the
 * 1,000-account book, and worker processes started with the CLI — all on loopback, all under one
 * temp dir, every PID recorded. Scenarios in a file share the servers and the book; each gets a
 * fresh run and its own queue prefix, so one scenario's jobs never reach the next one's workers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import postgres from 'postgres';
import { bookrunCli, importBook, startRun, type Book } from './book.ts';
import { measureRun, summarize, violations, waitForRunEnd, type Expectation, type RunEnd, type RunMeasure } from './invariants.ts';
import { startPostgres, type PgInstance } from './pg-instance.ts';
import { ProcessGroup, type ManagedProcess } from './processes.ts';
import { startRedis, type RedisInstance } from './redis-instance.ts';
import { recordOutcome } from './report.ts';
import { waitFor } from './wait.ts';

/**
 * Timings that make a dead worker's jobs come back within seconds instead of the production
 * minutes (lock 120 s, stalled check 30 s), and reconcile often enough to matter within one run.
 */
export const FAST_RECOVERY = {
  BOOKRUN_LOCK_MS: '4000',
  BOOKRUN_STALLED_MS: '2000',
  BOOKRUN_RECONCILE_MS: '2000',
  BOOKRUN_SHUTDOWN_GRACE_MS: '3000',
} as const;

/** How long a scenario's run may take before the scenario fails with a diagnosis. */
export const RUN_TIMEOUT_MS = 180_000;

export type HarnessOptions = {
  /** Names the temp dir and the report lines. */
  name: string;
  /**
   * Default stand-in latency per call. With the workers' concurrency it sets how long a run
   * lasts, i.e. the window in which faults land mid-run.
   */
  latencyMs: number;
};

export type ScenarioOptions = {
  /** A stand-in with this latency instead of the file's default (started on first use). */
  latencyMs?: number;
};

export type Harness = {
  dir: string;
  procs: ProcessGroup;
  redis: RedisInstance;
  pg: PgInstance;
  /** The test's own connection to the suite's database (reconnects after a Postgres restart). */
  sql: postgres.Sql;
  book: Book;
  scenario(label: string, options?: ScenarioOptions): Promise<Scenario>;
  /** Keep the temp dir (logs, data) after `close`; called when a test fails. */
  keepLogs(): void;
  /** Resolves once the run has this many ledger rows: a point that is mid-run by construction. */
  waitForCalls(runId: string, calls: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

export type WorkerOptions = { concurrency: number; env?: Record<string, string> };

export type Settled = { end: RunEnd; measure: RunMeasure; violations: string[] };

export type Scenario = {
  prefix: string;
  env: NodeJS.ProcessEnv;
  startWorker(options: WorkerOptions): Promise<ManagedProcess>;
  startRun(): Promise<string>;
  workers(): ManagedProcess[];
  /** Lines the scenario's workers printed (stderr) that match `pattern`: evidence for the report. */
  logLines(pattern: RegExp): string[];
  /**
   * Waits for the run to end, measures it, appends the report line, and returns what broke. A run
   * that never ends is reported (with what was measured so far) and then thrown with a diagnosis.
   */
  settle(runId: string, report: { fault: string; startedAt: number; kills: () => number; notes?: () => string; expect: Expectation; timeoutMs?: number }): Promise<Settled>;
  /** Queue counts, item counts and log tails: what a failure message needs. */
  diagnose(runId: string): Promise<string>;
  stopWorkers(): Promise<void>;
};

/** The parent environment minus anything that would point a child at other servers or settings. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(BOOKRUN_|ANTHROPIC_|VITEST|DATABASE_URL$|REDIS_URL$|NODE_ENV$)/.test(key)) continue;
    env[key] = value;
  }
  return env;
}

/**
 * The file's harness, started before its first test and closed after its last; a failed test
 * keeps the temp dir (every process's log, the Postgres log) for a look afterwards. The returned
 * object forwards to the harness once it has started.
 */
export function useHarness(options: HarnessOptions): Harness {
  let started: Harness | undefined;
  beforeAll(async () => {
    started = await startHarness(options);
  });
  beforeEach(({ onTestFailed }) => onTestFailed(() => started?.keepLogs()));
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as Harness, {
    get(_, key) {
      if (!started) throw new Error(`the ${options.name} harness is used before it started (only inside tests)`);
      return started[key as keyof Harness];
    },
  });
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), `bookrun-faults-${options.name}-`));
  const procs = new ProcessGroup();
  let keep = false;
  let redis: RedisInstance | undefined;
  let pg: PgInstance | undefined;
  let sql: postgres.Sql | undefined;
  const close = async () => {
    await procs.stopAll();
    await sql?.end({ timeout: 2 }).catch(() => {});
    await pg?.stop().catch(() => {});
    procs.dispose();
    if (keep) process.stderr.write(`fault suite: logs and data of ${options.name} kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  };
  try {
    redis = await startRedis(procs, dir);
    pg = await startPostgres(dir);
    const base = { ...baseEnv(), DATABASE_URL: pg.url, REDIS_URL: redis.url };
    await bookrunCli(['db', 'migrate'], base);
    sql = postgres(pg.url, { max: 2, onnotice: () => {}, connect_timeout: 5, idle_timeout: 5 });
    const book = await importBook(dir, base);
    const standins = new Map<number, string>();
    const standinUrl = async (latencyMs: number) => {
      const known = standins.get(latencyMs);
      if (known) return known;
      const standin = await procs.spawnBookrun({
        name: `standin-${latencyMs}ms`,
        // Limits far above what the suite sends: the scenarios measure faults, not rate limiting.
        args: ['standin', '--port', '0', '--latency-ms', String(latencyMs), '--seed', '1', '--rpm', '1000000', '--itpm', '1000000000', '--otpm', '1000000000'],
        dir,
        env: base,
        ready: { stream: 'stdout', pattern: /listening on http:\/\/127\.0\.0\.1:\d+/ },
      });
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(standin.output('stdout').join('\n'))?.[1];
      if (!url) throw new Error(`stand-in printed no URL\n${standin.tail()}`);
      standins.set(latencyMs, url);
      return url;
    };
    await standinUrl(options.latencyMs);
    const db = sql;
    let current: Scenario | undefined;
    const harness: Harness = {
      dir,
      procs,
      redis,
      pg,
      sql: db,
      book,
      async scenario(label, scenarioOptions = {}) {
        // A scenario that failed part-way leaves its workers running; they must not share the
        // machine's two cores with the next scenario.
        await current?.stopWorkers();
        const url = await standinUrl(scenarioOptions.latencyMs ?? options.latencyMs);
        const env = { ...base, ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'fault-suite', ...FAST_RECOVERY };
        current = createScenario({ harness, label, base: env, onFailure: () => (keep = true) });
        return current;
      },
      keepLogs: () => {
        keep = true;
      },
      waitForCalls: (runId, calls, timeoutMs = 120_000) =>
        waitFor(
          `run ${runId} to reach ${calls} model calls`,
          async () => {
            const [row] = await db<Array<{ n: number }>>`select count(*)::int as n from llm_calls where run_id = ${runId}`;
            return (row?.n ?? 0) >= calls ? true : undefined;
          },
          { timeoutMs, intervalMs: 100 },
        ).then(() => undefined),
      close,
    };
    return harness;
  } catch (error) {
    keep = true;
    await close();
    throw error;
  }
}

function createScenario(args: { harness: Harness; label: string; base: NodeJS.ProcessEnv; onFailure: () => void }): Scenario {
  const { harness, label } = args;
  const prefix = `{faults-${label}}`;
  const env: NodeJS.ProcessEnv = { ...args.base, BOOKRUN_QUEUE_PREFIX: prefix };
  const started: ManagedProcess[] = [];

  const diagnose = async (runId: string) => {
    const parts = [await queueCounts(harness.redis.url, prefix)];
    parts.push(harness.procs.tails(`${label}-`, 20));
    parts.push(harness.pg.tail(10));
    const redisProc = harness.redis.process;
    if (redisProc) parts.push(redisProc.tail(10));
    return `${runId}\n${parts.join('\n')}`;
  };

  return {
    prefix,
    env,
    async startWorker(options) {
      const worker = await harness.procs.spawnBookrun({
        name: `${label}-w${started.length + 1}`,
        args: ['worker', '--concurrency', String(options.concurrency)],
        dir: harness.dir,
        // BOOKRUN_CONCURRENCY as well: the flag sizes the worker, but the process's HTTP sockets
        // and adaptive-concurrency start come from the config value (see the suite's report).
        env: { ...env, BOOKRUN_CONCURRENCY: String(options.concurrency), ...options.env },
        ready: { stream: 'stderr', pattern: /bookrun worker ready/, timeoutMs: 60_000 },
      });
      started.push(worker);
      return worker;
    },
    startRun: () => startRun(harness.book, env),
    workers: () => started,
    logLines: (pattern) => started.flatMap((w) => w.output('stderr').filter((l) => pattern.test(l))),
    diagnose,
    async settle(runId, report) {
      let end: RunEnd;
      try {
        end = await waitForRunEnd(harness.sql, runId, { timeoutMs: report.timeoutMs ?? RUN_TIMEOUT_MS, diagnose: () => diagnose(runId) });
      } catch (error) {
        args.onFailure();
        const measure = await measureRun(harness.sql, runId, harness.book.accounts).catch(() => undefined);
        recordOutcome({
          suite: 'run',
          fault: report.fault,
          lost: measure?.lost ?? harness.book.accounts,
          duplicated: measure?.duplicated ?? 0,
          extraCalls: measure?.extraCalls ?? 0,
          kills: report.kills(),
          seconds: (Date.now() - report.startedAt) / 1000,
          notes: ['RUN DID NOT END', report.notes?.(), measure && summarize(measure)].filter(Boolean).join('; '),
          passed: false,
        });
        // Stops the stuck run for good, so a later scenario's reconcile does not pick it up again.
        await harness.sql`update runs set status = 'cancelled', error = 'fault suite: did not end in time' where id = ${runId} and status in ('pending', 'running', 'paused')`.catch(() => {});
        throw error;
      }
      const measure = await measureRun(harness.sql, runId, harness.book.accounts);
      const broken = violations(measure, report.expect);
      if (broken.length) args.onFailure();
      recordOutcome({
        suite: 'run',
        fault: report.fault,
        lost: measure.lost,
        duplicated: measure.duplicated,
        extraCalls: measure.extraCalls,
        kills: report.kills(),
        seconds: (Date.now() - report.startedAt) / 1000,
        notes: [report.notes?.(), summarize(measure), broken.length ? `VIOLATED: ${broken.join('; ')}` : ''].filter(Boolean).join('; '),
        passed: broken.length === 0,
      });
      return { end, measure, violations: broken };
    },
    async stopWorkers() {
      await Promise.all(started.filter((w) => w.isRunning).map((w) => w.kill9()));
    },
  };
}

/** BullMQ job counts of the scenario's queues, read with a short-lived client. */
async function queueCounts(url: string, prefix: string): Promise<string> {
  const connection = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000, enableOfflineQueue: false, lazyConnect: true });
  connection.on('error', () => {});
  try {
    await connection.connect();
    const lines: string[] = [];
    for (const name of ['run', 'llm']) {
      const queue = new Queue(name, { connection, prefix });
      queue.on('error', () => {});
      const counts = await queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'waiting-children', 'completed', 'failed');
      lines.push(`queue ${prefix}:${name} ${JSON.stringify(counts)}`);
      await queue.close();
    }
    return lines.join('\n');
  } catch (error) {
    return `queue counts unavailable: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    connection.disconnect();
  }
}
