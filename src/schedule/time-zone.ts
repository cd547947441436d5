/**
 * IANA time zones, checked with the runtime's own Intl data (the same data cron-parser's luxon
 * and BullMQ use to compute fire times), and calendar dates and wall-clock times in a zone.
 */
import { ScheduleInputError } from './errors.ts';

/**
 * Returns the zone's name as the runtime spells it when only the case differs
 * (`europe/berlin` → `Europe/Berlin`), else the name as given: Intl resolves some aliases to
 * surprising zones (`EST` → `America/Panama`), and an operator should see what they typed.
 * Throws `ScheduleInputError` for a name the runtime does not know.
 */
export function checkTimeZone(tz: string): string {
  const name = tz.trim();
  // Offsets like `+02:00` are not IANA names, and a fixed offset would silently ignore DST.
  if (name === '' || /^[+-]?\d/.test(name)) throw unknownZone(tz);
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch (error) {
    throw unknownZone(tz, error);
  }
  return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
}

function unknownZone(tz: string, cause?: unknown): ScheduleInputError {
  return new ScheduleInputError(`unknown time zone "${tz}": give an IANA name such as Europe/Berlin, America/New_York or UTC`, { cause });
}

type Parts = { year: string; month: string; day: string; hour: string; minute: string; second: string };

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(ms: number, tz: string): Parts {
  let format = formatters.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(ms))) parts[part.type] = part.value;
  return {
    year: parts['year'] ?? '0000',
    month: parts['month'] ?? '01',
    day: parts['day'] ?? '01',
    hour: parts['hour'] ?? '00',
    minute: parts['minute'] ?? '00',
    second: parts['second'] ?? '00',
  };
}

/** The calendar date of an instant in `tz`, as `YYYY-MM-DD`. */
export function dateIn(ms: number, tz: string): string {
  const p = partsIn(ms, tz);
  return `${p.year}-${p.month}-${p.day}`;
}

/** An instant as local time in `tz` with its UTC offset: `2026-03-29T03:00:00+02:00`. */
export function localIso(ms: number, tz: string): string {
  const p = partsIn(ms, tz);
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  const offsetMin = Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offset}`;
}
