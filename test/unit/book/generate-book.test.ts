import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { INVALID_KINDS, invalidRow } from '../../../src/book/generate/dirt.ts';
import { generateBook } from '../../../src/book/generate/generate-book.ts';
import { mapHeaders } from '../../../src/book/header-mapping.ts';
import { createRowValidator } from '../../../src/book/validate-row.ts';

const text = (options: Parameters<typeof generateBook>[0]) => `${[...generateBook(options).lines()].join('\n')}\n`;

describe('when generating a book', () => {
  const book = generateBook({ accounts: 2_000, seed: 7 });
  const csv = `${[...book.lines()].join('\n')}\n`;
  const [header = [], ...rows] = parse(csv, { relax_column_count: true }) as string[][];
  const col = (name: string) => header.indexOf(name);

  it('writes the same bytes for the same seed, and different bytes for another seed', () => {
    expect(text({ accounts: 300, seed: 7 })).toBe(text({ accounts: 300, seed: 7 }));
    expect(text({ accounts: 300, seed: 7 })).not.toBe(text({ accounts: 300, seed: 8 }));
  });

  it('keeps account i the same whatever the size of the book', () => {
    const small = text({ accounts: 50, seed: 7 }).split('\n')[10];
    expect(csv.split('\n')).toContain(small);
  });

  it('reports its own counts: a row per account, plus duplicates and broken rows of extra accounts', () => {
    expect(book.stats).toEqual({ accounts: 2_000, rows: 2_040, duplicates: 30, conflictingDuplicates: 15, invalidRows: 10 });
    expect(rows).toHaveLength(2_040);
    // 2,000 accounts to import, and 10 more ids that only appear on broken rows.
    expect(new Set(rows.map((r) => r[0])).size).toBe(2_010);
  });

  it('has plausible, mostly distinct company names', () => {
    const names = new Set(rows.map((r) => r[col('Account Name')]));
    expect(names.size).toBeGreaterThan(1_900);
  });

  it('repeats some accounts identically and some with conflicting values', () => {
    const byId = new Map<string, string[][]>();
    for (const r of rows) byId.set(r[0] ?? '', [...(byId.get(r[0] ?? '') ?? []), r]);
    const repeated = [...byId.values()].filter((group) => group.length > 1);
    expect(repeated).toHaveLength(30);
    const conflicting = repeated.filter(([a = [], b = []]) => a.join('\u0001') !== b.join('\u0001'));
    expect(conflicting).toHaveLength(15);
    for (const [a = [], b = []] of conflicting) {
      expect(a[col('Last Modified')]).not.toBe(b[col('Last Modified')]);
      expect(a[col('Employees')] !== b[col('Employees')] || a[col('Stage')] !== b[col('Stage')]).toBe(true);
    }
  });

  it('contains exactly the announced number of rows the importer must quarantine', () => {
    const validate = createRowValidator(mapHeaders(header));
    const invalid = rows.filter((r) => !validate(r).ok);
    expect(invalid).toHaveLength(book.stats.invalidRows);
  });

  it('makes every kind of planted problem invalid, also on an account without contacts', () => {
    const validate = createRowValidator(mapHeaders(header));
    const valid = rows.filter((r) => validate(r).ok);
    for (const base of [valid.find((r) => r[col('Contact 1 Name')] === ''), valid.find((r) => r[col('Contact 2 Name')] !== '')]) {
      expect(base).toBeDefined();
      const contacts = base?.[col('Contact 2 Name')] ? 2 : 0;
      for (const kind of INVALID_KINDS) expect(validate(invalidRow(base ?? [], kind, contacts)).ok, kind).toBe(false);
    }
  });

  it('has UTF-8 names, quoted commas and quotes, multi-line notes, stale records and blank optional fields', () => {
    expect(csv).toMatch(/Zoë|Åsa|Müller|Jürgen/);
    expect(csv).toMatch(/[\u4e00-\u9fff]/);
    expect(csv).toMatch(/"[^"\n]*, [^"\n]*"/);
    expect(csv).toContain('""');
    expect(rows.some((r) => (r[col('Notes')] ?? '').includes('\n'))).toBe(true);
    expect(rows.some((r) => (r[col('Last Activity')] ?? '9999') < '2024-11-20')).toBe(true);
    expect(rows.some((r) => r[col('Industry')] === '')).toBe(true);
    expect(rows.some((r) => r[col('ARR (USD)')] === '')).toBe(true);
    expect(rows.some((r) => r[col('Contact 1 Name')] === '')).toBe(true);
    expect(rows.some((r) => r[col('Contact 1 Do Not Contact')] === 'yes')).toBe(true);
    expect(csv).not.toContain('\r');
    expect(csv.charCodeAt(0)).not.toBe(0xfeff);
  });

  it('spreads accounts unevenly over about twelve owners', () => {
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r[col('Account Owner Email')] ?? '', (counts.get(r[col('Account Owner Email')] ?? '') ?? 0) + 1);
    counts.delete('');
    expect(counts.size).toBe(12);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    expect((sorted[0] ?? 0) / (sorted[11] ?? 1)).toBeGreaterThan(2.5);
  });

  it('generates 4,000 accounts in well under two seconds', () => {
    const started = performance.now();
    let n = 0;
    for (const line of generateBook({ accounts: 4_000 }).lines()) n += line.length > 0 ? 1 : 0;
    expect(n).toBe(4_081);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
