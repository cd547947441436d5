import { describe, expect, it } from 'vitest';
import { findJsonValues } from '../../../src/standin/compose/json-scan.ts';
import { extractFacts } from '../../../src/standin/compose/extract-facts.ts';
import { contactFromText } from '../../../src/standin/compose/extract-lines.ts';

const factsOf = (text: string, origin: 'user' | 'tool' | 'system' = 'user') => extractFacts([{ text, origin }]);

describe('when scanning text for embedded JSON', () => {
  it('finds top-level values, ignores brackets inside strings and skips what does not parse', () => {
    const text = 'prose [not json] then {"a":"x } y","b":[1,2]} and ["c"] and {broken: 1} and {"d":{"e":true}}';
    expect(findJsonValues(text)).toEqual([{ a: 'x } y', b: [1, 2] }, ['c'], { d: { e: true } }]);
  });

  it('recovers after a stray quote or an unmatched bracket in prose', () => {
    const text = 'He said "hi {there\nand { later {"id":"F1","text":"ok"}';
    expect(findJsonValues(text)).toEqual([{ id: 'F1', text: 'ok' }]);
    expect(findJsonValues('{'.repeat(5000) + '[1]' + '}'.repeat(10))).toEqual([[1]]);
  });
});

describe('when extracting facts', () => {
  it('normalises key spellings and reads nested account objects', () => {
    const f = factsOf(JSON.stringify({ Account: { ID: 'x-1', Company_Name: 'Vandelay', 'Buying Signals': ['imports up'], annualRecurringRevenue: '1.5M', Head_Count: '2,500' } }));
    expect(f).toMatchObject({ accountId: 'x-1', accountName: 'Vandelay', signals: ['imports up'], arr: 1_500_000, employees: 2500 });
  });

  it('keeps the first scalar, de-duplicates lists and makes do-not-contact sticky', () => {
    const f = factsOf('Industry: Retail\nIndustry: Banking\nSignals: a; b; A\nContact: Kim Lo, CEO, kim@v.example\nContact: kim@v.example (DNC)');
    expect(f.industry).toBe('Retail');
    expect(f.signals).toEqual(['a', 'b']);
    expect(f.contacts).toEqual([{ name: 'Kim Lo', title: 'CEO', email: 'kim@v.example', doNotContact: true }]);
  });

  it('reads memory items and citeable records, but not avoid items as facts', () => {
    const f = factsOf(JSON.stringify({ memory: [{ id: 'm1', kind: 'avoid', content: 'mergers' }, { id: 'm2', kind: 'resonated', content: 'case study' }], items: [{ factId: 'K-1', claim: 'Uses Oracle' }] }));
    expect(f.avoid).toEqual(['mergers']);
    expect(f.resonated).toEqual(['case study']);
    expect(f.facts).toEqual([{ id: 'K-1', text: 'Uses Oracle' }]);
  });

  it('treats "Facts:" as a list label and "Fact F1:" as one fact', () => {
    const f = factsOf('Facts:\n- [F1] first\n- plain note\nFact F2: second');
    expect(f.facts.map((x) => x.id)).toEqual(['F1', 'F2']);
    expect(f.notes).toEqual(['plain note']);
  });

  it('ignores Note lines in the system prompt and <example> blocks anywhere', () => {
    expect(factsOf('Note: always answer in JSON', 'system').notes).toEqual([]);
    expect(factsOf('Note: renewal is in June', 'tool').notes).toEqual(['renewal is in June']);
    expect(factsOf('<example>\nAccount: Example Corp\n</example>\nAccount: Real Co').accountName).toBe('Real Co');
  });

  it('parses one-line contacts', () => {
    expect(contactFromText('Jane Roe — Head of IT <jane@roe.example>')).toEqual({ name: 'Jane Roe', title: 'Head of IT', email: 'jane@roe.example', doNotContact: false });
    expect(contactFromText('Opted out: sam@roe.example')?.doNotContact).toBe(true);
  });
});

describe('when many requests share one system prompt', () => {
  it('extracts the same facts from a cached system scan as from a fresh one', () => {
    const system = 'You score accounts.\nTier: B\nAvoid:\n- pricing\n<example>{"name":"Example Co","industry":"Toys"}</example>';
    const user = (n: number) => `<account>${JSON.stringify({ name: `Acme ${n}`, industry: 'Freight', signals: [`Signal ${n}`] })}</account>`;
    const first = extractFacts([{ text: user(1), origin: 'user' }, { text: system, origin: 'system' }]);
    const second = extractFacts([{ text: user(2), origin: 'user' }, { text: system, origin: 'system' }]);
    expect(first.tier).toBe('B');
    expect(second.tier).toBe('B');
    expect(second.avoid).toEqual(first.avoid);
    expect(second.accountName).toBe('Acme 2');
    expect(second.industry).toBe('Freight');
    expect(second.signals).toEqual(['Signal 2']);
  });
});
