/**
 * The `Recent Activities` cell: `2026-11-02 call: Discussed renewal | 2026-10-20 email: Sent
 * pricing`. Each entry becomes an activity whose dedupe key is a hash of kind, date and summary,
 * so importing the same export twice adds nothing.
 */
import { createHash } from 'node:crypto';
import type { BookActivity, ActivityKind } from './book-row.ts';
import { parseDate, q, splitList, type CellResult } from './cell-values.ts';
import type { DateOrder } from './column-map.ts';

const KIND_WORDS: Readonly<Record<string, ActivityKind>> = {
  email: 'email',
  'e-mail': 'email',
  mail: 'email',
  call: 'call',
  'phone call': 'call',
  phone: 'call',
  meeting: 'meeting',
  demo: 'meeting',
  note: 'note',
  other: 'other',
};

const ENTRY = /^(\S+)\s+([^:]{1,40}?)\s*:\s*(\S.*)$/s;
const MAX_SUMMARY = 1_000;

/** Stable key of one activity: same kind, day and words → same key. */
export function activityDedupeKey(kind: ActivityKind, occurredAt: Date | null, summary: string): string {
  const day = occurredAt ? occurredAt.toISOString() : '';
  return createHash('sha256').update(`${kind}\n${day}\n${summary.toLowerCase()}`).digest('hex').slice(0, 32);
}

/** Parses the cell; an entry that is not `DATE kind: summary` fails the whole cell with its text. */
export function parseActivities(raw: string, order: DateOrder = 'iso'): CellResult<BookActivity[]> {
  const activities: BookActivity[] = [];
  const seen = new Set<string>();
  for (const entry of splitList(raw)) {
    const match = ENTRY.exec(entry);
    if (!match?.[1] || !match[2] || !match[3]) return { ok: false, reason: `${q(entry)} is not "YYYY-MM-DD kind: summary"` };
    const date = parseDate(match[1], order);
    if (!date.ok) return { ok: false, reason: `activity ${q(entry)}: ${date.reason}` };
    const word = match[2].trim().toLowerCase();
    const kind = KIND_WORDS[word] ?? 'other';
    // Unknown kinds ("webinar") keep their word, so nothing the CRM said is lost.
    const summary = (kind === 'other' && word !== 'other' ? `${match[2].trim()}: ${match[3]}` : match[3]).trim();
    if (summary.length > MAX_SUMMARY) return { ok: false, reason: `activity ${q(entry)} is longer than ${MAX_SUMMARY} characters` };
    const dedupeKey = activityDedupeKey(kind, date.value, summary);
    if (seen.has(dedupeKey)) continue;
    seen.add(dedupeKey);
    activities.push({ kind, occurredAt: date.value, summary, dedupeKey });
  }
  return { ok: true, value: activities };
}
