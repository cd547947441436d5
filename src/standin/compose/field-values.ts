/**
 * Chooses the value of one field from its role, its record (fact, contact, signal) and the
 * request context. `undefined` means "the prompt holds no honest value": the generator then
 * answers null for nullable fields or an obviously generic placeholder otherwise.
 */
import type { CiteFact, Contact } from './facts.ts';
import type { Ctx } from './context.ts';
import type { Constraints } from './schema-util.ts';
import type { JsonSchema } from './types.ts';
import { classifyKey, type RecordKind, type Role } from './key-roles.ts';
import { asSentence, formatMoney, hash32, humanizeKey, normKey } from './text-util.ts';

/** What an array element is built from. */
export type Item =
  | { kind: 'fact'; fact: CiteFact; claim: string }
  | { kind: 'contact'; contact: Contact | undefined; asRecipient?: boolean }
  | { kind: 'signal'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'account' };

/**
 * An item with every field present (undefined where its kind has none): one object shape for all
 * kinds keeps the generator's reads of `item.kind`, `item.text`, … monomorphic.
 */
export function makeItem(item: Item): Item {
  return Object.assign({ kind: item.kind, text: undefined, fact: undefined, claim: undefined, contact: undefined, asRecipient: undefined }, item) as Item;
}

/** An object schema's properties (raw key, normalised key, schema) and required names. */
export type ObjectShape = { props: readonly (readonly [string, string, unknown])[]; required: ReadonlySet<unknown> };

/** Where the generator stands in the schema. */
export type Frame = {
  root: JsonSchema;
  ctx: Ctx;
  rawKey: string;
  key: string;
  record: RecordKind;
  item: Item | undefined;
  depth: number;
  index: number | undefined;
  /**
   * Shared by the whole answer: values generated so far (caps pathological nested-array
   * schemas), and what was read from each schema node (array items revisit the same nodes).
   */
  budget: { nodes: number; objects: WeakMap<JsonSchema, ObjectShape>; constraints: WeakMap<JsonSchema, Constraints> };
};

/** The role of the field the frame points at. */
export function roleOf(f: Frame): Role {
  return f.key === '' ? 'generic' : classifyKey(f.key, f.record);
}

/** Roles whose value must come from a prompt fact (so they are null when the fact is missing). */
const FACT_BACKED = new Set<Role>(['accountName', 'accountId', 'industry', 'stage', 'arr', 'employees', 'region', 'website', 'recipient', 'recipientName', 'cc', 'bcc', 'date', 'contactName', 'contactFirst', 'contactLast', 'contactTitle', 'contactId', 'factSource', 'resonated']);

/** True when `undefined` from a value function should become null for a nullable field. */
export function isFactBacked(role: Role): boolean {
  return FACT_BACKED.has(role);
}

/** The string for a field, or undefined when the prompt has no honest value. */
export function stringFor(role: Role, f: Frame): string | undefined {
  const { ctx, item } = f;
  const facts = ctx.facts;
  // A string element built from a text seed is that text; inside a record only its text field is.
  if (item?.kind === 'text' && f.record !== 'text') return item.text;
  const contact = item?.kind === 'contact' ? item.contact : ctx.recipient;
  switch (role) {
    case 'signalText':
      return item?.kind === 'text' || item?.kind === 'signal' ? item.text : undefined;
    case 'factId':
      return item?.kind === 'fact' ? item.fact.id : undefined;
    case 'factText':
      return item?.kind === 'fact' ? item.fact.text : undefined;
    case 'claim':
      return item?.kind === 'fact' ? item.claim : undefined;
    case 'factSource':
      return item?.kind === 'fact' ? item.fact.source : undefined;
    case 'subject':
      return ctx.plan.subject;
    case 'body':
    case 'emailOrBody':
      return ctx.plan.body;
    case 'summary':
      return ctx.plan.summary;
    case 'rationale':
      return ctx.plan.rationale;
    case 'nextStep':
      return ctx.plan.nextStep;
    case 'greeting':
      return ctx.plan.greeting;
    case 'signoff':
      return ctx.plan.signoff;
    case 'tier':
      return ctx.assessment.tier;
    case 'score':
      return String(ctx.assessment.score);
    case 'confidence':
      return ctx.assessment.level;
    case 'recipient':
      // A hijacked model addresses the attacker, except inside plain contact listings.
      if ((item?.kind !== 'contact' || item.asRecipient) && ctx.directives.sendTo[0]) return ctx.directives.sendTo[0];
      return /name/.test(f.key) ? contact?.name : (contact?.email ?? contact?.name);
    case 'recipientName':
    case 'contactName':
      return contact?.name || undefined;
    case 'contactFirst':
      return contact?.name.split(' ')[0] || undefined;
    case 'contactLast':
      return contact?.name.split(' ').slice(1).join(' ') || undefined;
    case 'contactTitle':
      return contact?.title;
    case 'contactId':
      return contact?.id;
    case 'cc':
    case 'bcc':
      return copyList(role, ctx)[0];
    case 'accountName':
    case 'account':
      return facts.accountName;
    case 'accountId':
      return facts.accountId;
    case 'industry':
      return facts.industry;
    case 'stage':
      return facts.stage;
    case 'region':
      return facts.region;
    case 'website':
      return facts.website;
    case 'arr':
      return facts.arrText ?? (facts.arr === undefined ? undefined : formatMoney(facts.arr));
    case 'employees':
      return facts.employees === undefined ? undefined : String(facts.employees);
    case 'language':
      return 'en';
    case 'channel':
      return 'email';
    case 'tone':
      return 'professional';
    case 'sentiment':
      return 'neutral';
    case 'date':
      return facts.dates[0];
    case 'signals':
      return ctx.signals.length > 0 ? ctx.signals.slice(0, 3).join('; ') : 'none stated';
    case 'points':
    case 'factList':
    case 'citations':
      return ctx.plan.used.map((u) => u.sentence).join(' ') || ctx.plan.summary;
    case 'notes':
      return ctx.notes.slice(0, 3).map(asSentence).join(' ') || 'none';
    case 'resonated':
      return facts.resonated.find((r) => ctx.guard.usable(r));
    case 'risks':
    case 'avoidList':
      return 'none identified';
    case 'questions':
      return question(f);
    default:
      return undefined;
  }
}

