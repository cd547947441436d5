import { describe, expect, it } from 'vitest';
import { parseActivities } from '../../../src/book/activities-cell.ts';
import { parseCount, parseDate, parseDomain, parseFlag, parseUsd, splitList } from '../../../src/book/cell-values.ts';

const value = <T>(result: { ok: true; value: T } | { ok: false; reason: string }) => (result.ok ? result.value : `error: ${result.reason}`);

describe('parseCount', () => {
  it('reads plain, grouped and abbreviated counts; blank is null', () => {
    expect(value(parseCount('1200'))).toBe(1200);
    expect(value(parseCount('1,200'))).toBe(1200);
    expect(value(parseCount('1 200'))).toBe(1200);
    expect(value(parseCount('120k'))).toBe(120_000);
    expect(value(parseCount('1.5K'))).toBe(1500);
    expect(value(parseCount('  '))).toBeNull();
  });

  it('says why a count is not one', () => {
    expect(value(parseCount('lots'))).toBe('error: "lots" is not a number');
    expect(value(parseCount('-5'))).toBe('error: "-5" cannot be negative');
    expect(value(parseCount('12.5'))).toBe('error: "12.5" is not a whole number');
    expect(value(parseCount('51-200'))).toBe('error: "51-200" is a range, not a number');
    expect(value(parseCount('1,20'))).toBe('error: "1,20" is not a number');
    expect(value(parseCount('$100'))).toBe('error: "$100" is not a number');
    expect(value(parseCount('3B'))).toMatch(/too large/);
  });
});

describe('parseUsd', () => {
  it('reads dollar amounts in the ways CRMs write them, rounded to whole dollars', () => {
    expect(value(parseUsd('$1.2M'))).toBe(1_200_000);
    expect(value(parseUsd('120k'))).toBe(120_000);
    expect(value(parseUsd('1,200,000'))).toBe(1_200_000);
    expect(value(parseUsd('USD 4,500.50'))).toBe(4501);
    expect(value(parseUsd('4500 USD'))).toBe(4500);
    expect(value(parseUsd('$ 300K'))).toBe(300_000);
    expect(value(parseUsd(''))).toBeNull();
  });

  it('refuses negative, foreign and unreadable amounts', () => {
    expect(value(parseUsd('-5000'))).toBe('error: "-5000" cannot be negative');
    expect(value(parseUsd('(5,000)'))).toBe('error: "(5,000)" cannot be negative');
    expect(value(parseUsd('€1.2M'))).toBe('error: "€1.2M" is not in US dollars');
    expect(value(parseUsd('n/a'))).toBe('error: "n/a" is not an amount in US dollars');
    expect(value(parseUsd('$3B'))).toMatch(/too large/);
  });
});

describe('parseDate', () => {
  it('reads ISO dates and date-times (UTC unless a zone is given)', () => {
    expect((parseDate('2026-11-02') as { value: Date }).value.toISOString()).toBe('2026-11-02T00:00:00.000Z');
    expect((parseDate('2026-11-02T10:30:00Z') as { value: Date }).value.toISOString()).toBe('2026-11-02T10:30:00.000Z');
    expect((parseDate('2026-11-02 10:30') as { value: Date }).value.toISOString()).toBe('2026-11-02T10:30:00.000Z');
    expect((parseDate('2026-11-02T10:30:00.000+0200') as { value: Date }).value.toISOString()).toBe('2026-11-02T08:30:00.000Z');
    expect(value(parseDate(''))).toBeNull();
  });

  it('reads slash dates only when told the order', () => {
    expect(value(parseDate('03/04/2026'))).toMatch(/ambiguous date/);
    expect((parseDate('03/04/2026', 'mdy') as { value: Date }).value.toISOString()).toBe('2026-03-04T00:00:00.000Z');
    expect((parseDate('03/04/2026', 'dmy') as { value: Date }).value.toISOString()).toBe('2026-04-03T00:00:00.000Z');
    expect((parseDate('3/4/2026 2:05 PM', 'mdy') as { value: Date }).value.toISOString()).toBe('2026-03-04T14:05:00.000Z');
  });

  it('refuses words and impossible dates', () => {
    expect(value(parseDate('yesterday'))).toBe('error: "yesterday" is not a date (use YYYY-MM-DD)');
    expect(value(parseDate('2026-02-30'))).toBe('error: "2026-02-30" is not a valid date');
  });
});

describe('parseFlag, parseDomain and splitList', () => {
  it('reads yes/no flags with blank as no', () => {
    expect(['yes', 'TRUE', '1', 'x', ''].map((s) => value(parseFlag(s)))).toEqual([true, true, true, true, false]);
    expect(value(parseFlag('maybe'))).toBe('error: "maybe" is not yes or no');
  });

  it('turns websites into bare lower-cased domains', () => {
    expect(value(parseDomain('https://www.Northwind.com/about?x=1'))).toBe('northwind.com');
    expect(value(parseDomain('brightwater.co.uk'))).toBe('brightwater.co.uk');
    expect(value(parseDomain('münchen-data.de'))).toBe('münchen-data.de');
    expect(value(parseDomain('not a site'))).toBe('error: "not a site" is not a website or domain');
  });

  it('splits multi-valued cells on " | " and drops blanks and repeats', () => {
    expect(splitList('Hiring 12 planners | Opened an office in Austin ||  | Hiring 12 planners')).toEqual(['Hiring 12 planners', 'Opened an office in Austin']);
  });
});

describe('parseActivities', () => {
  it('reads "DATE kind: summary" entries with a stable dedupe key', () => {
    const result = parseActivities('2026-11-02 call: Discussed renewal, pricing | 2026-10-20 Email: Sent pricing | 2026-10-01 webinar: Attended');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.map((a) => [a.kind, a.summary])).toEqual([
      ['call', 'Discussed renewal, pricing'],
      ['email', 'Sent pricing'],
      ['other', 'webinar: Attended'],
    ]);
    const again = parseActivities('2026-11-02 call: Discussed renewal, pricing');
    expect(again.ok && again.value[0]?.dedupeKey).toBe(result.value[0]?.dedupeKey);
  });

  it('refuses entries without a date and kind', () => {
    expect(value(parseActivities('called them last week'))).toBe('error: "called them last week" is not "YYYY-MM-DD kind: summary"');
    expect(value(parseActivities('someday call: hello'))).toMatch(/^error: activity "someday call: hello": "someday" is not a date/);
  });
});
