/**
 * Builds a JSON value that is valid against a (transformed or raw) JSON Schema, choosing every
 * value from the request's facts by property name. Every declared property is filled; undeclared
 * ones never appear (the SDK sets `additionalProperties: false`).
 */
import type { Ctx } from './context.ts';
import type { CiteFact } from './facts.ts';
import type { JsonSchema } from './types.ts';
import type { RecordKind, Role } from './key-roles.ts';
import { constraintsOf, isNullSchema, mergeAllOf, resolveRef, typesOf, type Constraints } from './schema-util.ts';
import { fitFormat, fitNumber, fitString } from './fit.ts';
import { booleanFor, copyList, fallbackString, isFactBacked, makeItem, numberFor, pickEnum, roleOf, stringFor, type Frame, type Item, type ObjectShape } from './field-values.ts';
import { asSentence, isRecord, normKey } from './text-util.ts';

const SOFT_DEPTH = 8; // deeper than this only required properties and minimum array lengths
const HARD_DEPTH = 32; // recursive schemas stop here
const DEFAULT_MAX_ITEMS = 8;
const NODE_BUDGET = 5_000; // past this, arrays get their minimum length and optional properties are skipped
const NUMERIC_ROLES = new Set<Role>(['score', 'confidence', 'arr', 'employees', 'count']);
const FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'uri', 'ipv4', 'ipv6', 'uuid']);

/** A value for `schema`; `key` names the field when the schema is a single property (tool arguments). */
export function fillSchema(schema: JsonSchema, ctx: Ctx, key = '', root: JsonSchema = schema): unknown {
  // Every frame is built with the same fields in the same order (index included), so the
  // generator's property reads stay monomorphic.
  return gen(schema, { root, ctx, rawKey: key, key: normKey(key), record: 'none', item: undefined, depth: 0, index: undefined, budget: { nodes: 0, objects: new WeakMap(), constraints: new WeakMap() } });
}

function gen(input: unknown, f: Frame): unknown {
  const s = resolveRef(input, f.root);
  f.budget.nodes++;
  if (f.depth > HARD_DEPTH) return null;
  if ('const' in s) return s['const'];
  if (Array.isArray(s['enum']) && s['enum'].length > 0) return pickEnum(s['enum'], f);
  const anyOf = s['anyOf'] ?? s['oneOf'];
  if (Array.isArray(anyOf)) {
    const variants = anyOf.map((v) => resolveRef(v, f.root));
    const nonNull = variants.filter((v) => !isNullSchema(v));
    const chosen = chooseVariant(nonNull, f);
    if (chosen === undefined) return null;
    if (nonNull.length < variants.length && !hasHonestValue(f)) return null;
    return gen(chosen, f);
  }
  if (Array.isArray(s['allOf'])) return gen(mergeAllOf(s['allOf'].map((m) => resolveRef(m, f.root))), f);
  const types = typesOf(s);
  const nullable = types.includes('null');
  const type = preferType(types.filter((t) => t !== 'null'), f);
  if (type === undefined) return types.length === 0 ? genString(s, f, false) : null;
  if (nullable && !hasHonestValue(f)) return null;
  switch (type) {
    case 'object':
      return genObject(s, f);
    case 'array':
      return genArray(s, f);
    case 'string':
      return genString(s, f, nullable);
    case 'number':
    case 'integer':
      return genNumber(s, f, type === 'integer');
    case 'boolean':
      return booleanFor(roleOf(f), f);
    default:
      return null;
  }
}

function hasHonestValue(f: Frame): boolean {
  const role = roleOf(f);
  if (!isFactBacked(role)) return true;
  if (role === 'date') return f.ctx.facts.dates.length > 0;
  return stringFor(role, f) !== undefined;
}

function preferType(types: readonly string[], f: Frame): string | undefined {
  if (types.length <= 1) return types[0];
  const numeric = NUMERIC_ROLES.has(roleOf(f));
  return types.find((t) => (numeric ? t === 'integer' || t === 'number' : t === 'string')) ?? types.find((t) => t === 'object') ?? types[0];
}

