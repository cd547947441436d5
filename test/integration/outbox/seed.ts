/**
 * Fixtures for outbox tests: a book whose accounts each have a contact and a review item with a
 * brief, a tier and a draft addressed to that contact (filed through fileArtifactsMany, as a run's
 * finalize files them), plus a manager. `approveAll` accepts every item through decideReviewItem.
 */
import type { Db } from '../../../db/client.ts';
import { contacts, reps } from '../../../db/schema/index.ts';
import { decideReviewItem, fileArtifactsMany } from '../../../src/review/index.ts';
import { seedBook, seedRun, type SeededBook } from '../review/seed.ts';

export type DraftedItem = { itemId: string; accountId: string; ownerRepId: string; recipient: string; subject: string; body: string };

export type DraftedWorld = { book: SeededBook; runId: string; managerId: string; items: DraftedItem[] };

export async function seedDraftedItems(db: Db, { count, repCount = 2 }: { count: number; repCount?: number }): Promise<DraftedWorld> {
  const book = await seedBook(db, { accountCount: count, repCount });
  const [manager] = await db
    .insert(reps)
    .values({ email: `manager-${book.bookId.slice(0, 8)}@example.test`, name: 'Manager', role: 'manager' })
    .returning({ id: reps.id });
  if (!manager) throw new Error('no manager');
  const runId = await seedRun(db, book.bookId);
  const recipientOf = (i: number) => `buyer${i}@account${i}.example`;
  await db.insert(contacts).values(book.accountIds.map((accountId, i) => ({ accountId, key: recipientOf(i), name: `Buyer ${i}`, title: 'VP Operations', email: recipientOf(i) })));
  const filed = await fileArtifactsMany(
    db,
    book.accountIds.map((accountId, i) => ({
      runId,
      accountId,
      sampleRate: 0,
      artifacts: [
        { workflow: 'research' as const, skillName: 'research', skillVersion: 'v1', model: 'm', content: { summary: `brief ${i}` } },
        { workflow: 'prioritization' as const, skillName: 'prioritization', skillVersion: 'v1', model: 'm', content: { tier: 'A' } },
        {
          workflow: 'drafting' as const,
          skillName: 'drafting',
          skillVersion: 'v1',
          model: 'm',
          content: { to: recipientOf(i), recipientName: `Buyer ${i}`, subject: `Idea for account ${i}`, body: `Hello Buyer ${i}, a short note.`, citations: [], riskFlags: [] },
        },
      ],
    })),
  );
  const items = filed.map((f, i) => {
    const accountId = book.accountIds[i] ?? '';
    if (!f.reviewItemId) throw new Error(`account ${accountId} got no review item`);
    return { itemId: f.reviewItemId, accountId, ownerRepId: book.ownerOf.get(accountId) ?? '', recipient: recipientOf(i), subject: `Idea for account ${i}`, body: `Hello Buyer ${i}, a short note.` };
  });
  return { book, runId, managerId: manager.id, items };
}

/** The world's `i`th item; a missing one fails the test instead of passing `undefined` on. */
export function itemAt(world: DraftedWorld, i: number): DraftedItem {
  const found = world.items[i];
  if (!found) throw new Error(`no item ${i}`);
  return found;
}

/** Accepts every item as its owner rep; returns the outbox keys queued. */
export async function approveAll(db: Db, items: readonly DraftedItem[]): Promise<string[]> {
  const keys: string[] = [];
  for (const item of items) {
    const decided = await decideReviewItem(db, { itemId: item.itemId, deciderRepId: item.ownerRepId, verdict: 'accepted' });
    keys.push(...decided.outbox.map((o) => o.idempotencyKey));
  }
  return keys;
}
