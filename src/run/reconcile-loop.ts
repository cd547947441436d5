/**
 * Runs reconcile (./reconcile.ts) when a worker process starts and then every `everyMs`, one
 * process at a time across the fleet: a Redis lock (SET NX PX) lets the first worker of each
 * period do it. It also recreates nightly Job Schedulers Redis lost (src/schedule). After Redis lost its data the lock is gone too, so the next tick runs at once.
 */
import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { messageOf } from '../errors.ts';
import { ensureSchedulers } from '../schedule/index.ts';
import { reconcileRuns, type ReconcileReport } from './reconcile.ts';

export type Reconciler = { stop(): Promise<void>; runOnce(): Promise<ReconcileReport | undefined> };

export function startReconciler(deps: Pick<Deps, 'db' | 'queues' | 'redis' | 'log'>, everyMs: number): Reconciler {
  const lockKey = `${deps.queues.prefix}:reconcile-lock`;
  const me = randomUUID();
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  let busy = false;

  async function runOnce(): Promise<ReconcileReport | undefined> {
    // The lock lives a little less than a period, so the next tick (of any worker) may take it.
    const took = await deps.redis.set(lockKey, me, 'PX', Math.max(250, everyMs - 100), 'NX');
    if (took !== 'OK') return undefined;
    // Schedulers first: after Redis lost its data, tonight's trigger is the one thing Postgres
    // alone cannot replay once its time has passed.
    await ensureSchedulers(deps);
    return reconcileRuns(deps);
  }

  const tick = () => {
    // A pass slower than the period (a huge book, a slow Redis) is not overlapped by the next.
    if (stopped || busy) return;
    busy = true;
    running = runOnce()
      .catch((error: unknown) => deps.log.warn(`reconcile: ${messageOf(error)} (will try again in ${Math.round(everyMs / 1000)} s)`))
      .finally(() => {
        busy = false;
      });
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
