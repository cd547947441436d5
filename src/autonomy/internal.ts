/** Helpers shared inside src/autonomy; not exported from the folder's index. */

/** The median of `values` (mean of the two middle ones for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  // Non-null: mid and mid - 1 are inside a non-empty array.
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The arithmetic mean of `values`; null when empty. */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** `part / whole`, or null when nothing was counted (a rate of nothing is unknown, not 0). */
export function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/**
 * A bound and the bar it is compared with, as two decimal strings. Two decimals by default, more
 * when two decimals would print a failing 0.7996 as "0.80 < 0.80": a reason a manager reads must
 * not contradict its own comparison.
 */
export function formatPair(value: number, bar: number): [string, string] {
  for (let digits = 2; digits < 6; digits++) {
    const [a, b] = [value.toFixed(digits), bar.toFixed(digits)];
    if ((a === b) === (value === bar)) return [a, b];
  }
  return [value.toFixed(6), bar.toFixed(6)];
}

/** "1 review" / "212 reviews". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
