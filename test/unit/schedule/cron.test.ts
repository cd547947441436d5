import { describe, expect, it } from 'vitest';
import { checkCron, nextFireTimes, ScheduleInputError } from '../../../src/schedule/index.ts';

const iso = (ms: number[]) => ms.map((m) => new Date(m).toISOString());

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('checkCron', () => {
  it('accepts 5 fields, or 6 with seconds, and normalises the spacing', () => {
    expect(checkCron('0 2 * * *')).toBe('0 2 * * *');
    expect(checkCron('  30  1 * *   1-5 ')).toBe('30 1 * * 1-5');
    expect(checkCron('*/2 * * * * *')).toBe('*/2 * * * * *');
    expect(checkCron('0 2 * * mon-fri')).toBe('0 2 * * mon-fri');
  });

  it('says which field is wrong and why', () => {
    const hour = errorOf(() => checkCron('0 25 * * *'));
    expect(hour).toBeInstanceOf(ScheduleInputError);
    expect(hour.message).toContain('field 2 (hour) "25"');
    expect(hour.message).toContain('0-23');
    expect(errorOf(() => checkCron('61 2 * * *')).message).toContain('field 1 (minute) "61"');
    expect(errorOf(() => checkCron('0 2 * * 8')).message).toContain('field 5 (day of week) "8"');
    expect(errorOf(() => checkCron('0 0 2 * * 8')).message).toContain('field 6 (day of week) "8"');
    expect(errorOf(() => checkCron('0 2 * foo *')).message).toContain('field 4 (month) "foo"');
  });

  it('refuses the wrong number of fields, aliases, and expressions that never fire', () => {
    expect(errorOf(() => checkCron('0 2 * *')).message).toContain('has 4 fields; give 5');
    expect(errorOf(() => checkCron('')).message).toContain('has 0 fields');
    expect(errorOf(() => checkCron('0 0 2 * * * *')).message).toContain('has 7 fields');
    expect(errorOf(() => checkCron('@daily')).message).toContain('aliases such as @daily are not accepted');
    expect(errorOf(() => checkCron('0 2 30 2 *')).message).toContain('never fires');
  });
});

describe('nextFireTimes', () => {
  it('evaluates the expression in the zone, including DST changes', () => {
    // Berlin: CET (UTC+1) until 2026-03-29 02:00, when clocks jump to 03:00 CEST (UTC+2).
    const from = Date.parse('2026-03-27T12:00:00Z');
    expect(iso(nextFireTimes('0 2 * * *', 'Europe/Berlin', from, 3))).toEqual([
      '2026-03-28T01:00:00.000Z',
      // 02:00 does not exist that night; the fire happens at 03:00 CEST.
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:00:00.000Z',
    ]);
    expect(iso(nextFireTimes('0 2 * * *', 'UTC', from, 1))).toEqual(['2026-03-28T02:00:00.000Z']);
  });

  it('is exclusive of the start time', () => {
    const from = Date.parse('2026-11-21T01:00:00Z');
    expect(iso(nextFireTimes('0 2 * * *', 'Europe/Berlin', from, 1))).toEqual(['2026-11-22T01:00:00.000Z']);
  });
});
