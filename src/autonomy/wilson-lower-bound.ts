/**
 * The Wilson score interval's lower bound: how low the true accept rate can plausibly be, given
 * what the reviews showed. Used instead of the raw rate because 9/10 and 180/200 are both 90%,
 * but only the second is evidence enough to stop reviewing.
 */

/**
 * Wilson lower bound of `successes / n` at `z` (1.96 = 95% two-sided):
 *
 *   p̂ = successes / n
 *   lower = (p̂ + z²/(2n) − z·√(p̂(1−p̂)/n + z²/(4n²))) / (1 + z²/n)
 *
 * Examples at z = 1.96: 81/100 → 0.7222, 0/10 → 0, 10/10 → 0.7225. Null when n = 0 (no evidence
 * is not a rate of 0). Clamped to [0, 1] against floating-point residue at the edges.
 * Throws RangeError for a non-integer or negative n, successes outside [0, n], or z ≤ 0: those are
 * caller bugs, and a bound computed from them would unlock autonomy on nonsense.
 * @defaultValue z 1.96
 */
export function wilsonLowerBound(successes: number, n: number, z = 1.96): number | null {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > n) throw new RangeError(`successes must be an integer in [0, ${n}], got ${successes}`);
  if (!(z > 0) || !Number.isFinite(z)) throw new RangeError(`z must be a positive number, got ${z}`);
  if (n === 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const lower = (centre - margin) / (1 + z2 / n);
  return Math.min(1, Math.max(0, lower));
}
