/**
 * What the schedule services need: Postgres, the queues and a clock — not the LLM, skills or
 * budgets of a full `Deps`, so `bookrun schedule set|list|remove` open no stand-in and load no
 * skills. A full `Deps` satisfies it.
 */
import { checkDatabase, createDb } from '../../db/client.ts';
import type { Config } from '../config.ts';
import type { Deps, Logger } from '../deps.ts';
import { createRedis, pingRedis } from '../queue/connection.ts';
import { createQueues } from '../queue/queues.ts';

export type ScheduleDeps = Pick<Deps, 'db' | 'queues' | 'clock' | 'log'>;

/** Opens Postgres and Redis (checked, with what to do when either is down) and the queues. */
export async function openScheduleDeps(config: Config, log: Logger): Promise<ScheduleDeps & { close(): Promise<void> }> {
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const fn of closers.reverse()) await fn().catch(() => {});
  };
  try {
    const handle = createDb(config.databaseUrl, { max: 2 });
    closers.push(() => handle.close());
    await checkDatabase(handle, config.databaseUrl);
    let lastError = '';
    const redis = createRedis(config.redisUrl, (error) => {
      // ioredis reports every reconnect attempt; one line per distinct error is enough.
      if (error.message !== lastError) log.warn(`redis: ${(lastError = error.message)}`);
    });
    closers.push(async () => redis.quit());
    await pingRedis(redis, config.redisUrl);
    const queues = createQueues(redis, config.queuePrefix, (e) => log.warn(`queue: ${e.message}`));
    closers.push(() => queues.close());
    return { db: handle.db, queues, clock: () => new Date(), log, close };
  } catch (error) {
    await close();
    throw error;
  }
}