function chooseVariant(variants: readonly JsonSchema[], f: Frame): JsonSchema | undefined {
  const wanted = preferType(variants.flatMap((v) => typesOf(v).slice(0, 1)), f);
  return variants.find((v) => typesOf(v)[0] === wanted) ?? variants[0];
}

function genObject(s: JsonSchema, f: Frame): Record<string, unknown> {
  const { props, required } = objectShape(s, f);
  const { record, item } = childRecord(f);
  const out: Record<string, unknown> = {};
  for (const [rawKey, key, propSchema] of props) {
    if ((f.depth >= SOFT_DEPTH || f.budget.nodes > NODE_BUDGET) && !required.has(rawKey)) continue;
    out[rawKey] = gen(propSchema, { root: f.root, ctx: f.ctx, rawKey, key, record, item, depth: f.depth + 1, index: undefined, budget: f.budget });
  }
  return out;
}

/** The node's properties and required names, read once per answer (array items repeat them). */
function objectShape(s: JsonSchema, f: Frame): ObjectShape {
  let shape = f.budget.objects.get(s);
  if (!shape) {
    const props = isRecord(s['properties']) ? s['properties'] : {};
    shape = {
      props: Object.entries(props).map(([rawKey, schema]) => [rawKey, normKey(rawKey), schema] as const),
      required: new Set(Array.isArray(s['required']) ? s['required'] : []),
    };
    f.budget.objects.set(s, shape);
  }
  return shape;
}

/** The node's constraints, read once per answer. */
function constraints(s: JsonSchema, f: Frame): Constraints {
  let c = f.budget.constraints.get(s);
  if (!c) {
    c = constraintsOf(s);
    f.budget.constraints.set(s, c);
  }
  return c;
}

/** An object's fields read as a fact, contact, account or signal record when that is what it is. */
function childRecord(f: Frame): { record: RecordKind; item: Item | undefined } {
  if (f.item) return { record: f.item.kind, item: f.item };
  const role = roleOf(f);
  if (role === 'recipient' || role === 'recipientName') return { record: 'contact', item: makeItem({ kind: 'contact', contact: f.ctx.recipient, asRecipient: true }) };
  if (role === 'account') return { record: 'account', item: makeItem({ kind: 'account' }) };
  return { record: 'none', item: undefined };
}

function genArray(s: JsonSchema, f: Frame): unknown[] {
  if (s['items'] === undefined) return [];
  const c = constraints(s, f);
  const itemSchema = resolveRef(s['items'], f.root);
  const objectItems = itemIsObject(itemSchema, f);
  const seeds = seedsFor(roleOf(f), f, objectItems);
  const min = Math.max(0, c.minItems ?? 0);
  const max = Math.max(min, c.maxItems ?? DEFAULT_MAX_ITEMS);
  const wanted = f.depth >= SOFT_DEPTH || f.budget.nodes > NODE_BUDGET ? min : seeds === undefined ? 1 : seeds.length;
  const n = Math.min(max, Math.max(min, wanted));
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const seed = seeds && seeds.length > 0 ? seeds[i % seeds.length] : undefined;
    out.push(gen(itemSchema, { root: f.root, ctx: f.ctx, rawKey: f.rawKey, key: f.key, record: f.record, item: seed ?? f.item, depth: f.depth + 1, index: i, budget: f.budget }));
  }
  return out;
}

function itemIsObject(schema: JsonSchema, f: Frame): boolean {
  const variants = Array.isArray(schema['anyOf']) ? schema['anyOf'].map((v) => resolveRef(v, f.root)) : [schema];
  return variants.some((v) => typesOf(v).includes('object'));
}

