import { describe, expect, it } from 'vitest';
import { checkTimeZone, localIso, ScheduleInputError } from '../../../src/schedule/index.ts';

describe('checkTimeZone', () => {
  it('accepts IANA names and fixes their case', () => {
    expect(checkTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(checkTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(checkTimeZone('UTC')).toBe('UTC');
    expect(checkTimeZone(' America/New_York ')).toBe('America/New_York');
  });

  it('keeps an alias as given instead of the zone the runtime resolves it to', () => {
    expect(checkTimeZone('EST')).toBe('EST');
  });

  it('refuses unknown names and offsets, with an example of what to give', () => {
    for (const tz of ['Mars/Olympus', 'Berlin', '+02:00', '', '2']) {
      expect(() => checkTimeZone(tz)).toThrow(ScheduleInputError);
    }
    expect(() => checkTimeZone('Mars/Olympus')).toThrow('unknown time zone "Mars/Olympus": give an IANA name such as Europe/Berlin');
  });
});

describe('localIso', () => {
  it('shows wall-clock time with the offset in force at that instant', () => {
    expect(localIso(Date.parse('2026-11-21T01:00:00Z'), 'Europe/Berlin')).toBe('2026-11-21T02:00:00+01:00');
    expect(localIso(Date.parse('2026-07-21T00:00:00Z'), 'Europe/Berlin')).toBe('2026-07-21T02:00:00+02:00');
    expect(localIso(Date.parse('2026-11-21T07:00:00Z'), 'America/New_York')).toBe('2026-11-21T02:00:00-05:00');
    expect(localIso(Date.parse('2026-11-21T20:30:00Z'), 'Asia/Kolkata')).toBe('2026-11-22T02:00:00+05:30');
    expect(localIso(Date.parse('2026-11-21T02:00:00Z'), 'UTC')).toBe('2026-11-21T02:00:00+00:00');
  });
});
