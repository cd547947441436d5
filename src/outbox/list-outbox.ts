/** The outbox as operators see it: rows newest first, optionally of one status, with counts per status. */
import { desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import { outbox, OUTBOX_STATUSES, type OutboxKind, type OutboxStatus } from '../../db/schema/index.ts';
import { AppError } from '../errors.ts';

export const ListOutboxInput = z.object({
  status: z.enum(OUTBOX_STATUSES).optional(),
  /** @defaultValue 50 (max 1,000) */
  limit: z.number().int().min(1).max(1_000).default(50),
});
export type ListOutboxInput = z.input<typeof ListOutboxInput>;

export type OutboxListRow = {
  id: string;
  kind: OutboxKind;
  idempotencyKey: string;
  reviewItemId: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  leaseUntil: Date | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
};

export type OutboxList = { rows: OutboxListRow[]; counts: Record<OutboxStatus, number> };

export async function listOutbox(db: DbOrTx, input: ListOutboxInput = {}): Promise<OutboxList> {
  const parsed = ListOutboxInput.safeParse(input);
  if (!parsed.success) throw new AppError('validation', `listOutbox: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const { status, limit } = parsed.data;
  const rows = await db
    .select({
      id: outbox.id,
      kind: outbox.kind,
      idempotencyKey: outbox.idempotencyKey,
      reviewItemId: outbox.reviewItemId,
      status: outbox.status,
      attempts: outbox.attempts,
      nextAttemptAt: outbox.nextAttemptAt,
      leaseUntil: outbox.leaseUntil,
      lastError: outbox.lastError,
      createdAt: outbox.createdAt,
      deliveredAt: outbox.deliveredAt,
    })
    .from(outbox)
    .where(status ? eq(outbox.status, status) : undefined)
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(limit);
  const grouped = await db.select({ status: outbox.status, n: sql<number>`count(*)::int` }).from(outbox).groupBy(outbox.status);
  const counts = Object.fromEntries(OUTBOX_STATUSES.map((s) => [s, 0])) as Record<OutboxStatus, number>;
  for (const g of grouped) counts[g.status] = g.n;
  return { rows, counts };
}
