/**
 * `npm run bench` — the nightly run at zero model latency against a plain BullMQ + Postgres
 * 3-stage chain measured in the same process run, and their ratio (target ≤ 3.0 on 2 cores).
 *
 * Both use the same Redis, Postgres, process and worker concurrency. The stand-in runs in a
 * child process, as Claude would run elsewhere: its CPU is not bookrun's cost. Each part runs in
 * a fresh database and queue prefix, removed afterwards.
 *
 *   npm run bench -- [--accounts 4000] [--concurrency 48] [--json]
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

const { values } = parseArgs({
  options: { accounts: { type: 'string', default: '4000' }, concurrency: { type: 'string', default: '48' }, json: { type: 'boolean', default: false } },
});
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
async function startStandinProcess(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['bin/bookrun.js', 'standin', '--port', '0', '--rpm', '100000000', '--itpm', '100000000000', '--otpm', '100000000000'], {
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
