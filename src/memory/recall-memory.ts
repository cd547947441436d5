/**
 * Reads an account's live memory (items nobody superseded) in the shape agents consume. Read
 * before every step, so a retried step sees what the previous attempt remembered.
 */
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { accountMemory } from '../../db/schema/index.ts';
import type { MemoryItem, MemoryView } from './types.ts';

type MemoryRow = typeof accountMemory.$inferSelect;

/** Accounts per recall query. */
const RECALL_CHUNK = 5_000;

const LIVE_COLUMNS = {
  id: accountMemory.id,
  accountId: accountMemory.accountId,
  kind: accountMemory.kind,
  key: accountMemory.key,
  content: accountMemory.content,
  source: accountMemory.source,
  observedAt: accountMemory.observedAt,
  confidence: accountMemory.confidence,
  conflictWith: accountMemory.conflictWith,
};

type LiveRow = Pick<MemoryRow, keyof typeof LIVE_COLUMNS>;

/** An empty view, for accounts with no memory yet. */
export function emptyMemoryView(accountId: string): MemoryView {
  return { accountId, summary: undefined, facts: [], interactions: [], resonated: [], avoid: [], conflicts: [] };
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function toItem(row: LiveRow): MemoryItem {
  return {
    id: row.id,
    kind: row.kind,
    key: row.key,
    content: row.content,
    source: row.source,
    observedAt: row.observedAt,
    confidence: row.confidence,
    conflictWith: row.conflictWith,
  };
}

/** A live memory row as the run's snapshot query returns it (JSON: dates as text). */
export type LiveMemoryJson = {
  id: string;
  kind: MemoryItem['kind'];
  key: string;
  content: string;
  source: string;
  observedAt: string;
  confidence: number;
  conflictWith: string | null;
  createdAt: string;
};

/**
 * The view built from rows read elsewhere (the run reads memory in the same round trip as the
 * account), sorted freshest first like `recallMemories` does.
 */
export function memoryViewFromJson(accountId: string, rows: readonly LiveMemoryJson[]): MemoryView {
  const live = rows
    .map((r) => ({ ...r, accountId, observedAt: new Date(r.observedAt), created: Date.parse(r.createdAt) }))
    .sort((a, b) => b.observedAt.getTime() - a.observedAt.getTime() || b.created - a.created || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return buildView(accountId, live);
}

/** Groups live rows (already sorted freshest first) into a view. */
function buildView(accountId: string, rows: LiveRow[]): MemoryView {
  const view = emptyMemoryView(accountId);
  const byKey = new Map<string, MemoryItem[]>();
  for (const row of rows) {
    const item = toItem(row);
    switch (item.kind) {
      case 'summary':
        view.summary ??= item;
        break;
      case 'fact':
        view.facts.push(item);
        break;
      case 'interaction':
        view.interactions.push(item);
        break;
      case 'resonated':
        view.resonated.push(item);
        break;
      case 'avoid':
        view.avoid.push(item);
        break;
    }
    pushTo(byKey, `${item.kind}\u0000${item.key}`, item);
  }
  for (const items of byKey.values()) {
    const first = items[0];
    if (first && items.length > 1) view.conflicts.push({ key: first.key, kind: first.kind, items });
  }
  return view;
}

/** The live memory of one account: facts, interactions and preferences freshest first. */
export async function recallMemory(db: DbOrTx, accountId: string): Promise<MemoryView> {
  const views = await recallMemories(db, [accountId]);
  return views.get(accountId) ?? emptyMemoryView(accountId);
}

/**
 * The live memory of many accounts in one query. The map has an entry for every requested id
 * (an empty view when the account has no memory), so callers never need a fallback.
 */
export async function recallMemories(db: DbOrTx, accountIds: readonly string[]): Promise<Map<string, MemoryView>> {
  const ids = [...new Set(accountIds)];
  const views = new Map<string, MemoryView>();
  if (ids.length === 0) return views;
  const byAccount = new Map<string, LiveRow[]>();
  // Chunked: one bind parameter per id, and Postgres allows 65,535 per statement.
  for (let start = 0; start < ids.length; start += RECALL_CHUNK) {
    const chunk = ids.slice(start, start + RECALL_CHUNK);
    const rows = await db
      .select(LIVE_COLUMNS)
      .from(accountMemory)
      .where(and(chunk.length === 1 ? eq(accountMemory.accountId, chunk[0] ?? '') : inArray(accountMemory.accountId, chunk), isNull(accountMemory.supersededBy)))
      .orderBy(accountMemory.accountId, desc(accountMemory.observedAt), desc(accountMemory.createdAt), desc(accountMemory.id));
    for (const row of rows) pushTo(byAccount, row.accountId, row);
  }
  for (const id of ids) views.set(id, buildView(id, byAccount.get(id) ?? []));
  return views;
}
