/**
 * Rows of one file that share an account id. CRM exports repeat accounts (merged records, joins
 * that fan out); bookrun keeps one account: the row with the newest last-modified date supplies
 * the values, contacts and activities are the union, and every field whose values disagree is
 * recorded as a conflict for a person to look at, not merged blindly.
 */
import type { BookContact, BookRow } from './book-row.ts';

/** One disagreement: `values[i]` came from `lines[i]`. */
export type AccountConflict = { field: string; values: string[]; lines: number[] };

export type LinedRow = { row: BookRow; line: number };
export type MergedRow = LinedRow & { conflicts: AccountConflict[] };

/** Fields compared between duplicates, as they are shown in a conflict. */
const COMPARED: ReadonlyArray<[string, (row: BookRow) => string]> = [
  ['name', (r) => r.name],
  ['domain', (r) => r.domain ?? ''],
  ['industry', (r) => r.industry ?? ''],
  ['employees', (r) => (r.employees === null ? '' : String(r.employees))],
  ['arrUsd', (r) => (r.arrUsd === null ? '' : String(r.arrUsd))],
  ['stage', (r) => r.stage ?? ''],
  ['region', (r) => r.region ?? ''],
  ['owner', (r) => r.owner?.email ?? ''],
  ['signals', (r) => r.signals.join(' | ')],
  ['notes', (r) => r.notes ?? ''],
];

/** Newest last-modified first; a row without one is the oldest; on a tie the later line wins. */
function newerFirst(a: LinedRow, b: LinedRow): number {
  const ta = a.row.lastModified?.getTime() ?? -Infinity;
  const tb = b.row.lastModified?.getTime() ?? -Infinity;
  return tb !== ta ? tb - ta : b.line - a.line;
}

/** Merges rows of one account (in file order); a single row comes back unchanged. */
export function mergeDuplicates(rows: readonly LinedRow[]): MergedRow {
  const [winner, ...rest] = [...rows].sort(newerFirst);
  if (!winner) throw new Error('mergeDuplicates needs at least one row');
  if (rest.length === 0) return { ...winner, conflicts: [] };

  const inFileOrder = [...rows].sort((a, b) => a.line - b.line);
  const conflicts: AccountConflict[] = [];
  for (const [field, show] of COMPARED) {
    const values = inFileOrder.map((r) => show(r.row));
    if (new Set(values).size > 1) conflicts.push({ field, values, lines: inFileOrder.map((r) => r.line) });
  }

  const contacts = new Map<string, BookContact>();
  const activities = new Map<string, BookRow['activities'][number]>();
  for (const { row } of [winner, ...rest]) {
    for (const c of row.contacts) if (!contacts.has(c.key)) contacts.set(c.key, c);
    for (const a of row.activities) if (!activities.has(a.dedupeKey)) activities.set(a.dedupeKey, a);
  }
  const lastActivity = Math.max(...rows.map((r) => r.row.lastActivity?.getTime() ?? -Infinity));
  return {
    line: winner.line,
    conflicts,
    row: {
      ...winner.row,
      contacts: [...contacts.values()],
      activities: [...activities.values()],
      lastActivity: Number.isFinite(lastActivity) ? new Date(lastActivity) : null,
    },
  };
}
