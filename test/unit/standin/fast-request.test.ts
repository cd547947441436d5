/**
 * The hand-written fast path for common Messages bodies must agree with the zod schema: whatever
 * it accepts, zod accepts with byte-identical output (same values, same key order); anything else
 * it leaves to zod. Checked over a few thousand seeded variants, valid and invalid.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/standin/faults.ts';
import { fastMessageCreate } from '../../../src/standin/fast-request.ts';
import { MessageCreate } from '../../../src/standin/request-schema.ts';

const SCHEMA = {
  $defs: { f: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } },
  type: 'object',
  properties: { summary: { type: 'string', description: 'x\n\n{maxLength: 10}' }, facts: { type: 'array', items: { $ref: '#/$defs/f' } } },
  required: ['summary'],
  additionalProperties: false,
};

const BASE = {
  model: 'claude-sonnet-5-5',
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'Account: Acme' }],
  system: [
    { type: 'text', text: 'You research accounts.' },
    { type: 'text', text: 'Cite facts.', cache_control: { type: 'ephemeral' } },
  ],
  output_config: { format: { type: 'json_schema', schema: SCHEMA } },
};

/** Replacement values worth trying at any position: valid, near-valid and wrong. */
const ODD: unknown[] = [null, undefined, 0, -1, 1.5, 2 ** 60, '', 'x', 'user', 'text', 'ephemeral', '1h', '2h', true, [], [1], {}, { type: 'text', text: 'hi' }, { type: 'ephemeral', ttl: '5m' }, { type: 'image' }];

type Json = Record<string, unknown>;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** One random edit somewhere in the body: replace, delete or add a key, reorder keys, or nest something odd. */
function mutate(body: Json, random: () => number): Json {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const containers: Json[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') {
      containers.push(v as Json);
      Object.values(v).forEach(visit);
    }
  };
  visit(body);
  const target = pick(containers);
  const keys = Object.keys(target);
  switch (Math.floor(random() * 6)) {
    case 0:
      if (keys.length) target[pick(keys)] = clone(pick(ODD) ?? null);
      break;
    case 1:
      if (keys.length) delete target[pick(keys)];
      break;
    case 2:
      target[pick(['extra', 'cache_control', 'citations', 'ttl', 'effort', 'metadata', 'stream', 'stop_sequences', 'temperature', 'top_k', 'speed', 'tools', 'thinking', 'user_id', 'format'])] = clone(pick(ODD) ?? null);
      break;
    case 3: {
      // Same entries, reversed order: zod writes its own order back.
      const entries = Object.entries(target).reverse();
      for (const k of keys) delete target[k];
      for (const [k, v] of entries) target[k] = v;
      break;
    }
    case 4:
      Object.assign(body, pick([{ stop_sequences: ['END'] }, { metadata: { user_id: 'u-1' } }, { metadata: {} }, { stream: true }, { temperature: 0.2, top_p: 1, top_k: 3 }, { speed: 'fast' }, { service_tier: 'auto' }, { container: { id: 1 } }, { cache_control: null }]));
      break;
    default:
      if (!Array.isArray(body['messages'])) break;
      (body['messages'] as unknown[]).push(pick([{ role: 'assistant', content: [{ type: 'text', text: 'ok', citations: null }] }, { content: 'x', role: 'user' }, { role: 'user', content: [{ type: 'text', text: 'a', cache_control: { ttl: '1h', type: 'ephemeral' } }] }]));
  }
  return body;
}

describe('when the fast path reads a body', () => {
  it('returns exactly what zod returns, or leaves the body to zod', () => {
    const random = seededRandom(42);
    let fast = 0;
    for (let i = 0; i < 4000; i++) {
      let body: Json = clone(BASE);
      const edits = Math.floor(random() * 4);
      for (let e = 0; e < edits; e++) body = mutate(body, random);
      const result = fastMessageCreate(body);
      const parsed = MessageCreate.safeParse(body);
      if (result === undefined) continue;
      fast++;
      expect(parsed.success, JSON.stringify(body)).toBe(true);
      expect(JSON.stringify(result)).toBe(JSON.stringify(parsed.data));
    }
    // The common shapes really take the fast path.
    expect(fast).toBeGreaterThan(1000);
  });

  it('drops a __proto__ key inside a schema record, as zod does', () => {
    const body = JSON.parse('{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],"output_config":{"format":{"type":"json_schema","schema":{"__proto__":{"x":1},"type":"object"}}}}') as Json;
    const parsed = MessageCreate.safeParse(body);
    expect(parsed.success).toBe(true);
    expect(JSON.stringify(fastMessageCreate(body))).toBe(JSON.stringify(parsed.data));
  });

  it('leaves bodies with a __proto__ key, tools or thinking to zod', () => {
    expect(fastMessageCreate(JSON.parse('{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],"__proto__":{}}'))).toBeUndefined();
    expect(fastMessageCreate({ ...BASE, tools: [] })).toBeUndefined();
    expect(fastMessageCreate({ ...BASE, thinking: { type: 'adaptive' } })).toBeUndefined();
  });
});
