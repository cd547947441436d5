import { describe, expect, it } from 'vitest';
import { fireTimeOf, nightKey } from '../../../src/schedule/index.ts';

const at = (iso: string) => Date.parse(iso);

describe('nightKey', () => {
  it('is the calendar date of the fire time in the schedule zone, not in UTC', () => {
    // 02:00 in Berlin (winter, UTC+1) is 01:00 UTC on the same date.
    expect(nightKey(at('2026-11-21T01:00:00Z'), 'Europe/Berlin')).toBe('nightly-2026-11-21');
    // 23:30 UTC on the 20th is already the 21st in Berlin.
    expect(nightKey(at('2026-11-20T23:30:00Z'), 'Europe/Berlin')).toBe('nightly-2026-11-21');
    // …and still the 20th in New York.
    expect(nightKey(at('2026-11-20T23:30:00Z'), 'America/New_York')).toBe('nightly-2026-11-20');
  });

  it('puts a fire just after midnight on the new date, and one just before on the old', () => {
    // 00:00:01 and 23:59:59 Berlin time (UTC+1 in November).
    expect(nightKey(at('2026-11-20T23:00:01Z'), 'Europe/Berlin')).toBe('nightly-2026-11-21');
    expect(nightKey(at('2026-11-20T22:59:59Z'), 'Europe/Berlin')).toBe('nightly-2026-11-20');
    // Exactly midnight belongs to the new day.
    expect(nightKey(at('2026-11-20T23:00:00Z'), 'Europe/Berlin')).toBe('nightly-2026-11-21');
  });

  it('keeps a night together across DST changes', () => {
    // Spring forward in Berlin (2026-03-29, 02:00 → 03:00): a 02:00 cron fires at 03:00 CEST = 01:00 UTC.
    expect(nightKey(at('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe('nightly-2026-03-29');
    // Just after midnight on that night, still UTC+1.
    expect(nightKey(at('2026-03-28T23:00:30Z'), 'Europe/Berlin')).toBe('nightly-2026-03-29');
    // Fall back (2026-10-25): 02:30 happens twice, at 00:30 UTC (CEST) and 01:30 UTC (CET): one night.
    expect(nightKey(at('2026-10-25T00:30:00Z'), 'Europe/Berlin')).toBe('nightly-2026-10-25');
    expect(nightKey(at('2026-10-25T01:30:00Z'), 'Europe/Berlin')).toBe('nightly-2026-10-25');
    // Midnight after fall back is 23:00 UTC (UTC+1 again).
    expect(nightKey(at('2026-10-25T22:59:59Z'), 'Europe/Berlin')).toBe('nightly-2026-10-25');
    expect(nightKey(at('2026-10-25T23:00:00Z'), 'Europe/Berlin')).toBe('nightly-2026-10-26');
    // US spring forward (2026-03-08, 02:00 → 03:00 EDT): 00:10 EST is 05:10 UTC.
    expect(nightKey(at('2026-03-08T05:10:00Z'), 'America/New_York')).toBe('nightly-2026-03-08');
  });

  it('handles zones east of UTC by more than a day boundary', () => {
    // Kiritimati is UTC+14: 11:00 UTC is already 01:00 the next day.
    expect(nightKey(at('2026-11-20T11:00:00Z'), 'Pacific/Kiritimati')).toBe('nightly-2026-11-21');
  });
});

describe('fireTimeOf', () => {
  it("reads the fire time from a scheduler job's id, not from when it was created or processed", () => {
    const fire = at('2026-11-21T01:00:00Z');
    const job = { id: `repeat:nightly-3f1e0c5a-0000-4000-8000-000000000001:${fire}`, opts: { prevMillis: fire }, timestamp: fire - 86_400_000, delay: 86_400_000 };
    expect(fireTimeOf(job)).toBe(fire);
  });

  it('falls back to opts.prevMillis, then to timestamp + delay', () => {
    expect(fireTimeOf({ id: 'hand-made', opts: { prevMillis: 1_000 }, timestamp: 5, delay: 0 })).toBe(1_000);
    expect(fireTimeOf({ id: 'hand-made', opts: {}, timestamp: 5_000, delay: 250 })).toBe(5_250);
  });
});
