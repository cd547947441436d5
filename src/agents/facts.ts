/**
 * Candidate facts: the only statements a model may cite, built deterministically from the CRM
 * snapshot and live memory before any call. The model cites them by id; their text, source and
 * date always come from here, never from the model.
 */
import type { MemoryItem } from '../memory/types.ts';
import { looksLikeInstruction } from './injection.ts';
import { ageInDays, clean, clip, formatCount, formatUsd, isoDate, sentences, slugify } from './text.ts';
import type { AccountContext, CandidateFact } from './types.ts';

/** At most this many candidates per account: enough for a brief, small enough to keep prompts cheap. */
export const MAX_CANDIDATE_FACTS = 12;
/** Facts older than this (days before `ctx.now`) are not offered at all (skills/research/references/sources.md). */
export const MAX_FACT_AGE_DAYS = 365;
/** Memory items below this confidence are context, not facts. */
export const MIN_MEMORY_CONFIDENCE = 0.5;
/** Longest fact text; longer notes are clipped at a word boundary. */
const MAX_FACT_TEXT = 300;

/**
 * Keys of facts that are internal sales data: useful to research and prioritization, never cited
 * in outreach (the drafting prompt does not receive them and the draft finisher rejects them).
 */
export const INTERNAL_FACT_KEYS: ReadonlySet<string> = new Set(['stage', 'arr']);

/** True when a fact with this key may be cited in an email to the customer. */
export function isOutreachFactKey(key: string): boolean {
  return !INTERNAL_FACT_KEYS.has(key);
}

// Ties on date: the most useful kinds first (a signal is a better hook than a firmographic).
const RANK = { signal: 0, activity: 1, interaction: 2, memoryFact: 3, note: 4, firmographic: 5 } as const;

type Pending = Omit<CandidateFact, 'id'> & { rank: number; order: number };

/**
 * Builds up to {@link MAX_CANDIDATE_FACTS} candidate facts for one account, freshest first, with
 * ids `F1`…`Fn` in that order. Deterministic: the same context always gives the same list.
 *
 * - CRM signals, firmographics and notes are observed at `ctx.now` (read from this run's snapshot;
 *   notes at `account.lastActivityAt` when known); activities at their own date (undated ones are
 *   skipped: freshness cannot be judged).
 * - Memory facts and interactions are included when live, not in conflict, confident enough and
 *   younger than {@link MAX_FACT_AGE_DAYS}. Conflicting values (CRM `conflicts` or memory
 *   `conflicts`) are never settled facts; the prompt shows them as uncertain instead.
 * - Text that reads like an instruction to the model is never a fact.
 * - One fact per key; the fresher wins. Firmographics (industry, employees, stage, ARR) always
 *   keep a place; events (signals, activities, memory, notes) fill the rest of the cap.
 */