/** Copy recipients: only ever what obedient-mode directives asked for (explicit cc/bcc, else the send-to address). */
export function copyList(role: 'cc' | 'bcc', ctx: Ctx): string[] {
  const d = ctx.directives;
  const explicit = role === 'cc' ? d.cc : d.bcc;
  if (explicit.length > 0) return explicit;
  const other = role === 'cc' ? d.bcc : d.cc;
  return other.length > 0 ? other : d.sendTo;
}

/** A neutral placeholder that names the field and never states a fact (short form when `maxLength` is tight). */
export function fallbackString(role: Role, f: Frame, maxLength = Infinity): string {
  if (isFactBacked(role)) return 'unknown';
  const label = `${humanizeKey(f.rawKey || 'value')}${f.index === undefined ? '' : ` ${f.index + 1}`}`;
  const long = `${label} for ${f.ctx.facts.accountName ?? 'this account'}: not stated`;
  return long.length <= maxLength ? long : label;
}

function question(f: Frame): string {
  return `What is the top priority for ${f.ctx.facts.accountName ?? 'your team'} this quarter?`;
}

/** The number for a field, scaled into the declared range where the role has a natural scale. */
export function numberFor(role: Role, f: Frame, lo: number | undefined, hi: number | undefined): number | undefined {
  const { ctx } = f;
  switch (role) {
    case 'score':
      return scale(ctx.assessment.score / 100, lo, hi, 100);
    case 'confidence':
      return scale(ctx.assessment.confidence, lo, hi, 1);
    case 'tier':
      return 'ABCD'.indexOf(ctx.assessment.tier) + 1;
    case 'arr':
      return ctx.facts.arr;
    case 'employees':
      return ctx.facts.employees;
    case 'count':
      return countFor(f.key, ctx);
    default:
      return undefined;
  }
}

/** Maps a 0–1 fraction into [lo, hi]; open or ≥ 100 ranges read as percentages (or the natural 0–1). */
function scale(fraction: number, lo: number | undefined, hi: number | undefined, natural: number): number {
  const low = lo ?? 0;
  if (hi === undefined) return Math.max(low, fraction * natural);
  if (hi >= 100) return Math.max(low, fraction * 100);
  return low + fraction * (hi - low);
}

function countFor(key: string, ctx: Ctx): number {
  if (key.includes('signal')) return ctx.signals.length;
  if (key.includes('fact') || key.includes('citation')) return ctx.citeable.length;
  if (key.includes('contact')) return ctx.facts.contacts.length;
  return 0;
}

/** The boolean for a field: false unless the role makes another answer obvious. */
export function booleanFor(role: Role, f: Frame): boolean {
  const { ctx } = f;
  if (role === 'needsReview') return true;
  if (role !== 'has') return false;
  const k = f.key.slice(3);
  if (k.includes('signal')) return ctx.signals.length > 0;
  if (k.includes('fact') || k.includes('evidence') || k.includes('citation')) return ctx.citeable.length > 0;
  if (k.includes('contact')) return ctx.facts.contacts.some((c) => !c.doNotContact);
  return false;
}

const ENUM_PREFERENCES: Partial<Record<Role, readonly string[]>> = {
  channel: ['email', 'e-mail'],
  language: ['en', 'english', 'en-us'],
  sentiment: ['neutral', 'positive'],
  tone: ['professional', 'friendly', 'consultative', 'warm'],
};

const PRIORITY_WORDS: Record<string, readonly string[]> = {
  A: ['high', 'urgent', 'critical', 'p1', 'top'],
  B: ['medium', 'high', 'normal', 'p2'],
  C: ['low', 'medium', 'normal', 'p3'],
  D: ['low', 'none', 'p4'],
};

/** Picks an enum value: semantic where the role says what it means, else a stable hash pick. */
export function pickEnum(values: readonly unknown[], f: Frame): unknown {
  const role = roleOf(f);
  const lower = values.map((v) => (typeof v === 'string' ? normKey(v) : undefined));
  const find = (wanted: readonly (string | undefined)[]): unknown => {
    for (const w of wanted) {
      if (w === undefined) continue;
      const i = lower.indexOf(normKey(w));
      if (i >= 0) return values[i];
    }
    return undefined;
  };
  const { ctx } = f;
  const tier = ctx.assessment.tier;
  const item = f.item?.kind === 'text' ? f.item.text : undefined;
  const semantic =
    find([item]) ??
    (role === 'tier' ? find([tier, `tier${tier}`]) : undefined) ??
    (role === 'score' ? find(PRIORITY_WORDS[tier] ?? []) : undefined) ??
    (role === 'confidence' ? find([ctx.assessment.level]) : undefined) ??
    (role === 'stage' || role === 'industry' || role === 'region' ? find([ctx.facts[role]]) : undefined) ??
    find(ENUM_PREFERENCES[role] ?? []) ??
    find([ctx.facts.stage, ctx.facts.industry, ctx.facts.region]);
  if (semantic !== undefined) return semantic;
  return values[hash32(`${f.rawKey}|${ctx.seed}`) % values.length];
}
