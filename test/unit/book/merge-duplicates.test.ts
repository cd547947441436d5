import { describe, expect, it } from 'vitest';
import type { BookRow } from '../../../src/book/book-row.ts';
import { mergeDuplicates } from '../../../src/book/merge-duplicates.ts';

function bookRow(overrides: Partial<BookRow>): BookRow {
  return {
    externalId: 'A-1',
    name: 'Northwind',
    domain: 'northwind.example',
    industry: null,
    employees: 100,
    arrUsd: null,
    stage: 'customer',
    region: null,
    owner: null,
    contacts: [],
    activities: [],
    signals: [],
    notes: null,
    lastActivity: null,
    lastModified: null,
    ...overrides,
  };
}

const contact = (key: string) => ({ key, name: key, title: null, email: key, phone: null, doNotContact: false });

describe('when an account has several rows in one file', () => {
  it('takes values from the newest row and records each disagreeing field with its lines', () => {
    const merged = mergeDuplicates([
      { line: 4, row: bookRow({ employees: 100, lastModified: new Date('2026-10-15'), contacts: [contact('a@x.example')] }) },
      { line: 9, row: bookRow({ employees: 140, stage: 'churned', lastModified: new Date('2026-09-01'), contacts: [contact('b@x.example')] }) },
    ]);
    expect(merged.line).toBe(4);
    expect(merged.row.employees).toBe(100);
    expect(merged.conflicts).toEqual([
      { field: 'employees', values: ['100', '140'], lines: [4, 9] },
      { field: 'stage', values: ['customer', 'churned'], lines: [4, 9] },
    ]);
    expect(merged.row.contacts.map((c) => c.key)).toEqual(['a@x.example', 'b@x.example']);
  });

  it('records no conflict for identical rows and lets the later line win a tie', () => {
    const merged = mergeDuplicates([
      { line: 2, row: bookRow({}) },
      { line: 7, row: bookRow({}) },
    ]);
    expect(merged.conflicts).toEqual([]);
    expect(merged.line).toBe(7);
  });
});
