/**
 * Named crash points ("recovery points"): the fault suite starts a worker or relay with
 * BOOKRUN_FAULT_AT=<point> and it kills itself with SIGKILL there — no cleanup, no `finally`, as a
 * power cut or OOM kill would — after passing the point BOOKRUN_FAULT_SKIP times. Unarmed (every
 * real deployment) a crash point is one comparison.
 */
import type { FaultConfig } from '../config.ts';

export const CRASH_POINTS = ['before_call', 'after_call', 'after_write', 'relay_before_send', 'relay_after_send', 'relay_after_record'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

let armed: { at: string; remaining: number } | undefined;

/** Called once by an entry point (worker, relay) with the parsed configuration. */
export function armCrashPoints(fault: FaultConfig): void {
  armed = fault.at ? { at: fault.at, remaining: fault.skip } : undefined;
}

export function crashPoint(point: CrashPoint): void {
  if (!armed || armed.at !== point) return;
  if (armed.remaining-- > 0) return;
  process.stderr.write(`bookrun: crash point ${point} reached (BOOKRUN_FAULT_AT); killing pid ${process.pid}\n`);
  process.kill(process.pid, 'SIGKILL');
}
