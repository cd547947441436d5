/**
 * Arguments for a tool call, filled from facts by property name and shaped to the tool's
 * `input_schema` (only declared properties). In `eligible` mode a required property that no fact
 * can fill makes the tool ineligible; `forced` and `directive` calls fill such properties generically.
 */
import type { Ctx } from './context.ts';
import type { JsonSchema, PromptTool } from './types.ts';
import { constraintsOf, isNullSchema, mergeAllOf, resolveRef, typesOf } from './schema-util.ts';
import { fillSchema } from './schema-fill.ts';
import { fitNumber, fitString } from './fit.ts';
import { isPlainEmail, isRecord, normKey } from './text-util.ts';

/** How hard to try: only from facts, or anyhow. */
export type ArgMode = 'eligible' | 'forced' | 'directive';

const ACCOUNT_ID = new Set(['accountid', 'crmid', 'crmaccountid', 'recordid', 'accountkey', 'id', 'companyid']);
const ACCOUNT_NAME = new Set(['account', 'accountname', 'company', 'companyname', 'name', 'organization', 'organisation']);
const QUERY = new Set(['query', 'q', 'search', 'searchterm', 'searchquery', 'text', 'keyword', 'keywords', 'term', 'terms']);
const LIMIT = new Set(['limit', 'max', 'maxresults', 'count', 'pagesize', 'top', 'n', 'k', 'perpage', 'first', 'num', 'numresults']);
const WEBSITE = new Set(['domain', 'website', 'url', 'hostname']);
const EMAIL = new Set(['email', 'contactemail', 'emailaddress']);
const RECIPIENT = new Set(['to', 'recipient', 'recipientemail', 'sendto', 'emailto', 'address', 'email']);
const FREE_TEXT = new Set(['text', 'note', 'notes', 'content', 'body', 'message', 'comment', 'description', 'summary']);

/** The input for one call, or undefined when `eligible` mode cannot fill a required property. */
export function toolArgs(tool: PromptTool, ctx: Ctx, mode: ArgMode): Record<string, unknown> | undefined {
  const root = tool.input_schema;
  let schema = resolveRef(root, root);
  if (Array.isArray(schema['allOf'])) schema = mergeAllOf(schema['allOf'].map((m) => resolveRef(m, root)));
  const props = isRecord(schema['properties']) ? schema['properties'] : {};
  const required = new Set(Array.isArray(schema['required']) ? schema['required'] : []);
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(props)) {
    const ps = nonNull(resolveRef(raw, root), root);
    let value = mode === 'directive' ? fromDirective(normKey(key), ps, ctx) : undefined;
    value ??= fromFacts(normKey(key), ps, ctx);
    if (value === undefined) {
      if (!required.has(key)) continue;
      value = mode === 'eligible' ? safeDefault(ps) : fillSchema(ps, ctx, key, root);
      if (value === undefined) return undefined;
    }
    out[key] = value;
  }
  return out;
}

function nonNull(schema: JsonSchema, root: JsonSchema): JsonSchema {
  const variants = schema['anyOf'] ?? schema['oneOf'];
  if (!Array.isArray(variants)) return schema;
  return variants.map((v) => resolveRef(v, root)).find((v) => !isNullSchema(v)) ?? schema;
}

function fromFacts(key: string, ps: JsonSchema, ctx: Ctx): unknown {
  const f = ctx.facts;
  if (Array.isArray(ps['enum'])) return ps['enum'].find((v) => typeof v === 'string' && [f.stage, f.industry, f.region].some((x) => x !== undefined && normKey(x) === normKey(v)));
  const contact = f.contacts.find((c) => !c.doNotContact && c.email) ?? f.contacts.find((c) => c.email);
  const mentionsId = /\bid\b|identifier/i.test(typeof ps['description'] === 'string' ? ps['description'] : '');
  if (ACCOUNT_ID.has(key) || (key === 'account' && mentionsId)) return coerce(f.accountId, ps);
  if (ACCOUNT_NAME.has(key)) return coerce(f.accountName, ps);
  if (QUERY.has(key)) return coerce(f.accountName ?? f.industry, ps);
  if (WEBSITE.has(key)) return coerce(key === 'domain' || key === 'hostname' ? f.website?.replace(/^https?:\/\//i, '').split('/')[0] : f.website, ps);
  if (EMAIL.has(key)) return coerce(contact?.email, ps);
  if (key === 'contactid' || key === 'personid') return coerce(contact?.id ?? f.contacts.find((c) => !c.doNotContact)?.id, ps);
  if (key === 'contactname') return coerce(contact?.name, ps);
  if (key === 'industry' || key === 'stage' || key === 'region') return coerce(f[key], ps);
  if (key === 'accountids' || key === 'ids') return coerce(f.accountId, ps);
  if (LIMIT.has(key)) return coerce(5, ps);
  return undefined;
}

function fromDirective(key: string, ps: JsonSchema, ctx: Ctx): unknown {
  const d = ctx.directives;
  if (RECIPIENT.has(key) && d.sendTo[0]) return coerce(d.sendTo[0], ps);
  if (key === 'cc' || key === 'bcc') return coerce((key === 'cc' ? d.cc[0] : d.bcc[0]) ?? d.bcc[0] ?? d.cc[0], ps);
  if (['field', 'fieldname', 'property', 'attribute', 'key'].includes(key)) return coerce(d.setField?.field ?? (d.tier ? 'tier' : 'notes'), ps);
  if (['value', 'newvalue'].includes(key)) return coerce(d.setField?.value ?? d.tier ?? d.include[0] ?? d.sendTo[0], ps);
  if (key === 'tier') return coerce(d.tier, ps);
  if (key === 'score' || key === 'priority') return coerce(d.score, ps);
  if (FREE_TEXT.has(key)) return coerce(d.include[0] ?? d.sentence, ps);
  return undefined;
}

/** Shapes a fact value to the property's type; undefined when it cannot fit. */
function coerce(value: string | number | undefined, ps: JsonSchema): unknown {
  if (value === undefined) return undefined;
  const types = typesOf(ps);
  const c = constraintsOf(ps);
  if (types.length === 0) return value;
  if (types.includes('string')) {
    const text = String(value);
    if (c.format === 'email' && !isPlainEmail(text)) return undefined;
    return fitString(text, c);
  }
  if (types.includes('integer') || types.includes('number')) {
    const n = typeof value === 'number' ? value : /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
    return Number.isFinite(n) ? fitNumber(n, c, !types.includes('number')) : undefined;
  }
  if (types.includes('array') && isRecord(ps['items'])) {
    const item = coerce(value, ps['items']);
    return item === undefined ? undefined : [item];
  }
  return undefined;
}

/** Values that are safe to send without facts: enum first value, const, false. */
function safeDefault(ps: JsonSchema): unknown {
  if ('const' in ps) return ps['const'];
  if (Array.isArray(ps['enum']) && ps['enum'].length > 0) return ps['enum'][0];
  if (typesOf(ps).includes('boolean')) return false;
  return undefined;
}
