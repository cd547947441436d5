/**
 * The queue's filters, order and keyset paging (listReviewQueue) and its counts
 * (summarizeReviewQueue), checked against the same rows sorted and counted in JS. 250 items of
 * one rep over three runs — two created at the same instant — with duplicate account names, so
 * every tie-breaker of the order is exercised.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, artifacts, reviewItems, runs } from '../../../db/schema/index.ts';
import { AppError } from '../../../src/errors.ts';
import { decideReviewItem, listReviewQueue, summarizeReviewQueue, type ListReviewQueueInput, type ReviewQueueSummary } from '../../../src/review/index.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { fileQueueItems, seedBook, seedRun, type QueueItemSpec, type SeededBook } from './seed.ts';

type Row = { id: string; runId: string; runCreatedAt: Date; tier: string | null; name: string; subject: string | null; reason: string; status: string; ownerRepId: string | null };

let db: TestDb;
let book: SeededBook;
let olderRun: string;
let newerRun: string;
let twinRun: string;
const repA = () => book.repIds[0] ?? '';
const repB = () => book.repIds[1] ?? '';
const TIERS = ['A', 'B', 'C', 'D', null] as const;

beforeAll(async () => {
  db = await createTestDb();
  book = await seedBook(db.db, { accountCount: 250, repCount: 2 });
  // Forty names for 250 accounts: names repeat, so the item id must break ties. A search target
  // with a literal percent sign, too.
  await db.db.execute(sql`update accounts set name = 'Acct ' || lpad(((substr(external_id, 5)::int) % 40)::text, 2, '0') where book_id = ${book.bookId}`);
  await db.db.update(accounts).set({ name: 'Acme 100% Growth' }).where(eq(accounts.id, book.accountIds[2] ?? ''));
  olderRun = await seedRun(db.db, book.bookId, new Date('2025-03-01T02:00:00Z'));
  const at = new Date('2025-03-02T02:00:00Z');
  newerRun = await seedRun(db.db, book.bookId, at);
  twinRun = await seedRun(db.db, book.bookId, at);
  const mine = book.accountIds.filter((id) => book.ownerOf.get(id) === repA());
  const theirs = book.accountIds.filter((id) => book.ownerOf.get(id) === repB());
  const spec = (accountId: string, i: number): QueueItemSpec => ({
    accountId,
    tier: TIERS[i % 5] ?? null,
    drafted: i % 3 !== 0,
    subject: i % 7 === 0 ? `Renewal plan ${i}` : `Idea ${i}`,
  });
  await fileQueueItems(db.db, olderRun, mine.map(spec));
  await fileQueueItems(db.db, newerRun, mine.slice(0, 63).map((id, i) => spec(id, i + 1)));
  await fileQueueItems(db.db, twinRun, mine.slice(63).map((id, i) => spec(id, i + 2)));
  await fileQueueItems(db.db, newerRun, theirs.slice(0, 30).map(spec));
  // A few decided items of rep A: gone from the pending queue, present under `all`.
  const [decide1, decide2] = await db.db.select({ id: reviewItems.id }).from(reviewItems).where(eq(reviewItems.ownerRepId, repA())).limit(2);
  for (const d of [decide1, decide2]) if (d) await decideReviewItem(db.db, { itemId: d.id, deciderRepId: repA(), verdict: 'rejected', rejectReason: 'timing' });
});
afterAll(async () => db?.drop());

/** Every item with what the order and the filters look at. */
async function allRows(): Promise<Row[]> {
  const rows = await db.db
    .select({
      id: reviewItems.id,
      runId: reviewItems.runId,
      runCreatedAt: runs.createdAt,
      tier: reviewItems.tier,
      name: accounts.name,
      reason: reviewItems.reason,
      status: reviewItems.status,
      ownerRepId: reviewItems.ownerRepId,
    })
    .from(reviewItems)
    .innerJoin(runs, eq(runs.id, reviewItems.runId))
    .innerJoin(accounts, eq(accounts.id, reviewItems.accountId));
  const drafts = await db.db
    .select({ itemId: artifacts.reviewItemId, subject: sql<string>`${artifacts.content}->>'subject'` })
    .from(artifacts)
    .where(inArray(artifacts.workflow, ['drafting']));
  const subjectOf = new Map(drafts.map((d) => [d.itemId, d.subject]));
  return rows.map((r) => ({ ...r, subject: subjectOf.get(r.id) ?? null }));
}

