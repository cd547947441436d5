/**
 * Reading single CSV cells: numbers, US-dollar amounts, dates, flags, websites. Each reader takes
 * the cell as written and returns a value or a reason that quotes the cell, so a quarantine line
 * reads `line 418, column "Employees": "lots" is not a number`. Blank cells are null, never 0.
 */
import type { DateOrder } from './column-map.ts';

export type CellResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): CellResult<T> => ({ ok: true, value });
const fail = (reason: string): CellResult<never> => ({ ok: false, reason });

/** The largest value of a Postgres `integer` column (employees, arr_usd). */
export const MAX_INT = 2_147_483_647;

const SUFFIX: Readonly<Record<string, number>> = { k: 1e3, m: 1e6, mm: 1e6, mn: 1e6, b: 1e9, bn: 1e9 };
/** 1200 · 1,200 · 1 200 · 1.5 · 1.2k · 3M · 1.1bn (thousands separators only in valid positions). */
const AMOUNT = /^(\d{1,3}(?:,\d{3})+|\d+)?(\.\d+)?(k|mm|mn|m|bn|b)?$/i;
const FOREIGN_CURRENCY = /[€£¥₹₩₽]|\b(?:eur|gbp|jpy|chf|sek|nok|dkk|cad|aud|inr|cny)\b/i;
const RANGE = /^\d[\d,.]*\s*[-–]\s*\d[\d,.]*\s*(?:k|m)?$/i;

/** Reads a plain or abbreviated number, with no currency. `kind` only shapes messages. */
function readAmount(raw: string, what: 'number' | 'amount'): CellResult<number | null> {
  const text = raw.trim();
  if (text === '') return ok(null);
  let s = text.replace(/[\s\u00a0\u202f_]/g, '');
  if (RANGE.test(text)) return fail(`${q(text)} is a range, not a ${what === 'amount' ? 'single amount' : 'number'}`);
  let sign = 1;
  if (/^\(.*\)$/.test(s)) {
    // Accounting notation: (5,000) is minus 5,000.
    sign = -1;
    s = s.slice(1, -1);
  }
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s.startsWith('-')) sign = -sign;
    s = s.slice(1);
  }
  if (what === 'amount') s = s.replace(/^(?:us\$|usd|\$)/i, '').replace(/(?:usd|\$)$/i, '');
  if (s.startsWith('-')) {
    sign = -sign;
    s = s.slice(1);
  }
  const match = AMOUNT.exec(s);
  if (!match || (!match[1] && !match[2])) return fail(`${q(text)} is not ${what === 'amount' ? 'an amount in US dollars' : 'a number'}`);
  const base = Number(`${(match[1] ?? '0').replaceAll(',', '')}${match[2] ?? ''}`);
  const value = sign * base * (match[3] ? (SUFFIX[match[3].toLowerCase()] ?? 1) : 1);
  return Number.isFinite(value) ? ok(value) : fail(`${q(text)} is not a number`);
}

/** A non-negative whole count such as employees: "1,200", "12k", "1.5k"; blank → null. */
export function parseCount(raw: string): CellResult<number | null> {
  const read = readAmount(raw, 'number');
  if (!read.ok || read.value === null) return read;
  const text = raw.trim();
  if (read.value < 0) return fail(`${q(text)} cannot be negative`);
  if (!Number.isInteger(Math.round(read.value * 1e6) / 1e6)) return fail(`${q(text)} is not a whole number`);
  if (read.value > MAX_INT) return fail(`${q(text)} is too large (at most ${MAX_INT.toLocaleString('en-US')})`);
  return ok(Math.round(read.value));
}

/** A non-negative US-dollar amount, rounded to whole dollars: "$1.2M", "120k", "USD 4,500.50". */
export function parseUsd(raw: string): CellResult<number | null> {
  const text = raw.trim();
  if (FOREIGN_CURRENCY.test(text)) return fail(`${q(text)} is not in US dollars`);
  const read = readAmount(raw, 'amount');
  if (!read.ok || read.value === null) return read;
  if (read.value < 0) return fail(`${q(text)} cannot be negative`);
  const dollars = Math.round(read.value);
  if (dollars > MAX_INT) return fail(`${q(text)} is too large (at most $${MAX_INT.toLocaleString('en-US')})`);
  return ok(dollars);
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const SLASH = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm)?)?$/i;

/**
 * A date or date-time. ISO 8601 always (no zone = UTC); slash dates only when the map file says
 * which order they use. Blank → null.
 */
export function parseDate(raw: string, order: DateOrder = 'iso'): CellResult<Date | null> {
  const text = raw.trim();
  if (text === '') return ok(null);
  const iso = ISO.exec(text);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = iso;
    return build(text, Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), Number(`0.${frac}`) * 1000, zone);
  }
  const slash = SLASH.exec(text);
  if (slash && order !== 'iso') {
    const [, a, b, y, h = '0', mi = '0', s = '0', ampm] = slash;
    const [mo, d] = order === 'mdy' ? [a, b] : [b, a];
    let hour = Number(h);
    if (ampm) hour = (hour % 12) + (ampm.toLowerCase() === 'pm' ? 12 : 0);
    return build(text, Number(y), Number(mo), Number(d), hour, Number(mi), Number(s), 0, undefined);
  }
  if (slash) return fail(`${q(text)} is an ambiguous date; use YYYY-MM-DD, or set "dates": "mdy" or "dmy" in the map file`);
  return fail(`${q(text)} is not a date (use YYYY-MM-DD)`);
}

function build(text: string, y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, zone: string | undefined): CellResult<Date> {
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, Math.round(ms));
  const check = new Date(utc);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return fail(`${q(text)} is not a valid date`);
  }
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
    if (!m) return fail(`${q(text)} has an unreadable time zone`);
    offsetMinutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? '0'));
  }
  return ok(new Date(utc - offsetMinutes * 60_000));
}

const TRUE = new Set(['yes', 'y', 'true', 't', '1', 'x', 'on']);
const FALSE = new Set(['no', 'n', 'false', 'f', '0', 'off', '']);

/** yes/no, true/false, 1/0, x; blank → false. */
export function parseFlag(raw: string): CellResult<boolean> {
  const s = raw.trim().toLowerCase();
  if (TRUE.has(s)) return ok(true);
  if (FALSE.has(s)) return ok(false);
  return fail(`${q(raw.trim())} is not yes or no`);
}

const HOST = /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}]{2,63}$/u;

/** A website or bare domain → lower-cased host without `www.`: "https://www.Acme.com/x" → "acme.com". */
export function parseDomain(raw: string): CellResult<string | null> {
  const text = raw.trim();
  if (text === '') return ok(null);
  const host = text
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/^www\./i, '')
    .replace(/\.$/, '')
    .toLowerCase();
  return HOST.test(host) ? ok(host) : fail(`${q(text)} is not a website or domain`);
}

/** Splits a multi-valued cell on `|` (or line breaks); blank parts are dropped, repeats kept once. */
export function splitList(raw: string): string[] {
  const parts = raw
    .split(/\s*\|\s*|\s*\n\s*/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return [...new Set(parts)];
}

/** The cell, quoted and shortened for a message. */
export function q(text: string, max = 60): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max - 1)}…` : text);
}
