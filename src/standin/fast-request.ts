/**
 * A fast path for the common `POST /v1/messages` body: text-only conversations with an optional
 * structured-output format, which is what bookrun's agents send on nearly every call. Running
 * the full zod schema over them was a visible share of the stand-in's CPU per call.
 *
 * `fastMessageCreate` either returns exactly what `MessageCreate.safeParse` would return as
 * `data` (same values, same key order: declared keys in schema order, records in input order) or
 * `undefined`, and then the caller runs zod. It never rejects anything itself, so every 400 still
 * comes from the schema with its usual message. Anything outside the subset (tools, thinking,
 * tool_choice, non-text blocks, unknown keys, wrong types) simply takes the zod path.
 */
import { MessageCreate } from './request-schema.ts';

type Json = Record<string, unknown>;

/** Top-level keys in the order zod writes them (the schema's declaration order). */
const ORDER = Object.keys(MessageCreate.shape) as (keyof MessageCreate)[];

/** Top-level fields the fast path checks itself; any other key present means "ask zod". */
const FIELDS: Record<string, (v: unknown) => unknown> = {
  model: (v) => (typeof v === 'string' && v.length >= 1 ? v : NO),
  messages: messages,
  system: (v) => (typeof v === 'string' ? v : textBlocks(v)),
  output_config: outputConfig,
  cache_control: nullable(cacheControl),
  speed: oneOf('standard', 'fast'),
  max_tokens: (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? v : NO),
  metadata: metadata,
  stop_sequences: (v) => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? [...v] : NO),
  stream: (v) => (typeof v === 'boolean' ? v : NO),
  service_tier: oneOf('auto', 'standard_only'),
  inference_geo: (v) => (typeof v === 'string' ? v : NO),
  container: (v) => v,
  diagnostics: (v) => v,
  temperature: unitNumber,
  top_p: unitNumber,
  top_k: (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? v : NO),
};

/** "Not in the fast subset" (distinct from every JSON value, `undefined` included). */
const NO = Symbol('not fast');

export function fastMessageCreate(body: unknown): MessageCreate | undefined {
  if (!isPlain(body)) return undefined;
  for (const key in body) if (!Object.hasOwn(FIELDS, key)) return undefined;
  if (!('model' in body) || !('messages' in body) || !('max_tokens' in body)) return undefined;
  const out: Json = {};
  for (const key of ORDER) {
    if (!(key in body)) continue;
    const check = FIELDS[key];
    if (!check) return undefined;
    const value = check(body[key]);
    if (value === NO) return undefined;
    out[key] = value;
  }
  return out as MessageCreate;
}

function messages(v: unknown): unknown {
  if (!Array.isArray(v) || v.length === 0) return NO;
  const out: unknown[] = [];
  for (const m of v) {
    if (!isPlain(m) || !onlyKeys(m, MESSAGE_KEYS) || !('role' in m) || !('content' in m)) return NO;
    if (m['role'] !== 'user' && m['role'] !== 'assistant' && m['role'] !== 'system') return NO;
    const content = typeof m['content'] === 'string' ? m['content'] : textBlocks(m['content']);
    if (content === NO) return NO;
    out.push({ role: m['role'], content });
  }
  return out;
}
const MESSAGE_KEYS = new Set(['role', 'content']);

/** An array of `{type: 'text', text, cache_control?, citations?}` blocks. */
function textBlocks(v: unknown): unknown {
  if (!Array.isArray(v)) return NO;
  const out: unknown[] = [];
  for (const b of v) {
    if (!isPlain(b) || !onlyKeys(b, TEXT_KEYS) || b['type'] !== 'text' || typeof b['text'] !== 'string') return NO;
    const block: Json = { type: 'text', text: b['text'] };
    if ('cache_control' in b) {
      const cc = nullable(cacheControl)(b['cache_control']);
      if (cc === NO) return NO;
      block['cache_control'] = cc;
    }
    if ('citations' in b) {
      const c = b['citations'];
      if (c !== null && !Array.isArray(c)) return NO;
      block['citations'] = c === null ? null : [...c];
    }
    out.push(block);
  }
  return out;
}
const TEXT_KEYS = new Set(['type', 'text', 'cache_control', 'citations']);

function cacheControl(v: unknown): unknown {
  if (!isPlain(v) || !onlyKeys(v, CACHE_KEYS) || v['type'] !== 'ephemeral') return NO;
  if (!('ttl' in v)) return { type: 'ephemeral' };
  return v['ttl'] === '5m' || v['ttl'] === '1h' ? { type: 'ephemeral', ttl: v['ttl'] } : NO;
}
const CACHE_KEYS = new Set(['type', 'ttl']);

function outputConfig(v: unknown): unknown {
  if (!isPlain(v) || !onlyKeys(v, OUTPUT_KEYS)) return NO;
  const out: Json = {};
  if ('effort' in v) {
    if (!EFFORTS.has(v['effort'])) return NO;
    out['effort'] = v['effort'];
  }
  if ('format' in v) {
    const f = v['format'];
    if (f === null) out['format'] = null;
    else {
      if (!isPlain(f) || !onlyKeys(f, FORMAT_KEYS) || f['type'] !== 'json_schema' || !isPlain(f['schema'])) return NO;
      out['format'] = { type: 'json_schema', schema: record(f['schema']) };
    }
  }
  return out;
}
const OUTPUT_KEYS = new Set(['effort', 'format']);
const FORMAT_KEYS = new Set(['type', 'schema']);
const EFFORTS = new Set<unknown>(['low', 'medium', 'high', 'xhigh', 'max']);

/** `z.record(z.string(), z.unknown())`: a new object with the same entries, `__proto__` dropped. */
function record(v: Json): Json {
  const out: Json = {};
  for (const key of Object.keys(v)) if (key !== '__proto__') out[key] = v[key];
  return out;
}

function metadata(v: unknown): unknown {
  if (!isPlain(v) || !onlyKeys(v, METADATA_KEYS)) return NO;
  if (!('user_id' in v)) return {};
  const id = v['user_id'];
  return id === null || (typeof id === 'string' && id.length <= 256) ? { user_id: id } : NO;
}
const METADATA_KEYS = new Set(['user_id']);

function unitNumber(v: unknown): unknown {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1 ? v : NO;
}

function oneOf(...values: string[]): (v: unknown) => unknown {
  return (v) => (values.includes(v as string) ? v : NO);
}

function nullable(check: (v: unknown) => unknown): (v: unknown) => unknown {
  return (v) => (v === null ? null : check(v));
}

/** A JSON object (not an array, not null, no exotic prototype). */
function isPlain(v: unknown): v is Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function onlyKeys(v: Json, allowed: ReadonlySet<string>): boolean {
  for (const key in v) if (!allowed.has(key)) return false;
  return true;
}
