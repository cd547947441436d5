/**
 * `npm run bench` — the nightly run at zero model latency against a plain BullMQ + Postgres
 * 3-stage chain measured in the same process run, and their ratio (target ≤ 3.0 on 2 cores).
 *
 * Both use the same Redis, Postgres, process and worker concurrency. The stand-in runs in a
 * child process, as Claude would run elsewhere: its CPU is not bookrun's cost. Each part runs in
 * a fresh database and queue prefix, removed afterwards.
 *
 * Then rate-limit saturation: a smaller book against a stand-in enforcing 600 requests per minute
 * — the sustained rate achieved past the first minute's allowance, as a share of the limit
 * (target ≥ 90%, no failed account) — and the cost table (issue 4): the same book run naively — one large model for every stage, no
 * prompt caching, drafts for every tier — against bookrun's defaults (the run above) and batch
 * mode, each priced from its ledger. Targets: defaults ≤ 40% of naive, batch ≤ 20%.
 *
 * Last, review-UI timings (scripts/bench-review-ui.ts): the queue page with 4,000 pending items for
 * one rep (target p95 < 100 ms) and the accept action's round trip (target p95 < 50 ms).
 *
 *   npm run bench -- [--accounts 4000] [--concurrency 48] [--no-cost] [--no-saturation] [--no-review-ui] [--json]
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { migrateDatabase } from '../db/migrate.ts';
import { systemBlocks } from '../src/agents/index.ts';
import { importBook, writeGeneratedBook } from '../src/book/index.ts';
import { loadConfig } from '../src/config.ts';
import { createDeps } from '../src/deps.ts';
import { awaitRun } from '../src/run/await-run.ts';
import { startRun } from '../src/run/start-run.ts';
import { summarizeRun } from '../src/run/summary.ts';
import { startWorkers } from '../src/run/workers.ts';
import { benchPlainChain } from './bench-chain.ts';
import { benchReviewUi, formatReviewUi } from './bench-review-ui.ts';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '48' },
    json: { type: 'boolean', default: false },
    'no-cost': { type: 'boolean', default: false },
    'no-saturation': { type: 'boolean', default: false },
    'no-review-ui': { type: 'boolean', default: false },
  },
});
/** The saturation part: a stand-in that enforces this many requests per minute, and a book that needs far more. */
const SATURATION_RPM = 600;
const SATURATION_ACCOUNTS = 400;
/** The naive configuration of the cost table: what an unconsidered pipeline would do. */
const NAIVE_ENV = { BOOKRUN_MODEL: 'claude-opus-5-5', BOOKRUN_PROMPT_CACHE: 'off', BOOKRUN_DRAFT_TIERS: 'A,B,C,D' };
const accounts = Number(values.accounts);
const concurrency = Number(values.concurrency);
const log = (line: string) => process.stderr.write(`${line}\n`);

const baseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/bookrun';
const dbName = `bookrun_bench_${randomUUID().slice(0, 8)}`;
const dbUrl = Object.assign(new URL(baseUrl), { pathname: `/${dbName}` }).toString();
const adminUrl = Object.assign(new URL(baseUrl), { pathname: '/postgres' }).toString();
const prefix = `{bookrun-bench-${randomUUID().slice(0, 8)}}`;
const csv = join(tmpdir(), `bookrun-bench-${accounts}.csv`);

/** Starts `bookrun standin` in a child process; resolves with its URL. */
async function startStandinProcess(rpm = 100_000_000): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['bin/bookrun.js', 'standin', '--port', '0', '--rpm', String(rpm), '--itpm', '100000000000', '--otpm', '100000000000'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`stand-in exited with ${code}`)));
    child.stdout.once('data', (chunk: Buffer) => {
      const match = /listening on (http:\/\/\S+)/.exec(chunk.toString());
      if (match?.[1]) resolve(match[1]);
      else reject(new Error(`unexpected stand-in output: ${chunk.toString()}`));
    });
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

