import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import { compose, type ComposeRequest, type JsonSchema } from '../../../src/standin/compose/index.ts';
import { parseDescriptionSuffix } from '../../../src/standin/compose/schema-util.ts';
import { fitNumber } from '../../../src/standin/compose/fit.ts';

/** The schema exactly as `zodOutputFormat` puts it on the wire. */
function wireSchema(schema: z.ZodType, reused: 'ref' | 'inline' = 'ref'): JsonSchema {
  return transformJSONSchema(z.toJSONSchema(schema, { reused }));
}

const ACCOUNT = {
  id: 'acc-311',
  name: 'Helios Freight',
  industry: 'Logistics',
  stage: 'Evaluation',
  arr: '$480k',
  employees: 1300,
  website: 'helios-freight.example',
  signals: ['Posted 9 SDR openings this month', { id: 'sig-2', text: 'Visited the integrations page three times' }],
  contacts: [{ name: 'Ravi Patel', title: 'VP Operations', email: 'ravi@helios-freight.example' }],
  facts: [
    { id: 'F1', text: 'Helios Freight renewed its fleet telematics contract in May' },
    { id: 'F2', text: 'Helios Freight expanded into Poland in 2026-02-14' },
  ],
};

function request(outputSchema: JsonSchema, text = `<account>${JSON.stringify(ACCOUNT)}</account>`): ComposeRequest {
  return { model: 'stand-in', system: 'You are a careful sales research agent.', messages: [{ role: 'user', content: [{ type: 'text', text }] }], tools: [], outputSchema, obedient: false };
}

function roundTrip<T extends z.ZodType>(schema: T, text?: string, reused: 'ref' | 'inline' = 'ref'): z.infer<T> {
  const result = compose(request(wireSchema(schema, reused), text));
  expect(result.stopReason).toBe('end_turn');
  expect(result.blocks).toHaveLength(1);
  const block = result.blocks[0];
  if (block?.type !== 'text') throw new Error('expected one text block');
  return schema.parse(JSON.parse(block.text));
}

const ResearchBrief = z.object({
  summary: z.string().min(40),
  facts: z.array(z.object({ id: z.string(), text: z.string() })).min(1),
});
const Prioritization = z.object({
  score: z.int().min(0).max(100),
  tier: z.enum(['A', 'B', 'C', 'D']),
  rationale: z.string().min(20),
  confidence: z.number().min(0).max(1),
});
const Draft = z.object({
  subject: z.string().max(80),
  body: z.string().min(80).max(1200),
  to: z.email(),
  citations: z.array(z.object({ claim: z.string(), factId: z.string() })),
  riskFlags: z.array(z.string()),
});
const Person = z.object({ name: z.string().min(1), email: z.email().nullable() });
const Shape = z.discriminatedUnion('type', [z.object({ type: z.literal('a'), a: z.string() }), z.object({ type: z.literal('b'), b: z.number() })]);
type TreeNode = { label: string; children: TreeNode[] };
const Tree: z.ZodType<TreeNode> = z.object({ label: z.string(), get children() { return z.array(Tree); } });
const Awkward = z.object({
  account: z.object({ name: z.string(), id: z.string(), industry: z.string().nullable(), region: z.string().nullable() }),
  recipient: Person.nullable(),
  owner: Person,
  backup: Person.optional(),
  tags: z.array(z.string().min(3).max(12)).min(2).max(3),
  ratio: z.number().gt(0).lt(1).multipleOf(0.05),
  bucket: z.int().min(10).max(20).multipleOf(5),
  negative: z.number().max(-3.5),
  code: z.string().regex(/^[A-Z]{2}-\d{3}$/),
  kind: z.literal('draft'),
  followUpDate: z.iso.date(),
  createdAt: z.iso.datetime(),
  ref: z.uuid(),
  site: z.url(),
  channel: z.enum(['phone', 'linkedin', 'email']),
  priority: z.enum(['low', 'medium', 'high']),
  meta: z.record(z.string(), z.string()),
  alt: z.union([z.string(), z.number()]),
  shape: Shape,
  nested: z.object({ deeper: z.object({ notes: z.array(z.string()).optional(), flag: z.boolean() }) }),
  big: z.int(),
  needsReview: z.boolean(),
  nullableDate: z.iso.date().nullable(),
  tree: Tree,
  both: z.object({ a: z.string() }).and(z.object({ b: z.int().min(3) })),
  shortTitle: z.string().min(5).max(8),
});

