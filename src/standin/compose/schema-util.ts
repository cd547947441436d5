/**
 * Reading JSON Schemas as the SDK sends them. `transformJSONSchema` moves most constraints into
 * the description as a suffix such as `{minimum: 0, maximum: 100}` (keys bare, values
 * `JSON.stringify`-ed); `constraintsOf` reads that suffix and any constraint still in the schema
 * (raw MCP tool schemas keep theirs), so both kinds of schema are honoured alike.
 */
import type { JsonSchema } from './types.ts';
import { isRecord } from './text-util.ts';

/** The validation keywords the generator honours. */
export type Constraints = {
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  uniqueItems?: boolean;
};

const NUMERIC = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'minItems', 'maxItems'] as const;

/** Constraints from the schema's own keywords and its description suffix (own keywords win). */
export function constraintsOf(schema: JsonSchema): Constraints {
  const fromDescription = typeof schema['description'] === 'string' ? parseDescriptionSuffix(schema['description']) : {};
  // All fields present (undefined when unset): one shape for every schema node's constraints.
  const c: Constraints = {
    minimum: undefined,
    maximum: undefined,
    exclusiveMinimum: undefined,
    exclusiveMaximum: undefined,
    multipleOf: undefined,
    minLength: undefined,
    maxLength: undefined,
    minItems: undefined,
    maxItems: undefined,
    pattern: undefined,
    format: undefined,
    uniqueItems: undefined,
  };
  for (const key of NUMERIC) {
    const v = schema[key] ?? fromDescription[key];
    if (typeof v === 'number' && Number.isFinite(v)) c[key] = v;
  }
  const pattern = schema['pattern'] ?? fromDescription['pattern'];
  if (typeof pattern === 'string') c.pattern = pattern;
  const format = schema['format'] ?? fromDescription['format'];
  if (typeof format === 'string') c.format = format;
  if ((schema['uniqueItems'] ?? fromDescription['uniqueItems']) === true) c.uniqueItems = true;
  return c;
}

/**
 * Parses the trailing `{key: json, key: json}` suffix of a description; `{}` when absent or
 * malformed. The result is shared (memoized per description, as schemas repeat on every call of
 * an agent step): read it, never change it.
 */
export function parseDescriptionSuffix(description: string): Readonly<Record<string, unknown>> {
  if (!description.endsWith('}')) return NO_SUFFIX;
  let parsed = suffixes.get(description);
  if (parsed === undefined) {
    parsed = Object.freeze(parseSuffix(description));
    if (suffixes.size >= 4096) suffixes.clear();
    suffixes.set(description, parsed);
  }
  return parsed;
}

const NO_SUFFIX: Readonly<Record<string, unknown>> = Object.freeze({});
const suffixes = new Map<string, Readonly<Record<string, unknown>>>();

function parseSuffix(description: string): Record<string, unknown> {
  const split = description.lastIndexOf('\n\n{');
  const start = split >= 0 ? split + 2 : description.startsWith('{') ? 0 : -1;
  if (start < 0) return {};
  const out: Record<string, unknown> = {};
  let i = start + 1;
  const end = description.length - 1;
  while (i < end) {
    const key = /^([A-Za-z$_][\w$]*): /.exec(description.slice(i, i + 64));
    if (!key?.[1]) return {};
    i += key[0].length;
    const valueEnd = scanJsonValue(description, i, end);
    try {
      out[key[1]] = JSON.parse(description.slice(i, valueEnd)) as unknown;
    } catch {
      return {};
    }
    i = valueEnd;
    if (description.startsWith(', ', i)) i += 2;
    else if (i !== end) return {};
  }
  return out;
}

/** Index just past one JSON value starting at `from` (stops at a depth-0 `,` or at `end`). */
function scanJsonValue(text: string, from: number, end: number): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < end; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 0) return i;
  }
  return end;
}

/** Follows `$ref` (JSON pointers into the root, e.g. `#/$defs/x`, `#`) up to a few hops. */
export function resolveRef(schema: unknown, root: JsonSchema): JsonSchema {
  let current: unknown = schema;
  for (let hops = 0; hops < 16 && isRecord(current) && typeof current['$ref'] === 'string'; hops++) {
    current = pointer(root, current['$ref']);
  }
  return isRecord(current) ? current : {};
}

function pointer(root: JsonSchema, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const key of pointerKeys(ref)) {
    node = isRecord(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined;
  }
  return node;
}

/** The decoded keys of a `#/…` pointer; memoized, since every item of an array resolves the same `$ref`. */
function pointerKeys(ref: string): readonly string[] {
  let keys = refKeys.get(ref);
  if (!keys) {
    keys = ref
      .slice(1)
      .split('/')
      .filter((p) => p !== '')
      .map((part) => decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~'));
    if (refKeys.size >= 4096) refKeys.clear();
    refKeys.set(ref, keys);
  }
  return keys;
}
const refKeys = new Map<string, readonly string[]>();

/** The declared types (`type` may be a string or a list). */
export function typesOf(schema: JsonSchema): string[] {
  const t = schema['type'];
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  if (isRecord(schema['properties'])) return ['object'];
  if (schema['items'] !== undefined) return ['array'];
  return [];
}

/** True for `{type: 'null'}`. */
export function isNullSchema(schema: JsonSchema): boolean {
  const t = typesOf(schema);
  return t.length === 1 && t[0] === 'null';
}

/** Merges `allOf` members into one object schema (properties and required lists unioned). */
export function mergeAllOf(members: readonly JsonSchema[]): JsonSchema {
  const properties: Record<string, unknown> = {};
  const required = new Set<string>();
  let other: JsonSchema = {};
  for (const m of members) {
    if (isRecord(m['properties'])) Object.assign(properties, m['properties']);
    if (Array.isArray(m['required'])) for (const r of m['required']) if (typeof r === 'string') required.add(r);
    if (!isRecord(m['properties'])) other = { ...m, ...other };
  }
  if (Object.keys(properties).length === 0) return members[0] ?? {};
  return { ...other, type: 'object', properties, required: [...required] };
}