export function candidateFacts(ctx: AccountContext): CandidateFact[] {
  const { account, now } = ctx;
  const uncertain = uncertainKeys(ctx);
  const pending: Pending[] = [];
  const add = (fact: Omit<Pending, 'order'>): void => {
    const text = clean(fact.text);
    if (text === '' || looksLikeInstruction(text)) return;
    if (ageInDays(fact.observedAt, now) > MAX_FACT_AGE_DAYS) return;
    pending.push({ ...fact, text: clip(text, MAX_FACT_TEXT), order: pending.length });
  };

  for (const signal of account.signals) {
    add({ key: `signal:${slugify(signal)}`, text: signal, source: 'crm:signals', observedAt: now, rank: RANK.signal });
  }

  const activityKeys = new Map<string, number>();
  for (const activity of ctx.activities) {
    if (!activity.occurredAt || clean(activity.summary) === '') continue;
    const date = isoDate(activity.occurredAt);
    const base = `activity:${date}-${activity.kind}`;
    const seen = (activityKeys.get(base) ?? 0) + 1;
    activityKeys.set(base, seen);
    add({
      key: seen === 1 ? base : `${base}-${seen}`,
      text: `${capitalize(activity.kind)} on ${date}: ${activity.summary}`,
      source: 'crm:activity',
      observedAt: activity.occurredAt,
      rank: RANK.activity,
    });
  }

  const addMemory = (item: MemoryItem, rank: number): void => {
    if (item.conflictWith !== null || uncertain.has(item.key) || item.confidence < MIN_MEMORY_CONFIDENCE) return;
    add({ key: item.key, text: item.content, source: `memory:${item.kind}`, observedAt: item.observedAt, rank });
  };
  for (const item of ctx.memory.interactions) addMemory(item, RANK.interaction);
  for (const item of ctx.memory.facts) addMemory(item, RANK.memoryFact);

  if (account.notes) {
    // A note may mix information with an injected instruction; keep only the informative sentences.
    const kept = sentences(account.notes).filter((s) => !looksLikeInstruction(s));
    if (kept.length > 0) {
      add({ key: 'notes', text: kept.join(' '), source: 'crm:accounts.notes', observedAt: account.lastActivityAt ?? now, rank: RANK.note });
    }
  }

  const name = account.name;
  const firmographic = (key: string, field: string, text: string): void => {
    if (!uncertain.has(key)) add({ key, text, source: `crm:accounts.${field}`, observedAt: now, rank: RANK.firmographic });
  };
  if (account.industry) firmographic('industry', 'industry', `${name} is a ${account.industry} company`);
  if (account.employees !== null && account.employees > 0) {
    firmographic('employees', 'employees', `${name} has about ${formatCount(account.employees)} employees`);
  }
  if (account.stage) firmographic('stage', 'stage', `The opportunity with ${name} is at the ${account.stage} stage`);
  if (account.arrUsd !== null && account.arrUsd >= 0) {
    firmographic('arr', 'arr_usd', `ARR on the ${name} account is ${formatUsd(account.arrUsd)}`);
  }

  return pickFreshest(pending).map(({ rank: _rank, order: _order, ...fact }, i) => ({ ...fact, id: `F${i + 1}` }));
}

/**
 * One fact per key (and per text), freshest first, capped. Firmographics (at most four) always
 * get a place: they are dated "now" only because they were read from this run's snapshot, and a
 * busy account's activities must not push the account's size and stage out of the brief.
 */
function pickFreshest(pending: Pending[]): Pending[] {
  const sorted = [...pending].sort(
    (a, b) => b.observedAt.getTime() - a.observedAt.getTime() || a.rank - b.rank || a.order - b.order,
  );
  const keys = new Set<string>();
  const texts = new Set<string>();
  const unique = sorted.filter((fact) => {
    const text = fact.text.toLowerCase();
    if (keys.has(fact.key) || texts.has(text)) return false;
    keys.add(fact.key);
    texts.add(text);
    return true;
  });
  const firmographics = unique.filter((f) => f.rank === RANK.firmographic).length;
  let events = MAX_CANDIDATE_FACTS - Math.min(firmographics, MAX_CANDIDATE_FACTS);
  return unique.filter((f) => f.rank === RANK.firmographic || events-- > 0).slice(0, MAX_CANDIDATE_FACTS);
}

/** Fact keys whose value is disputed, from CRM conflicts and memory conflicts. */
export function uncertainKeys(ctx: AccountContext): Set<string> {
  const keys = new Set<string>();
  for (const conflict of ctx.account.conflicts) keys.add(factKeyForField(conflict.field));
  for (const conflict of ctx.memory.conflicts) keys.add(conflict.key);
  for (const item of [...ctx.memory.facts, ...ctx.memory.interactions]) if (item.conflictWith !== null) keys.add(item.key);
  return keys;
}

const FIELD_KEYS: Readonly<Record<string, string>> = {
  arrusd: 'arr',
  arr: 'arr',
  annualrecurringrevenue: 'arr',
  employees: 'employees',
  headcount: 'employees',
  employeecount: 'employees',
  stage: 'stage',
  dealstage: 'stage',
  industry: 'industry',
  region: 'region',
  country: 'region',
};

/** CRM field name (`arr_usd`, `Employees`) → fact key (`arr`, `employees`). */
function factKeyForField(field: string): string {
  const norm = field.toLowerCase().replace(/^accounts?\./, '').replace(/[^a-z0-9]/g, '');
  return FIELD_KEYS[norm] ?? norm;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