async function main(): Promise<void> {
  log(`bench: ${accounts} accounts, concurrency ${concurrency}, database ${dbName}`);
  await migrateDatabase(dbUrl);
  await writeGeneratedBook({ accounts, seed: 1, out: csv });
  const standin = await startStandinProcess();
  const config = loadConfig({ ...process.env, DATABASE_URL: dbUrl, BOOKRUN_QUEUE_PREFIX: prefix, BOOKRUN_CONCURRENCY: String(concurrency), ANTHROPIC_BASE_URL: standin.url });
  const deps = await createDeps(config, { log: { info: () => {}, warn: log } });
  try {
    const report = await importBook({ db: deps.db, file: csv, bookName: 'bench' });
    log(`bench: imported ${report.imported} accounts (${report.quarantined} rows quarantined)`);

    log('bench: plain BullMQ + Postgres 3-stage chain …');
    const chain = await benchPlainChain({ redis: deps.redis, sql: deps.dbHandle.sql, accounts: report.imported, concurrency, prefix: `${prefix}-chain` });

    // Context, not the target: the same chain with one model call per stage through the same
    // client and stand-in — the floor any SDK-based pipeline of this shape pays.
    log('bench: the same chain with one model call per stage …');
    const system = systemBlocks(deps.skills.research);
    const withCalls = await benchPlainChain({
      redis: deps.redis,
      sql: deps.dbHandle.sql,
      accounts: report.imported,
      concurrency,
      prefix: `${prefix}-calls`,
      work: async (account, stage) => {
        await deps.llm.message({ skill: 'research', system, maxTokens: 1024, messages: [{ role: 'user', content: `Account ${account}, stage ${stage}: write a two-line brief.` }] });
      },
    });

    log('bench: bookrun run …');
    const started = performance.now();
    const { runId } = await startRun(deps, { bookName: 'bench' });
    const workers = startWorkers(deps, concurrency);
    await awaitRun(deps.db, runId, { pollMs: 100 });
    const seconds = (performance.now() - started) / 1000;
    await workers.close();
    const summary = await summarizeRun(deps.db, runId);
    const saturation = values['no-saturation'] ? undefined : await saturationRun(config);
    const cost = values['no-cost'] ? undefined : await costTable(config, csv, summary);
    const reviewUi = values['no-review-ui'] ? undefined : await benchReviewUi(deps.db, config, { log });
    // One run job plus three jobs per account (research, prioritize, draft + finalize).
    const jobs = 1 + summary.accounts * 3;
    const result = {
      accounts: summary.accounts,
      bookrun: { seconds: round(seconds), jobs, jobsPerSecond: round(jobs / seconds), llmCalls: summary.llmCalls, failed: summary.failed },
      plainChain: { seconds: round(chain.seconds), jobs: chain.jobs, jobsPerSecond: round(chain.jobsPerSecond) },
      chainWithModelCalls: { seconds: round(withCalls.seconds), jobs: withCalls.jobs, jobsPerSecond: round(withCalls.jobsPerSecond), modelCalls: withCalls.jobs },
      ratioToChainWithModelCalls: round(seconds / withCalls.seconds),
      ratio: round(seconds / chain.seconds),
      target: 3.0,
      ...(saturation ? { saturation } : {}),
      ...(cost ? { cost } : {}),
      ...(reviewUi ? { reviewUi } : {}),
    };
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      const row = (name: string, s: number, j: number, r: number) => `${name.padEnd(28)} ${s.toFixed(2).padStart(8)} s ${String(j).padStart(8)} jobs ${r.toFixed(0).padStart(7)} jobs/s`;
      process.stdout.write(
        [
          row(`bookrun run (${summary.accounts} acc.)`, result.bookrun.seconds, jobs, result.bookrun.jobsPerSecond),
          row('plain BullMQ + PG chain', result.plainChain.seconds, chain.jobs, result.plainChain.jobsPerSecond),
          row('  same + 1 model call/stage', result.chainWithModelCalls.seconds, withCalls.jobs, result.chainWithModelCalls.jobsPerSecond),
          `ratio (bookrun / plain wall time): ${result.ratio.toFixed(2)} (target ≤ ${result.target.toFixed(1)}); ${summary.llmCalls} model calls, ${summary.failed} failed accounts`,
          `for context, bookrun / chain with model calls: ${result.ratioToChainWithModelCalls.toFixed(2)}`,
          ...(saturation
            ? [
                '',
                `rate-limit saturation (${saturation.accounts} accounts, stand-in at ${saturation.rpm} RPM): ${saturation.calls} calls in ${saturation.seconds.toFixed(1)} s, ` +
                  `sustained ${saturation.sustainedRpm.toFixed(0)}/min past the first minute's allowance = ${(saturation.share * 100).toFixed(1)}% of the limit (target ≥ 90%); ` +
                  `${saturation.rateLimited} 429s, ${saturation.failed} failed accounts`,
              ]
            : []),
          ...(cost ? ['', ...formatCost(cost)] : []),
          ...(reviewUi ? ['', ...formatReviewUi(reviewUi)] : []),
          '',
        ].join('\n'),
      );
    }
  } finally {
    await deps.close();
    standin.stop();
    const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await sql.unsafe(`drop database if exists "${dbName}" with (force)`);
    await sql.end();
    await rm(csv, { force: true });
    await clearPrefix(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  }
}

type Saturation = { accounts: number; rpm: number; calls: number; seconds: number; sustainedRpm: number; share: number; rateLimited: number; failed: number };

/**
 * A run paced by the provider's limit. The stand-in's bucket starts full, so the first minute's
 * allowance goes out at once; what the limit really governs is the rate after it, which must
 * stay close to the refill rate. One model for every skill: the stand-in keeps one bucket for the
 * organization where the API keeps one per model.
 */
