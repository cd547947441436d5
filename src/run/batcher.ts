/**
 * Group commit for the hot path. Under load many jobs of a worker process reach the same
 * statement in the same turn of the event loop; a batcher serves all of them with one statement
 * (one round trip, one socket write, one plan) instead of one each. A lone caller waits only until
 * the current turn ends, so an idle system sees no extra latency worth measuring.
 *
 * A batch that fails is retried item by item, so one bad item fails only its own caller.
 */

export type BatcherOptions<I> = {
  /** Items per statement at most; bigger turns are split. */
  maxBatch: number;
  /**
   * Items with the same key never share a batch (e.g. two writes of one account's memory, which
   * must see each other): a repeat waits for the next batch.
   */
  keyOf?: (item: I) => string;
  /**
   * Batches in flight at most; items arriving meanwhile wait and go together. The busier the
   * system, the bigger the batches (classic group commit). @defaultValue Infinity
   */
  maxInFlight?: number;
};

type Pending<I, O> = { item: I; resolve: (value: O) => void; reject: (error: unknown) => void };

/**
 * Returns a function that queues one item and resolves with its result. `run` receives a batch
 * and must return one result per item, in order.
 */
export function createBatcher<I, O>(run: (items: I[]) => Promise<O[]>, options: BatcherOptions<I>): (item: I) => Promise<O> {
  let queue: Array<Pending<I, O>> = [];
  let scheduled = false;
  let inFlight = 0;
  const maxInFlight = options.maxInFlight ?? Number.POSITIVE_INFINITY;

  const runOne = async (p: Pending<I, O>) => {
    try {
      const [result] = await run([p.item]);
      p.resolve(result as O);
    } catch (error) {
      p.reject(error);
    }
  };

  const flush = async (batch: Array<Pending<I, O>>) => {
    if (batch.length === 1) return runOne(batch[0] as Pending<I, O>);
    let results: O[];
    try {
      results = await run(batch.map((p) => p.item));
      if (results.length !== batch.length) throw new Error(`batch returned ${results.length} results for ${batch.length} items`);
    } catch {
      // Isolate the failure: each item on its own, so only the bad one's caller sees an error.
      await Promise.all(batch.map(runOne));
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i] as O));
  };

  const schedule = () => {
    if (scheduled || queue.length === 0 || inFlight >= maxInFlight) return;
    scheduled = true;
    setImmediate(drain);
  };

  const drain = () => {
    scheduled = false;
    const waiting = queue;
    queue = [];
    while (waiting.length > 0) {
      if (inFlight >= maxInFlight) {
        queue = waiting.concat(queue);
        return;
      }
      const batch: Array<Pending<I, O>> = [];
      const keys = new Set<string>();
      const rest: Array<Pending<I, O>> = [];
      for (const p of waiting) {
        const key = options.keyOf?.(p.item);
        if (batch.length >= options.maxBatch || (key !== undefined && keys.has(key))) rest.push(p);
        else {
          batch.push(p);
          if (key !== undefined) keys.add(key);
        }
      }
      waiting.splice(0, waiting.length, ...rest);
      inFlight += 1;
      void flush(batch).finally(() => {
        inFlight -= 1;
        schedule();
      });
    }
  };

  return (item: I) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
}
