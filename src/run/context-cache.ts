/**
 * The account context is read once per account and run in a process, not once per step: the
 * three steps of an account usually run in the same worker, and within a run the context only
 * changes when finalize writes memory (which evicts it). Bounded, so a 100k-account run cannot
 * grow it without limit; a miss just reads Postgres again.
 */
import type { AccountContext } from '../agents/types.ts';

const MAX_ENTRIES = 5_000;

export class ContextCache {
  private readonly entries = new Map<string, AccountContext>();

  get(runId: string, accountId: string): AccountContext | undefined {
    return this.entries.get(`${runId}/${accountId}`);
  }

  put(runId: string, accountId: string, context: AccountContext): void {
    this.entries.set(`${runId}/${accountId}`, context);
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  evict(runId: string, accountId: string): void {
    this.entries.delete(`${runId}/${accountId}`);
  }
}
