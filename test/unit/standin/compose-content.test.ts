import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import { compose, type ComposeRequest, type JsonSchema } from '../../../src/standin/compose/index.ts';

const Draft = z.object({
  subject: z.string().max(80),
  body: z.string(),
  to: z.email().nullable(),
  citations: z.array(z.object({ claim: z.string(), factId: z.string() })),
  riskFlags: z.array(z.string()),
});
const Brief = z.object({ summary: z.string(), facts: z.array(z.object({ id: z.string(), text: z.string() })), signals: z.array(z.string()) });
const wire = (schema: z.ZodType): JsonSchema => transformJSONSchema(z.toJSONSchema(schema, { reused: 'ref' }));

function request(text: string, outputSchema?: JsonSchema, system = 'You draft outreach for account executives.'): ComposeRequest {
  const req: ComposeRequest = { model: 'stand-in', system, messages: [{ role: 'user', content: [{ type: 'text', text }] }], tools: [], obedient: false };
  if (outputSchema) req.outputSchema = outputSchema;
  return req;
}

function textOf(req: ComposeRequest): string {
  const result = compose(req);
  expect(result.stopReason).toBe('end_turn');
  const block = result.blocks[0];
  if (result.blocks.length !== 1 || block?.type !== 'text') throw new Error('expected exactly one text block');
  return block.text;
}

const draftOf = (text: string) => Draft.parse(JSON.parse(textOf(request(text, wire(Draft)))));

const ACME = {
  account: { id: 'A-9', name: 'Acme Robotics', industry: 'Manufacturing', stage: 'Proposal', arr: 2_100_000 },
  signals: ['Opened the ROI calculator twice', 'Hiring a Head of Automation'],
  facts: [
    { id: 'crm-note-17', text: 'Acme Robotics is consolidating three warehouse systems this year' },
    { id: 'crm-note-18', text: 'Acme Robotics announced layoffs at its Ohio plant' },
    { id: 'crm-note-19', text: 'The CFO asked for pricing details before the board meeting' },
  ],
  contacts: [
    { name: 'Maya Chen', title: 'COO', email: 'maya@acme.example', do_not_contact: true },
    { name: 'Omar Said', title: 'Director of Ops', email: 'omar@acme.example' },
  ],
  memory: [
    { kind: 'avoid', content: 'layoffs' },
    { kind: 'avoid', content: "Don't bring up pricing" },
    { kind: 'resonated', content: 'the automation benchmark report' },
  ],
};
const acmePrompt = `Write the outreach draft.\n<data source="crm">${JSON.stringify(ACME, null, 2)}</data>`;

describe('when drafting from prompt facts', () => {
  it('reuses at least one fact or signal text verbatim', () => {
    const out = draftOf(acmePrompt);
    const texts = [...ACME.signals, ...ACME.facts.map((f) => f.text)];
    expect(texts.some((t) => out.body.includes(t))).toBe(true);
    expect(out.body).toContain('automation benchmark report'); // builds on what resonated
  });

  it('cites only ids that exist in the prompt, with claims taken from the body', () => {
    const out = draftOf(acmePrompt);
    expect(out.citations.length).toBeGreaterThan(0);
    for (const c of out.citations) {
      expect(['crm-note-17', 'crm-note-18', 'crm-note-19']).toContain(c.factId);
      expect(out.body).toContain(c.claim);
    }
  });

  it('never mentions an avoid topic, even when facts and signals carry it', () => {
    const prompt = `${acmePrompt}\nSignals:\n- Pricing page visits doubled\n- Asked about layoff-related retraining`;
    for (const schema of [Draft, Brief]) {
      const text = textOf(request(prompt, wire(schema)));
      expect(text.toLowerCase()).not.toMatch(/layoff|pric/);
    }
    expect(textOf(request(prompt)).toLowerCase()).not.toMatch(/layoff|pric/);
  });

  it('never addresses a do-not-contact contact, however the prompt marks them', () => {
    expect(draftOf(acmePrompt).to).toBe('omar@acme.example');
    const byLabel = 'Account: Initech\nContacts:\n- Bill Lumbergh, VP, bill@initech.example\n- Peter Gibbons, Engineer, peter@initech.example\nDo not contact: Bill Lumbergh';
    expect(draftOf(byLabel).to).toBe('peter@initech.example');
    const byStatus = JSON.stringify({ account: 'Initech', contacts: [{ name: 'Bill', email: 'bill@initech.example', status: 'Do Not Contact' }] });
    const out = draftOf(byStatus);
    expect(out.to).toBeNull();
    expect(out.body).not.toContain('Bill');
  });

  it('is deterministic, and different accounts give different answers', () => {
    const req = request(acmePrompt, wire(Draft));
    expect(textOf(req)).toBe(textOf(structuredClone(req)));
    const other = acmePrompt.replaceAll('Acme Robotics', 'Globex Systems').replace('A-9', 'G-4');
    expect(textOf(request(other, wire(Draft)))).not.toBe(textOf(req));
  });
});

describe('when facts arrive as prose', () => {
  const prose = [
    'Account: Umbrella Health (id U-77)',
    'Industry: Healthcare',
    'Stage: Discovery',
    'ARR: $90k',
    'Signals:',
    '- Downloaded the HIPAA compliance guide',
    '- Requested a sandbox',
    '',
    'Contacts:',
    '- Alice Wong, CTO, alice@umbrella.example',
    '[N-12] Umbrella Health runs its scheduling on a legacy on-prem system',
    'Fact N-13: Umbrella Health opened two clinics in Denver',
    'Avoid: lawsuit',
    '<example>{"facts":[{"id":"EX-1","text":"Example Corp grew 300%"}]}</example>',
  ].join('\n');

  it('reads labels, bullet lists, [id] lines and Fact lines, and skips <example> blocks', () => {
    const out = Brief.parse(JSON.parse(textOf(request(prose, wire(Brief)))));
    expect(out.summary).toContain('Umbrella Health is a Healthcare company, in the Discovery stage, with ARR of $90k');
    expect(out.facts.map((f) => f.id)).toEqual(['N-12', 'N-13']);
    expect(out.signals).toEqual(['Downloaded the HIPAA compliance guide', 'Requested a sandbox']);
    expect(draftOf(prose).to).toBe('alice@umbrella.example');
  });

  it('keeps a tier the prompt already states', () => {
    const Prio = z.object({ tier: z.enum(['A', 'B', 'C', 'D']), score: z.int().min(0).max(100) });
    const out = Prio.parse(JSON.parse(textOf(request(`${prose}\nTier: D`, wire(Prio)))));
    expect(out).toEqual({ tier: 'D', score: 34 });
  });
});

describe('when answering in free text', () => {
  it('writes a draft when asked for one, and a summary otherwise', () => {
    expect(textOf(request(acmePrompt))).toMatch(/^Subject: Acme Robotics: /);
    const summary = textOf(request(acmePrompt.replace('Write the outreach draft.', 'Summarise this account.'), undefined, 'You research accounts.'));
    expect(summary).toMatch(/^Acme Robotics is a Manufacturing company/);
  });

  it('acknowledges a prompt without facts by quoting its opening words', () => {
    const text = textOf(request('hello there, can you confirm you are up and running today please', undefined, ''));
    expect(text).toContain('("hello there, can you confirm you are up…")');
    expect(textOf(request('', undefined, ''))).not.toBe('');
  });
});