async function saturationRun(config: ReturnType<typeof loadConfig>): Promise<Saturation> {
  log(`bench: rate-limit saturation at ${SATURATION_RPM} RPM …`);
  const standin = await startStandinProcess(SATURATION_RPM);
  const cfg = loadConfig({
    ...process.env,
    DATABASE_URL: config.databaseUrl,
    BOOKRUN_QUEUE_PREFIX: prefix,
    BOOKRUN_CONCURRENCY: String(concurrency),
    ANTHROPIC_BASE_URL: standin.url,
    BOOKRUN_MODEL: 'claude-sonnet-5-5',
    BOOKRUN_PROVIDER_RPM: String(SATURATION_RPM),
    BOOKRUN_LLM_MAX_RETRIES: '0',
  });
  const d = await createDeps(cfg, { log: { info: () => {}, warn: () => {} } });
  const small = join(tmpdir(), `bookrun-bench-sat-${SATURATION_ACCOUNTS}.csv`);
  try {
    await writeGeneratedBook({ accounts: SATURATION_ACCOUNTS, seed: 2, out: small });
    await importBook({ db: d.db, file: small, bookName: 'bench-saturation' });
    const workers = startWorkers(d, concurrency);
    const t0 = performance.now();
    const { runId } = await startRun(d, { bookName: 'bench-saturation' });
    await awaitRun(d.db, runId, { pollMs: 100 });
    const seconds = (performance.now() - t0) / 1000;
    await workers.close();
    const summary = await summarizeRun(d.db, runId);
    const [row] = await d.dbHandle.sql<Array<{ n: number }>>`select count(*)::int as n from llm_calls where run_id = ${runId} and status = 'rate_limited'`;
    const calls = summary.llmCalls;
    const sustainedRpm = ((calls - SATURATION_RPM) / seconds) * 60;
    return { accounts: summary.accounts, rpm: SATURATION_RPM, calls, seconds: round(seconds), sustainedRpm: round(sustainedRpm), share: round(sustainedRpm / SATURATION_RPM), rateLimited: row?.n ?? 0, failed: summary.failed };
  } finally {
    await d.close();
    standin.stop();
    await rm(small, { force: true });
  }
}

type CostRow = { name: string; costUsd: number; drafts: number; llmCalls: number; share: number; target: number | null };

/** Runs the book naively and in batch mode, each as a fresh book (no memory from other runs). */
async function costTable(config: ReturnType<typeof loadConfig>, file: string, defaults: { costUsd: number; drafts: number; llmCalls: number }): Promise<CostRow[]> {
  const one = async (name: string, env: Record<string, string>, mode: 'realtime' | 'batch') => {
    log(`bench: cost run "${name}" …`);
    const cfg = loadConfig({ ...process.env, DATABASE_URL: config.databaseUrl, BOOKRUN_QUEUE_PREFIX: prefix, BOOKRUN_CONCURRENCY: String(concurrency), ANTHROPIC_BASE_URL: config.llm.baseURL ?? '', BOOKRUN_BATCH_POLL_MS: '200', ...env });
    const d = await createDeps(cfg, { log: { info: () => {}, warn: log } });
    try {
      await importBook({ db: d.db, file, bookName: `bench-${name}` });
      const workers = startWorkers(d, concurrency);
      const t0 = performance.now();
      const { runId } = await startRun(d, { bookName: `bench-${name}`, mode });
      await awaitRun(d.db, runId, { pollMs: 100 });
      const seconds = (performance.now() - t0) / 1000;
      await workers.close();
      log(`bench: "${name}" took ${seconds.toFixed(1)} s`);
      return await summarizeRun(d.db, runId);
    } finally {
      await d.close();
    }
  };
  const naive = await one('naive', NAIVE_ENV, 'realtime');
  const batch = await one('batch', {}, 'batch');
  const share = (c: number) => round((c / naive.costUsd) * 100) / 100;
  return [
    { name: 'naive (opus-5-5, no cache, all tiers)', costUsd: naive.costUsd, drafts: naive.drafts, llmCalls: naive.llmCalls, share: 1, target: null },
    { name: 'defaults (realtime)', costUsd: defaults.costUsd, drafts: defaults.drafts, llmCalls: defaults.llmCalls, share: share(defaults.costUsd), target: 0.4 },
    { name: 'batch mode', costUsd: batch.costUsd, drafts: batch.drafts, llmCalls: batch.llmCalls, share: share(batch.costUsd), target: 0.2 },
  ];
}

function formatCost(rows: CostRow[]): string[] {
  return [
    'cost of the same book, from the ledger:',
    ...rows.map(
      (r) =>
        `  ${r.name.padEnd(40)} $${r.costUsd.toFixed(2).padStart(8)}  ${String(r.drafts).padStart(5)} drafts  ${(r.share * 100).toFixed(1).padStart(5)}% of naive${r.target === null ? '' : ` (target ≤ ${(r.target * 100).toFixed(0)}%)`}`,
    ),
  ];
}

async function clearPrefix(url: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url);
  for (const p of [prefix, `${prefix}-chain`, `${prefix}-calls`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${p}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  }
  redis.disconnect();
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

await main();
