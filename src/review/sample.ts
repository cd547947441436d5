/**
 * The deterministic sampling draw for review: briefs and tiers of undrafted accounts reach a rep
 * at the configured rate so their accept rates are measured honestly. Deterministic per
 * (run, account), so a retried finalize makes the same decision instead of drawing again.
 */
import { createHash } from 'node:crypto';

/** A uniform value in [0, 1) fixed by run and account (48 bits of SHA-256). */
export function sampleDraw(runId: string, accountId: string): number {
  const digest = createHash('sha256').update(`${runId}\u0000${accountId}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** True when the account's brief and tier go to review in this run; rate 0 never, rate 1 always. */
export function isSampled(runId: string, accountId: string, rate: number): boolean {
  return sampleDraw(runId, accountId) < rate;
}
