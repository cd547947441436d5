/**
 * The queues of one process. Jobs keep finished entries for three days so a duplicate enqueue
 * during a run is still recognised by its job id (queue-and-durability.md §2.7); Postgres is
 * the real guard after that.
 */
import { FlowProducer, Queue, type DefaultJobOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUES, type QueueName } from './names.ts';

const DAY_S = 24 * 3600;

export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  removeOnComplete: { age: 3 * DAY_S, count: 200_000 },
  removeOnFail: { age: 14 * DAY_S },
};

export type Queues = {
  prefix: string;
  run: Queue;
  llm: Queue;
  flows: FlowProducer;
  byName(name: QueueName): Queue;
  close(): Promise<void>;
};

export function createQueues(connection: Redis, prefix: string, onError: (error: Error) => void): Queues {
  const make = (name: QueueName) => {
    const queue = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
    queue.on('error', onError);
    return queue;
  };
  const run = make(QUEUES.run);
  const llm = make(QUEUES.llm);
  const flows = new FlowProducer({ connection, prefix });
  flows.on('error', onError);
  const all = { run, llm };
  return {
    prefix,
    run,
    llm,
    flows,
    byName: (name) => all[name],
    async close() {
      await Promise.all([run.close(), llm.close(), flows.close()]);
    },
  };
}
