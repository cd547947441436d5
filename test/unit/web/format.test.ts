import { describe, expect, it } from 'vitest';
import { formatAgo, formatDate, formatDateTime, formatUsd, humanize, toDate, truncate } from '../../../src/web/format.ts';

describe('dates in the rep’s time zone', () => {
  const instant = new Date('2026-03-04T23:30:00Z');

  it('formats in the given IANA zone, with the zone named', () => {
    expect(formatDateTime(instant, 'UTC')).toBe('Mar 4, 2026, 11:30 PM UTC');
    expect(formatDateTime(instant, 'Asia/Tokyo')).toBe('Mar 5, 2026, 8:30 AM GMT+9');
    expect(formatDate(instant, 'America/New_York')).toBe('Mar 4, 2026');
    expect(formatDate(instant, 'Asia/Tokyo')).toBe('Mar 5, 2026');
  });

  it('falls back to UTC for a zone the runtime does not know', () => {
    expect(formatDateTime(instant, 'Mars/Olympus_Mons')).toBe('Mar 4, 2026, 11:30 PM UTC');
  });

  it('says how long ago, coarsely', () => {
    const now = new Date('2026-03-05T02:30:00Z');
    expect(formatAgo(new Date('2026-03-05T02:29:40Z'), now)).toBe('just now');
    expect(formatAgo(new Date('2026-03-05T02:10:00Z'), now)).toBe('20 min ago');
    expect(formatAgo(instant, now)).toBe('3 h ago');
    expect(formatAgo(new Date('2026-03-01T00:00:00Z'), now)).toBe('4 d ago');
  });

  it('reads dates from jsonb strings, and nothing else', () => {
    expect(toDate('2026-01-02')?.toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(toDate('yesterday')).toBeNull();
    expect(toDate(42)).toBeNull();
    expect(toDate(new Date('nope'))).toBeNull();
  });
});

describe('labels', () => {
  it('humanizes codes and money', () => {
    expect(humanize('wrong_facts')).toBe('Wrong facts');
    expect(humanize('unverified-claim')).toBe('Unverified claim');
    expect(formatUsd(1_250_000)).toBe('$1.3M');
    expect(formatUsd(350_000)).toBe('$350K');
    expect(formatUsd(900)).toBe('$900');
    expect(truncate('a  b\n c', 10)).toBe('a b c');
    expect(truncate('abcdefghijkl', 6)).toBe('abcde…');
  });
});
