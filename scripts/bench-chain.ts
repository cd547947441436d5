/**
 * The baseline of `npm run bench`: a plain BullMQ + Postgres 3-stage chain per account — the
 * least any queue-driven pipeline must do — with the same Redis, Postgres, process and
 * concurrency as the bookrun run it is compared with.
 */
import { randomUUID } from 'node:crypto';
import { FlowProducer, Worker, type FlowJob } from 'bullmq';
import type { Redis } from 'ioredis';
import type postgres from 'postgres';

export type ChainResult = { accounts: number; jobs: number; seconds: number; jobsPerSecond: number };

export type ChainOptions = {
  redis: Redis;
  sql: postgres.Sql;
  accounts: number;
  concurrency: number;
  prefix: string;
  /** Extra work per stage (e.g. one model call), to measure a floor that includes it. */
  work?: (account: number, stage: number) => Promise<void>;
};

export async function benchPlainChain(options: ChainOptions): Promise<ChainResult> {
  const { redis, sql, accounts, concurrency, prefix, work } = options;
  const table = `bench_chain_${randomUUID().slice(0, 8)}`;
  await sql.unsafe(`create table ${table} (account int, stage int, payload jsonb, primary key (account, stage))`);
  const queue = 'chain';
  let finished = 0;
  const cleanup: Array<() => Promise<unknown>> = [];
  const done = new Promise<void>((resolve) => {
    const worker = new Worker(
      queue,
      async (job) => {
        const { account, stage } = job.data as { account: number; stage: number };
        // Each stage reads its predecessor's row and writes its own (durably, like any step
        // result): the minimum a memoized chain does.
        if (stage > 1) await sql.unsafe(`select payload from ${table} where account = $1 and stage = $2`, [account, stage - 1]);
        if (work) await work(account, stage);
        await sql.unsafe(`insert into ${table} values ($1, $2, $3) on conflict do nothing`, [account, stage, JSON.stringify({ account, stage })]);
        if (stage === 3 && ++finished === accounts) resolve();
        return { ok: true };
      },
      { connection: redis, prefix, concurrency },
    );
    cleanup.push(() => worker.close());
  });
  const flows = new FlowProducer({ connection: redis, prefix });
  const started = performance.now();
  const flow = (account: number): FlowJob => ({
    name: 'stage3',
    queueName: queue,
    data: { account, stage: 3 },
    opts: { jobId: `c-${account}-3`, priority: account * 3 + 1, removeOnComplete: true },
    children: [
      {
        name: 'stage2',
        queueName: queue,
        data: { account, stage: 2 },
        opts: { jobId: `c-${account}-2`, priority: account * 3 + 2, failParentOnFailure: true, removeOnComplete: true },
        children: [{ name: 'stage1', queueName: queue, data: { account, stage: 1 }, opts: { jobId: `c-${account}-1`, priority: account * 3 + 3, failParentOnFailure: true, removeOnComplete: true } }],
      },
    ],
  });
  for (let i = 0; i < accounts; i += 250) {
    await flows.addBulk(Array.from({ length: Math.min(250, accounts - i) }, (_, j) => flow(i + j + 1)));
  }
  await done;
  const seconds = (performance.now() - started) / 1000;
  for (const fn of cleanup) await fn();
  await flows.close();
  await sql.unsafe(`drop table ${table}`);
  return { accounts, jobs: accounts * 3, seconds, jobsPerSecond: (accounts * 3) / seconds };
}
