/**
 * The memory hygiene rules as one pure function: given an account's live rows and new
 * observations, decide what to insert, refresh, supersede or flag. `rememberItems` runs it under a
 * per-account lock and applies the plan; keeping it pure lets the rules be tested exhaustively
 * without a database. The rules are documented in ./AGENTS.md; keep the two in step.
 */
import type { MemoryKind } from '../../db/schema/index.ts';
import { normalizeContent, normalizePhrase } from './normalize.ts';
import type { MemoryInput, MemoryItem } from './types.ts';

/** Observations of a fact from different sources this close in time disagree rather than update. */
export const CONFLICT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** Live interactions kept per account; older ones become history. */
export const INTERACTION_CAP = 10;
export const DEFAULT_CONFIDENCE = 0.8;

/** A live row as loaded from `account_memory` (the same shape agents see), in arrival order. */
export type StoredMemory = MemoryItem;

/** A row to insert, with its final state (it may already be superseded within the same call). */
export type PlannedInsert = StoredMemory & { supersededBy: string | null };
/** The full new state of an existing row that changed. */
export type PlannedUpdate = Pick<StoredMemory, 'id' | 'observedAt' | 'confidence' | 'conflictWith'> & { supersededBy: string | null };

/** A live row that this call flagged as disagreeing with another live row of the same key. */
export type MemoryConflict = { id: string; kind: MemoryKind; key: string; content: string; conflictWith: string };

export type RememberPlan = {
  inserts: PlannedInsert[];
  updates: PlannedUpdate[];
  /** New rows written (including history rows superseded within the same call). */
  inserted: number;
  /** Items that matched a live row and refreshed it instead of adding one. */
  refreshed: number;
  /** Rows (old or new) marked superseded by this call. */
  superseded: number;
  /** Items dropped: a live row of the same source (or a kind without conflicts) is newer. */
  skipped: number;
  conflicts: MemoryConflict[];
};

export type HygieneOptions = {
  /** Id generator for new rows (ids are chosen before insert so one statement writes them all). */
  newId: () => string;
  /** @defaultValue CONFLICT_WINDOW_MS (7 days) */
  conflictWindowMs?: number;
  /** @defaultValue INTERACTION_CAP (10) */
  interactionCap?: number;
};

type Row = PlannedInsert & { isNew: boolean; dirty: boolean };
type Relation = 'supersede' | 'conflict' | 'older';

/** avoid and resonated about the same phrase are opposite verdicts on it: they share a group. */
function groupOf(kind: MemoryKind, key: string): string {
  return `${kind === 'avoid' || kind === 'resonated' ? 'preference' : kind}\u0000${key}`;
}

/** The stored key for an item: summaries have one key, preferences are keyed by their phrase. */
export function canonicalKey(kind: MemoryKind, key: string, content: string): string {
  if (kind === 'summary') return 'summary';
  if (kind === 'avoid' || kind === 'resonated') return normalizePhrase(key || content);
  return key.trim();
}

/**
 * How `winner` (the newer write) stands to another live row of its group. Only facts can
 * conflict, and only across sources: one source restating a value is an update, two sources
 * disagreeing at about the same time (or a late report older than what we hold) is a conflict.
 */
function relate(winner: Row, other: Row, windowMs: number): Relation {
  const delta = winner.observedAt.getTime() - other.observedAt.getTime();
  if (winner.kind !== 'fact' || winner.source === other.source) return delta >= 0 ? 'supersede' : 'older';
  return delta > windowMs ? 'supersede' : 'conflict';
}

