/**
 * Redis clients for BullMQ. BullMQ's ESM build cannot `require('ioredis')` itself, so every
 * Queue, Worker and FlowProducer gets an ioredis instance from here.
 *
 * One client per process serves queues and workers, so it takes the worker setting:
 * `maxRetriesPerRequest: null` (BullMQ throws otherwise; blocking commands must wait through a
 * Redis restart instead of failing the job). Entry points check it with `pingRedis` first, so a
 * Redis that is down is reported at once instead of hanging.
 */
import { Redis } from 'ioredis';

export function createRedis(url: string, onError: (error: Error) => void): Redis {
  // ioredis 6 speaks RESP3 with its default "legacy" reply mapping, the shapes BullMQ's scripts expect.
  const client = new Redis(url, { maxRetriesPerRequest: null });
  // Without a listener ioredis prints "Unhandled error event" for every reconnect attempt.
  client.on('error', onError);
  return client;
}

/** Resolves once Redis answers PING, or throws a message that says what to do. */
export async function pingRedis(client: Redis, url: string, timeoutMs = 5_000): Promise<void> {
  const timeout = new Promise<never>((_, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([client.ping(), timeout]);
  } catch (error) {
    const where = new URL(url);
    if (where.password) where.password = '***';
    throw new Error(
      `Redis is not reachable at ${where.toString()} (${error instanceof Error ? error.message : String(error)}); start it with: bash scripts/services`,
      { cause: error },
    );
  }
}

/**
 * What in the server's settings could lose jobs: an eviction policy other than `noeviction`
 * drops job keys under memory pressure, and without AOF a restart forgets every job since the
 * last snapshot (reconcile then rebuilds from Postgres, but a nightly run loses time). Managed
 * servers may refuse CONFIG; then nothing can be said and nothing is reported.
 */
export async function redisDurabilityWarnings(client: Redis): Promise<string[]> {
  const get = async (key: string) => {
    try {
      const reply = (await client.call('CONFIG', 'GET', key)) as unknown;
      if (Array.isArray(reply)) return typeof reply[1] === 'string' ? reply[1] : undefined;
      if (reply && typeof reply === 'object') return (reply as Record<string, string>)[key];
      return undefined;
    } catch {
      return undefined;
    }
  };
  const warnings: string[] = [];
  const policy = await get('maxmemory-policy');
  if (policy !== undefined && policy !== 'noeviction')
    warnings.push(`Redis maxmemory-policy is ${policy}: under memory pressure it evicts job keys; set it to noeviction (redis-cli config set maxmemory-policy noeviction)`);
  const aof = await get('appendonly');
  if (aof === 'no') warnings.push('Redis runs without AOF: a restart forgets queued jobs (reconcile re-adds them from Postgres, at the cost of time); enable it with appendonly yes');
  return warnings;
}