describe('when the output schema comes through the real SDK transform', () => {
  it('answers a research brief that zod accepts, citing only prompt fact ids', () => {
    const out = roundTrip(ResearchBrief);
    expect(out.facts.map((f) => f.id).every((id) => ['F1', 'F2', 'sig-2'].includes(id))).toBe(true);
    expect(out.summary).toContain('Helios Freight');
  });

  it('answers a prioritization with the formula score, its tier and a grounded rationale', () => {
    const out = roundTrip(Prioritization);
    // 40 + 2 signals (20) + ARR 480k (10) + evaluation stage (5) + reachable contact (5) + 1,300 employees (5)
    expect(out.score).toBe(85);
    expect(out.tier).toBe('A');
    expect(out.rationale).toContain('Evaluation');
    expect(out.confidence).toBeGreaterThan(0.5);
  });

  it('answers a draft whose body, recipient and citations all come from the prompt', () => {
    const out = roundTrip(Draft);
    expect(out.to).toBe('ravi@helios-freight.example');
    expect(out.body).toMatch(/^Hi Ravi,|^Hello Ravi,/);
    expect(out.citations.length).toBeGreaterThan(0);
    for (const c of out.citations) expect(out.body).toContain(c.claim);
    expect(out.riskFlags).toEqual([]);
  });

  it('honours nullable, optional, nested, $ref, recursive, format and description-suffix constraints', () => {
    for (const reused of ['ref', 'inline'] as const) {
      const out = roundTrip(Awkward, undefined, reused);
      expect(out.account).toMatchObject({ name: 'Helios Freight', id: 'acc-311', industry: 'Logistics', region: null });
      expect(out.recipient?.email).toBe('ravi@helios-freight.example');
      expect(out.followUpDate).toBe('2026-02-14');
      expect(out.site).toBe('https://helios-freight.example');
      expect(out.channel).toBe('email');
    }
  });

  it('still produces valid JSON for every schema when the prompt holds no facts', () => {
    for (const schema of [ResearchBrief, Prioritization, Draft, Awkward] as z.ZodType[]) {
      expect(() => roundTrip(schema, 'Please respond.')).not.toThrow();
    }
    const empty = roundTrip(Draft, 'Please respond.');
    expect(empty.to).toMatch(/@example\.invalid$/);
    expect(empty.citations).toEqual([]);
  });
});

describe('when reading constraint suffixes', () => {
  it('parses the suffix the SDK appends, including JSON-escaped patterns', () => {
    expect(parseDescriptionSuffix('Score.\n\n{minimum: 0, maximum: 100}')).toEqual({ minimum: 0, maximum: 100 });
    expect(parseDescriptionSuffix('{pattern: "^[A-Z]{2}, \\\\d+$", minLength: 3}')).toEqual({ pattern: '^[A-Z]{2}, \\d+$', minLength: 3 });
    expect(parseDescriptionSuffix('Plain text with {braces} inside')).toEqual({});
  });

  it('clamps numbers to exclusive bounds, multiples and the safe-integer range', () => {
    expect(fitNumber(1, { exclusiveMinimum: 0, exclusiveMaximum: 1, multipleOf: 0.05 }, false)).toBe(0.95);
    expect(fitNumber(3, { minimum: 10, maximum: 20, multipleOf: 5 }, true)).toBe(10);
    expect(fitNumber(1e20, { minimum: -9007199254740991, maximum: 9007199254740991 }, true)).toBe(9007199254740991);
    expect(fitNumber(0.72, { minimum: 0, maximum: 100 }, true)).toBe(1);
  });
});
