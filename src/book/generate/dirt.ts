/**
 * The dirt real CRM exports have, applied to generated rows so the importer has something to do:
 *
 * - duplicates (~1.5% of accounts get a second row, placed later in the file): half are
 *   identical copies, half conflict (another employee count or stage, and another last-modified
 *   date, older or newer than the original);
 * - invalid rows (~0.5% as many as accounts), extra rows of extra accounts, one problem each,
 *   cycling through {@link INVALID_KINDS}: the importer quarantines exactly these, and every one
 *   of the requested accounts still imports.
 *
 * Stale records and blank optional fields come from the account generator itself.
 */
import { BOOKRUN_HEADERS, contactHeader } from '../fields.ts';
import { columnOf } from './fake-account.ts';
import type { Rng } from './prng.ts';

export const INVALID_KINDS = ['employees-not-a-number', 'contact-email', 'missing-name', 'negative-arr', 'bad-date', 'extra-cell'] as const;
export type InvalidKind = (typeof INVALID_KINDS)[number];

const DAY = 86_400_000;
const STAGES = ['prospect', 'discovery', 'evaluation', 'negotiation', 'customer', 'churned'];

function set(cells: string[], header: string, value: string): void {
  cells[columnOf(header)] = value;
}

/** A second row for the same account that disagrees with the first. */
export function conflictingCopy(cells: readonly string[], rng: Rng): string[] {
  const copy = [...cells];
  const employees = Number((cells[columnOf(BOOKRUN_HEADERS.employees)] ?? '').replaceAll(',', ''));
  if (rng.chance(0.5) && Number.isFinite(employees) && employees > 0) {
    const factor = rng.chance(0.5) ? 1 + rng.int(10, 40) / 100 : 1 - rng.int(10, 40) / 100;
    const changed = Math.max(1, Math.round(employees * factor));
    set(copy, BOOKRUN_HEADERS.employees, String(changed === employees ? changed + 1 : changed));
  } else {
    const stage = cells[columnOf(BOOKRUN_HEADERS.stage)];
    set(copy, BOOKRUN_HEADERS.stage, rng.pick(STAGES.filter((s) => s !== stage)));
  }
  const modified = Date.parse(cells[columnOf(BOOKRUN_HEADERS.lastModified)] ?? '');
  const shifted = modified + (rng.chance(0.5) ? 1 : -1) * rng.int(1, 60) * DAY;
  set(copy, BOOKRUN_HEADERS.lastModified, `${new Date(shifted).toISOString().slice(0, 19)}Z`);
  return copy;
}

/** The row with exactly one problem of `kind`. */
export function invalidRow(cells: readonly string[], kind: InvalidKind, contacts: number): string[] {
  const row = [...cells];
  switch (kind) {
    case 'employees-not-a-number':
      set(row, BOOKRUN_HEADERS.employees, 'lots');
      break;
    case 'contact-email': {
      const n = Math.max(1, Math.min(2, contacts));
      if (contacts === 0) set(row, contactHeader(1, 'name'), 'Pat Doe');
      const email = row[columnOf(contactHeader(n, 'email'))] || 'pat.doe@example.com';
      set(row, contactHeader(n, 'email'), email.replace('@', '@@'));
      break;
    }
    case 'missing-name':
      set(row, BOOKRUN_HEADERS.name, '');
      break;
    case 'negative-arr':
      set(row, BOOKRUN_HEADERS.arrUsd, '-12000');
      break;
    case 'bad-date':
      set(row, BOOKRUN_HEADERS.lastModified, 'last Tuesday');
      break;
    case 'extra-cell':
      row.push('unexpected extra cell');
      break;
  }
  return row;
}
