import { describe, expect, it } from 'vitest';
import { BookRow } from '../../../src/book/book-row.ts';
import { mapHeaders } from '../../../src/book/header-mapping.ts';
import { createRowValidator } from '../../../src/book/validate-row.ts';

const HEADERS = ['Account ID', 'Account Name', 'Employees', 'ARR (USD)', 'Account Owner', 'Account Owner Email', 'Last Modified', 'Recent Activities', 'Last Activity', 'Contact 1 Name', 'Contact 1 Email', 'Contact 1 Do Not Contact', 'Contact 2 Name', 'Contact 2 Title', 'Contact 2 Email'];
const validate = createRowValidator(mapHeaders(HEADERS));

/** A valid row with some cells replaced. */
function row(changes: Record<string, string> = {}): string[] {
  const base: Record<string, string> = {
    'Account ID': ' A-1 ',
    'Account Name': 'Northwind Logistics',
    Employees: '1,200',
    'ARR (USD)': '$1.2M',
    'Account Owner': 'Maya Chen',
    'Account Owner Email': 'Maya.Chen@Seller.example',
    'Last Modified': '2026-10-01T10:00:00Z',
    'Recent Activities': '2026-09-30 call: Discussed renewal',
    'Last Activity': '2026-08-01',
    'Contact 1 Name': 'Zoë Müller',
    'Contact 1 Email': 'Zoe.Mueller@northwind.example',
    'Contact 1 Do Not Contact': 'yes',
    'Contact 2 Name': '',
    'Contact 2 Title': '',
    'Contact 2 Email': '',
    ...changes,
  };
  return HEADERS.map((h) => base[h] ?? '');
}

describe('when a row is valid', () => {
  it('becomes a typed BookRow', () => {
    const result = validate(row());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(BookRow.safeParse(result.row).success).toBe(true);
    expect(result.row).toMatchObject({
      externalId: 'A-1',
      employees: 1200,
      arrUsd: 1_200_000,
      owner: { email: 'maya.chen@seller.example', name: 'Maya Chen' },
      contacts: [{ key: 'zoe.mueller@northwind.example', name: 'Zoë Müller', doNotContact: true }],
    });
    // The later of the Last Activity cell and the newest listed activity.
    expect(result.row.lastActivity?.toISOString()).toBe('2026-09-30T00:00:00.000Z');
  });

  it('keys a contact without email by its lower-cased name', () => {
    const result = validate(row({ 'Contact 2 Name': 'Åsa Lindqvist' }));
    expect(result.ok && result.row.contacts[1]).toMatchObject({ key: 'åsa lindqvist', email: null });
  });

  it('leaves blank optional cells null, never zero', () => {
    const result = validate(row({ Employees: '', 'ARR (USD)': '', 'Account Owner Email': '' }));
    expect(result.ok && [result.row.employees, result.row.arrUsd, result.row.owner]).toEqual([null, null, null]);
  });
});

describe('when a row is invalid', () => {
  const issues = (changes: Record<string, string>) => {
    const result = validate(row(changes));
    return result.ok ? [] : result.issues;
  };

  it('names the column and quotes the bad number', () => {
    expect(issues({ Employees: 'lots' })).toEqual([{ column: 'Employees', reason: '"lots" is not a number' }]);
    expect(issues({ 'ARR (USD)': '-5000' })).toEqual([{ column: 'ARR (USD)', reason: '"-5000" cannot be negative' }]);
  });

  it('names the contact email column', () => {
    expect(issues({ 'Contact 2 Name': 'Kim Park', 'Contact 2 Email': 'kim@@northwind.example' })).toEqual([
      { column: 'Contact 2 Email', reason: '"kim@@northwind.example" is not an email address' },
    ]);
  });

  it('refuses a contact with a title but neither name nor email', () => {
    expect(issues({ 'Contact 2 Title': 'CFO' })).toEqual([{ column: 'Contact 2 Name', reason: 'contact 2 has a title but no name or email' }]);
  });

  it('requires an account id and name', () => {
    expect(issues({ 'Account ID': '  ', 'Account Name': '' })).toEqual([
      { column: 'Account ID', reason: 'account id is blank' },
      { column: 'Account Name', reason: 'account name is blank' },
    ]);
    expect(issues({ 'Account ID': '1.23E+11' })[0]?.reason).toMatch(/Excel/);
  });

  it('reports a wrong number of cells against the whole row', () => {
    const result = validate(['A-1', 'Short']);
    expect(result).toEqual({ ok: false, issues: [{ column: null, reason: expect.stringMatching(/^row has 2 cells, the header has 15/) }] });
  });

  it('refuses cells that were not valid UTF-8', () => {
    expect(issues({ 'Account Name': 'M\uFFFDller GmbH' })).toEqual([{ column: 'Account Name', reason: 'contains bytes that are not UTF-8 (export the file as "CSV UTF-8")' }]);
  });

  it('reports every problem of the row, not just the first', () => {
    expect(issues({ Employees: 'lots', 'Last Modified': 'yesterday' }).map((i) => i.column)).toEqual(['Employees', 'Last Modified']);
  });
});
