/**
 * Pure statistics shared by the collector, the admin server and the dashboard.
 * Inputs are `ArrayLike<number>` so typed arrays work without a copy.
 */

/** Linear interpolation between closest ranks; `p` in 0..100 (clamped); empty → 0. */
export function percentile(sortedValues: ArrayLike<number>, p: number): number {
  const n = sortedValues.length;
  if (n === 0) return 0;
  const clamped = Number.isNaN(p) ? 0 : Math.min(100, Math.max(0, p));
  const rank = (clamped / 100) * (n - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const low = sortedValues[lower]!;
  return low + (sortedValues[upper]! - low) * (rank - lower);
}

export interface MeanAndStdDev {
  mean: number;
  stdDev: number;
}

/** Population standard deviation (divides by n); empty → both 0. */
export function meanAndStdDev(values: ArrayLike<number>): MeanAndStdDev {
  const n = values.length;
  if (n === 0) return { mean: 0, stdDev: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    squares += d * d;
  }
  return { mean, stdDev: Math.sqrt(squares / n) };
}

/** Percent change from `previous` to `current`; null when `previous` is 0 (no finite change). */
export function changePct(current: number, previous: number): number | null {
  if (previous === 0) return null;
  return ((current - previous) / Math.abs(previous)) * 100;
}