/** Plans one `rememberItems` call. Pure: same live rows and items give the same plan. */
export function planRemember(live: StoredMemory[], items: MemoryInput[], options: HygieneOptions): RememberPlan {
  const windowMs = options.conflictWindowMs ?? CONFLICT_WINDOW_MS;
  const cap = options.interactionCap ?? INTERACTION_CAP;
  const rows: Row[] = live.map((r) => ({ ...r, supersededBy: null, isNew: false, dirty: false }));
  const touched = new Set<string>();
  const plan: RememberPlan = { inserts: [], updates: [], inserted: 0, refreshed: 0, superseded: 0, skipped: 0, conflicts: [] };
  const isLive = (r: Row) => r.supersededBy === null;
  const supersede = (row: Row, by: Row) => {
    row.supersededBy = by.id;
    row.dirty = true;
    plan.superseded += 1;
  };

  for (const item of items) {
    const key = canonicalKey(item.kind, item.key, item.content);
    const group = groupOf(item.kind, key);
    const peers = rows.filter((r) => isLive(r) && groupOf(r.kind, r.key) === group);
    const same = normalizeContent(item.content);
    // A preference is identified by its phrase (the key): the same verdict again is a restatement.
    const isPreference = item.kind === 'avoid' || item.kind === 'resonated';
    const match = peers.find((p) => p.kind === item.kind && (isPreference || normalizeContent(p.content) === same));
    const confidence = item.confidence ?? DEFAULT_CONFIDENCE;
    let winner: Row;
    if (match) {
      // Same statement again: refresh the live row instead of piling up copies.
      if (item.observedAt > match.observedAt) {
        match.observedAt = item.observedAt;
        match.dirty = true;
      }
      if (confidence > match.confidence) {
        match.confidence = confidence;
        match.dirty = true;
      }
      plan.refreshed += 1;
      winner = match;
    } else {
      const candidate: Row = {
        id: options.newId(),
        kind: item.kind,
        key,
        content: item.content.trim(),
        source: item.source,
        observedAt: item.observedAt,
        confidence,
        conflictWith: null,
        supersededBy: null,
        isNew: true,
        dirty: true,
      };
      // A late, older report from a source we already hold newer word from adds nothing.
      if (peers.some((p) => relate(candidate, p, windowMs) === 'older') || isCappedOut(candidate, peers, rows, cap)) {
        plan.skipped += 1;
        continue;
      }
      rows.push(candidate);
      plan.inserted += 1;
      winner = candidate;
    }
    for (const peer of peers) if (peer !== winner && relate(winner, peer, windowMs) === 'supersede') supersede(peer, winner);
    if (item.kind === 'interaction') enforceCap(rows.filter((r) => isLive(r) && r.kind === 'interaction'), cap, supersede);
    touched.add(group);
  }

  // Conflict pointers: within a group, the first live row to arrive is the reference and every
  // later live row points at it, so the newcomer is the one flagged and a superseded reference
  // hands over to the next one.
  for (const group of touched) {
    const members = rows.filter((r) => isLive(r) && groupOf(r.kind, r.key) === group);
    const root = members[0];
    for (const member of members) {
      const want = member === root || !root ? null : root.id;
      if (member.conflictWith === want) continue;
      member.conflictWith = want;
      member.dirty = true;
      if (want) plan.conflicts.push({ id: member.id, kind: member.kind, key: member.key, content: member.content, conflictWith: want });
    }
  }

  for (const row of rows) {
    if (!row.dirty) continue;
    const { isNew: _isNew, dirty: _dirty, ...state } = row;
    if (row.isNew) plan.inserts.push(state);
    else plan.updates.push({ id: row.id, observedAt: row.observedAt, confidence: row.confidence, supersededBy: row.supersededBy, conflictWith: row.conflictWith });
  }
  return plan;
}

/** An interaction older than every one of a full set of live interactions would be capped out at once. */
function isCappedOut(candidate: Row, peers: Row[], rows: Row[], cap: number): boolean {
  if (candidate.kind !== 'interaction' || peers.length > 0) return false;
  const live = rows.filter((r) => r.supersededBy === null && r.kind === 'interaction');
  return live.length >= cap && live.every((r) => candidate.observedAt < r.observedAt);
}

/** Keeps the `cap` freshest live interactions; the rest are superseded by the freshest one. */
function enforceCap(live: Row[], cap: number, supersede: (row: Row, by: Row) => void): void {
  if (live.length <= cap) return;
  const ordered = live
    .map((row, index) => ({ row, index }))
    .sort((a, b) => b.row.observedAt.getTime() - a.row.observedAt.getTime() || b.index - a.index)
    .map((x) => x.row);
  const newest = ordered[0];
  if (!newest) return;
  for (const row of ordered.slice(cap)) supersede(row, newest);
}
