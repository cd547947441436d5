/**
 * Builds the plain dependency bag every job and service receives (reference/style.md C9):
 * database, Redis, queues, the LLM client, the validated skills, the pipeline policy, a clock
 * and a logger. Built once by an entry point (CLI command, worker process, test) and closed on
 * shutdown, in reverse order of creation.
 */
import type { Redis } from 'ioredis';
import { checkDatabase, createDb, type Db, type DbHandle } from '../db/client.ts';
import { createBudgets, type Budgets } from './budget/budgets.ts';
import { createConcurrencyController } from './budget/concurrency.ts';
import { createRateLimiter } from './budget/rate-limit.ts';
import type { Config, PipelinePolicy } from './config.ts';
import { clientFor, connectLlm, describeEndpoint, type LlmClient, type LlmEndpoint } from './llm/index.ts';
import { createHttpFetch } from './llm/http-fetch.ts';
import { createRedis, pingRedis } from './queue/connection.ts';
import { createQueues, type Queues } from './queue/queues.ts';
import { ContextCache } from './run/context-cache.ts';
import { createHotPath, type HotPath } from './run/hot-path.ts';
import { createProvider, type Provider } from './run/provider-gate.ts';
import { loadSkills, requireSkills, type Skill } from './skills/index.ts';

/** The skills a run needs, one per workflow. */
export const PIPELINE_SKILLS = ['research', 'prioritization', 'drafting'] as const;
export type PipelineSkills = Record<(typeof PIPELINE_SKILLS)[number], Skill>;

export type Logger = { info(line: string): void; warn(line: string): void };

export type Deps = {
  config: Config;
  db: Db;
  dbHandle: DbHandle;
  /** Shared by queues, flow producer and workers (workers duplicate it for blocking reads). */
  redis: Redis;
  queues: Queues;
  llm: LlmClient;
  llmEndpoint: LlmEndpoint;
  skills: PipelineSkills;
  policy: PipelinePolicy;
  /** Account contexts read in this process, shared by an account's steps. */
  contexts: ContextCache;
  /** The run steps' reads and writes, group-committed per event-loop turn. */
  hot: HotPath;
  /** Run budgets: reservations in Redis, mirrored in the ledger. */
  budgets: Budgets;
  /** The provider's rate limits, shared by the fleet, and the adaptive concurrency cap. */
  provider: Provider;
  clock: () => Date;
  log: Logger;
  close(): Promise<void>;
};

export type DepsOverrides = {
  log?: Logger;
  clock?: () => Date;
  /** Use this LLM endpoint instead of deciding from config (tests pass a stand-in they own). */
  llmEndpoint?: LlmEndpoint;
};

/**
 * Validates the skills first: a missing or malformed SKILL.md stops everything before any
 * connection is opened or any token is spent.
 */
export async function createDeps(config: Config, overrides: DepsOverrides = {}): Promise<Deps> {
  const log = overrides.log ?? { info: (l) => process.stderr.write(`${l}\n`), warn: (l) => process.stderr.write(`${l}\n`) };
  const skills = requireSkills(await loadSkills(config.skillsDir), PIPELINE_SKILLS);

  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const fn of closers.reverse()) await fn().catch(() => {});
  };
  try {
    let lastRedisError = '';
    const onRedisError = (error: Error) => {
      // ioredis reports every reconnect attempt; one line per distinct error is enough.
      if (error.message === lastRedisError) return;
      lastRedisError = error.message;
      log.warn(`redis: ${error.message}`);
    };
    const redis = createRedis(config.redisUrl, onRedisError);
    closers.push(async () => redis.quit());
    await pingRedis(redis, config.redisUrl);

    const dbHandle = createDb(config.databaseUrl, { max: config.dbPool });
    closers.push(() => dbHandle.close());
    await checkDatabase(dbHandle, config.databaseUrl);

    const queues = createQueues(redis, config.queuePrefix, (e) => log.warn(`queue: ${e.message}`));
    closers.push(() => queues.close());

    const llmEndpoint = overrides.llmEndpoint ?? (await connectLlm(config));
    if (!overrides.llmEndpoint) closers.push(() => llmEndpoint.close());
    // A lean keep-alive fetch: undici's costs the worker more CPU per call than the step around it.
    const httpFetch = createHttpFetch({ maxSockets: Math.max(64, config.concurrency) });
    // Registered after the endpoint's closer, so (closing in reverse) sockets go before the stand-in.
    closers.push(async () => httpFetch.close());
    // Steps ledger their calls through each call's own `onCall` (src/run/account-step.ts).
    const llm = clientFor(config, llmEndpoint, { fetch: httpFetch });
    log.info(`model calls go to ${describeEndpoint(llmEndpoint)}`);

    const provider: Provider = createProvider(
      createRateLimiter(redis, { prefix: config.queuePrefix, limits: config.llm.limits }),
      // Fleet-wide cap on concurrent model-calling jobs: halved on a 429, then stepped back up.
      createConcurrencyController({
        apply: async (n) => {
          await queues.llm.setGlobalConcurrency(n);
          log.warn(`provider: concurrent model calls across the fleet now ${n}`);
        },
        initial: config.concurrency,
        max: Math.max(200, config.concurrency),
      }),
    );

    return {
      config,
      db: dbHandle.db,
      dbHandle,
      redis,
      queues,
      llm,
      llmEndpoint,
      skills,
      policy: config.policy,
      contexts: new ContextCache(),
      hot: createHotPath(dbHandle),
      budgets: createBudgets({
        redis,
        sql: dbHandle.sql,
        prefix: config.queuePrefix,
        // Longer than any call can take with its SDK retries, so only a dead worker's reservation expires.
        leaseMs: config.llm.timeoutMs * (config.llm.maxRetries + 1) + 60_000,
      }),
      provider,
      clock: overrides.clock ?? (() => new Date()),
      log,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