/** The documented order: newest run (then run id), tier A→D then none, account name, item id. Names are ASCII, compared bytewise like Postgres' C collation. */
function queueOrder(a: Row, b: Row): number {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return b.runCreatedAt.getTime() - a.runCreatedAt.getTime() || cmp(b.runId, a.runId) || cmp(a.tier ?? 'E', b.tier ?? 'E') || cmp(a.name, b.name) || cmp(a.id, b.id);
}

type Filters = Omit<ListReviewQueueInput, 'limit' | 'cursor'>;

function expected(rows: Row[], f: Filters): Row[] {
  const q = f.q?.trim().toLowerCase();
  return rows
    .filter((r) => (f.role === 'manager' ? true : r.ownerRepId === f.repId))
    .filter((r) => (f.status ?? 'pending') === 'all' || r.status === (f.status ?? 'pending'))
    .filter((r) => !f.runId || r.runId === f.runId)
    .filter((r) => !f.tier || r.tier === f.tier)
    .filter((r) => !f.workflow || f.workflow !== 'drafting' || r.reason === 'drafted')
    .filter((r) => !q || r.name.toLowerCase().includes(q) || (r.subject ?? '').toLowerCase().includes(q))
    .sort(queueOrder);
}

async function walk(f: Filters, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 500; pages++) {
    const page: Awaited<ReturnType<typeof listReviewQueue>> = await listReviewQueue(db.db, { ...f, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error('paging did not end');
}

describe('when a rep pages through 250 items', () => {
  it('returns every item exactly once, in queue order, for every filter', async () => {
    const rows = await allRows();
    const cases: Filters[] = [
      { repId: repA() },
      { repId: repA(), workflow: 'drafting' },
      { repId: repA(), workflow: 'research' },
      { repId: repA(), tier: 'B' },
      { repId: repA(), runId: newerRun },
      { repId: repA(), runId: twinRun, tier: 'D', workflow: 'drafting' },
      { repId: repA(), q: 'acct 1' },
      { repId: repA(), q: '  RENEWAL ' },
      { repId: repA(), status: 'all' },
      { repId: repA(), status: 'rejected' },
      { repId: repA(), role: 'manager' },
      { repId: repA(), role: 'manager', status: 'all', tier: 'A' },
    ];
    expect(expected(rows, { repId: repA() })).toHaveLength(248);
    for (const f of cases) {
      const want = expected(rows, f).map((r) => r.id);
      expect(want.length, JSON.stringify(f)).toBeGreaterThan(0);
      const got = await walk(f, 7);
      expect(new Set(got).size, JSON.stringify(f)).toBe(got.length);
      expect(got, JSON.stringify(f)).toEqual(want);
    }
  });

  it('puts the newest run first, then tiers A to D, then items without a tier, and carries the tier', async () => {
    const { items } = await listReviewQueue(db.db, { repId: repA(), limit: 200 });
    const runOrder = [...new Set(items.map((i) => i.runId))];
    expect(runOrder).toEqual([newerRun, twinRun].sort().reverse().concat(olderRun));
    const firstRun = items.filter((i) => i.runId === runOrder[0]).map((i) => i.tier);
    expect(firstRun).toEqual([...firstRun].sort((a, b) => (a ?? 'E').localeCompare(b ?? 'E')));
    expect(firstRun.at(-1)).toBeNull();
    expect(items[0]?.tier).toBe('A');
  });

  it('finds an account by name with a literal percent sign, case-insensitively', async () => {
    const { items } = await listReviewQueue(db.db, { repId: repA(), q: '100% g' });
    expect(items.map((i) => i.accountName)).toEqual(['Acme 100% Growth', 'Acme 100% Growth']);
    expect((await listReviewQueue(db.db, { repId: repA(), q: '100_' })).items).toEqual([]);
  });

  it("never shows another rep's items and refuses bad filters with a clear message", async () => {
    const { items } = await listReviewQueue(db.db, { repId: repB(), limit: 200 });
    expect(items).toHaveLength(30);
    expect(items.every((i) => i.ownerRepId === repB())).toBe(true);
    const long = await listReviewQueue(db.db, { repId: repA(), q: 'x'.repeat(101) }).catch((e: unknown) => e);
    expect(long).toBeInstanceOf(AppError);
    expect(long).toMatchObject({ code: 'validation', message: expect.stringContaining('q is longer than 100 characters') });
    const tier = await listReviewQueue(db.db, { repId: repA(), tier: 'E' as 'A' }).catch((e: unknown) => e);
    expect(tier).toMatchObject({ code: 'validation' });
  });

  it('returns an empty page for an unknown cursor', async () => {
    expect(await listReviewQueue(db.db, { repId: repA(), cursor: '00000000-0000-4000-8000-000000000009' })).toEqual({ items: [], nextCursor: null });
  });
});

describe('when the queue is summarised', () => {
  function count(rows: Row[]): ReviewQueueSummary {
    const byTier = { A: 0, B: 0, C: 0, D: 0, none: 0 };
    for (const r of rows) byTier[(r.tier ?? 'none') as keyof typeof byTier]++;
    const groups: ReviewQueueSummary['groups'] = [];
    for (const r of rows) {
      const group = r.reason === 'drafted' ? 'drafting' : 'sampled';
      const found = groups.find((g) => g.runId === r.runId && g.group === group && g.tier === r.tier);
      if (found) found.count++;
      else groups.push({ runId: r.runId, runCreatedAt: r.runCreatedAt, group, tier: r.tier as 'A' | null, count: 1 });
    }
    groups.sort((a, b) => b.runCreatedAt.getTime() - a.runCreatedAt.getTime() || (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0) || a.group.localeCompare(b.group) || (a.tier ?? 'E').localeCompare(b.tier ?? 'E'));
    const perRun = new Map<string, { runId: string; runCreatedAt: Date; count: number }>();
    for (const g of groups) {
      const run = perRun.get(g.runId) ?? { runId: g.runId, runCreatedAt: g.runCreatedAt, count: 0 };
      run.count += g.count;
      perRun.set(g.runId, run);
    }
    const drafted = rows.filter((r) => r.reason === 'drafted').length;
    return { total: rows.length, groups, runs: [...perRun.values()], byTier, byWorkflow: { research: rows.length, prioritization: rows.length, drafting: drafted } };
  }

  it('counts per run, group and tier, and per tier and workflow, under the same filters as the list', async () => {
    const rows = await allRows();
    const summary = await summarizeReviewQueue(db.db, { repId: repA(), role: 'rep' });
    expect(summary).toEqual(count(expected(rows, { repId: repA() })));
    expect(summary.total).toBe(248);
    expect(summary.runs.map((r) => r.runId)).toEqual([newerRun, twinRun].sort().reverse().concat(olderRun));
  });

  it('counts tiers without the tier filter and workflows without the workflow filter, for the chips', async () => {
    const rows = await allRows();
    const summary = await summarizeReviewQueue(db.db, { repId: repA(), role: 'rep', tier: 'C', workflow: 'drafting' });
    const both = count(expected(rows, { repId: repA(), tier: 'C', workflow: 'drafting' }));
    expect(summary.total).toBe(both.total);
    expect(summary.groups).toEqual(both.groups);
    expect(summary.runs).toEqual(both.runs);
    expect(summary.byTier).toEqual(count(expected(rows, { repId: repA(), workflow: 'drafting' })).byTier);
    expect(summary.byWorkflow).toEqual(count(expected(rows, { repId: repA(), tier: 'C' })).byWorkflow);
    expect(summary.groups.every((g) => g.group === 'drafting' && g.tier === 'C')).toBe(true);
  });

  it('honours run, search, status and role', async () => {
    const rows = await allRows();
    for (const f of [
      { repId: repA(), runId: twinRun },
      { repId: repA(), q: 'renewal' },
      { repId: repA(), status: 'all' as const },
      { repId: repA(), role: 'manager' as const },
    ]) {
      expect(await summarizeReviewQueue(db.db, { role: 'rep', ...f }), JSON.stringify(f)).toEqual(count(expected(rows, f)));
    }
  });
});
