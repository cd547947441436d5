/**
 * Everything a pipeline test needs, isolated: its own database, its own queue prefix on the real
 * Redis, a stand-in it owns, and Deps built the way the CLI builds them.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../src/config.ts';
import { createDeps, type Deps } from '../../src/deps.ts';
import type { LlmEndpoint } from '../../src/llm/index.ts';
import { startStandin, type Standin } from '../../src/standin/server.ts';
import type { StandinOptionsInput } from '../../src/standin/options.ts';
import { createTestDb, type TestDb } from './db.ts';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export type PipelineEnv = {
  db: TestDb;
  standin: Standin;
  config: Config;
  prefix: string;
  /** Deps with a quiet logger whose lines are kept in `logs`. */
  deps(overrides?: { env?: Record<string, string> }): Promise<Deps>;
  logs: string[];
  cleanup(): Promise<void>;
};

export async function createPipelineEnv(options: { standin?: StandinOptionsInput; env?: Record<string, string> } = {}): Promise<PipelineEnv> {
  const db = await createTestDb();
  // High limits: tests measure behaviour, not the stand-in's rate limiter.
  const standin = await startStandin({ rpm: 1_000_000, itpm: 1e9, otpm: 1e9, batchDelayMs: 20, ...options.standin });
  const prefix = `{bookrun-test-${randomUUID().slice(0, 8)}}`;
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL,
    BOOKRUN_QUEUE_PREFIX: prefix,
    BOOKRUN_CONCURRENCY: '16',
    ...options.env,
  };
  const config = loadConfig(env);
  const endpoint: LlmEndpoint = { mode: 'custom', baseURL: standin.url, apiKey: 'test-key', close: async () => {} };
  const logs: string[] = [];
  const built: Deps[] = [];
  return {
    db,
    standin,
    config,
    prefix,
    logs,
    async deps(overrides = {}) {
      const cfg = overrides.env ? loadConfig({ ...env, ...overrides.env }) : config;
      const deps = await createDeps(cfg, { llmEndpoint: endpoint, log: { info: (l) => logs.push(l), warn: (l) => logs.push(l) } });
      built.push(deps);
      return deps;
    },
    async cleanup() {
      for (const d of built) await d.close();
      await removeKeys(prefix);
      await standin.close();
      await db.drop();
    },
  };
}

/** Deletes every Redis key under a test's queue prefix. */
export async function removeKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * Loses every key under a test's queue prefix at once, as a Redis restart without persistence
 * loses them: one Lua script, so no worker sees half the keys gone (a SCAN + DEL sweep would leave
 * a job's hash without its list entry, a state no real data loss produces).
 */
export async function wipeKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  try {
    const script = "local keys = redis.call('KEYS', ARGV[1]) for i = 1, #keys, 5000 do redis.call('DEL', unpack(keys, i, math.min(i + 4999, #keys))) end return #keys";
    return Number(await redis.eval(script, 0, `${prefix}:*`));
  } finally {
    redis.disconnect();
  }
}