/** The elements an array is built from; undefined = a generic array (one generated element). */
function seedsFor(role: Role, f: Frame, objectItems: boolean): Item[] | undefined {
  const { ctx } = f;
  switch (role) {
    case 'citations': {
      const used = ctx.plan.used.flatMap((u) => (u.fact ? [{ fact: u.fact, claim: u.sentence }] : []));
      return factItemsFor(used.length > 0 ? used : ctx.citeable.slice(0, 1).map((fact) => ({ fact, claim: asSentence(fact.text) })), objectItems, f.key);
    }
    case 'factList':
      return factItemsFor(ctx.citeable.slice(0, 12).map((fact) => ({ fact, claim: asSentence(fact.text) })), objectItems, f.key);
    case 'signals':
      return ctx.signals.slice(0, 10).map((t) => (objectItems ? makeItem({ kind: 'signal', text: t }) : text(t)));
    case 'contacts':
      return ctx.facts.contacts.filter((c) => !c.doNotContact).slice(0, 10).map((contact) => makeItem({ kind: 'contact', contact }));
    case 'points':
      if (objectItems && ctx.citeable.length > 0) return factItemsFor(ctx.citeable.slice(0, 5).map((fact) => ({ fact, claim: asSentence(fact.text) })), objectItems, f.key);
      return [...ctx.citeable.map((x) => x.text), ...ctx.signals].slice(0, 5).map((t) => text(asSentence(t)));
    case 'resonated':
      return ctx.facts.resonated.filter((r) => ctx.guard.usable(r)).map(text);
    case 'notes':
      return ctx.notes.slice(0, 10).map(text);
    case 'recipient': {
      const to = ctx.directives.sendTo.length > 0 ? ctx.directives.sendTo : ctx.recipient?.email ? [ctx.recipient.email] : [];
      return objectItems ? [makeItem({ kind: 'contact', contact: ctx.recipient, asRecipient: true })] : to.map(text);
    }
    case 'cc':
    case 'bcc':
      return copyList(role, ctx).map(text);
    case 'risks':
    case 'avoidList':
      return [];
    case 'nextStep':
      return [text(ctx.plan.nextStep)];
    default:
      return undefined;
  }
}

function text(t: string): Item {
  return makeItem({ kind: 'text', text: t });
}

/** Fact seeds: records when the items are objects, else the id, claim or text the key asks for. */
function factItemsFor(facts: readonly { fact: CiteFact; claim: string }[], objectItems: boolean, key: string): Item[] {
  return objectItems ? facts.map((x) => makeItem({ kind: 'fact', fact: x.fact, claim: x.claim })) : facts.map((x) => text(/^(sources|references|citations|citedfacts|factids)$/.test(key) || key.endsWith('ids') ? x.fact.id : key === 'claims' ? x.claim : x.fact.text));
}

function genString(s: JsonSchema, f: Frame, nullable: boolean): string | null {
  const c = constraints(s, f);
  let role = roleOf(f);
  const format = typeof s['format'] === 'string' && FORMATS.has(s['format']) ? s['format'] : undefined;
  const wantsEmail = format === 'email' || (c.pattern !== undefined && c.pattern.includes('@'));
  if (role === 'emailOrBody') role = wantsEmail ? 'recipient' : 'body';
  if (format !== undefined) {
    const candidate = stringFor(role, f);
    if (candidate === undefined && nullable && isFactBacked(role)) return null;
    return fitFormat(format, c, { candidate, dates: f.ctx.facts.dates, seed: `${f.ctx.seed}|${f.rawKey}` }) ?? fitString(candidate ?? '', c);
  }
  const value = stringFor(role, f);
  if (value === undefined && nullable) return null;
  return fitString(value ?? fallbackString(role, f, c.maxLength), c);
}

function genNumber(s: JsonSchema, f: Frame, integer: boolean): number {
  const c = constraints(s, f);
  const lo = c.minimum ?? c.exclusiveMinimum;
  const hi = c.maximum ?? c.exclusiveMaximum;
  const value = numberFor(roleOf(f), f, lo, hi) ?? (f.item?.kind === 'text' && /^-?\d+(\.\d+)?$/.test(f.item.text) ? Number(f.item.text) : 0);
  return fitNumber(value, c, integer);
}
