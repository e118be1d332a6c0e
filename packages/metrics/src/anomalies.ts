/**
 * Anomalies a person would call anomalies. The old test ("more than 2 standard deviations from the
 * mean of the range") let a spike inflate the very mean and spread it was tested against: with 7
 * daily buckets one outlier can hardly pass 2σ. Here each bucket is tested against a baseline that
 * excludes it: the other complete buckets of the range plus a trailing window before the range
 * (leave-one-out over both). The trailing window holds whole cycles of the rhythm (4 weeks of days,
 * a week of hours), so quiet weekends or nights are part of the baseline, not anomalies.
 *
 * Used by the admin's timeline API; the dashboard draws exactly the starts the API lists.
 */

/** How many buckets before the range join the baseline, per granularity. */
export const TRAILING_BUCKETS = { hour: 168, day: 28, week: 12, month: 12 } as const;

export const ANOMALY_K = 2;

export interface AnomalyInput {
  /** the trailing window then the range, oldest first */
  values: ArrayLike<number>;
  /** index of the range's first bucket in `values` (the length of the trailing window) */
  rangeStart: number;
  /**
   * how many leading values are complete; the bucket still filling (and any after it) is neither
   * tested nor part of any baseline
   */
  complete: number;
  /** standard deviations that make an anomaly */
  k?: number;
}

export interface AnomalyResult {
  /** indexes into `values` (all ≥ rangeStart) */
  anomalies: number[];
  /** the whole baseline's mean and spread, for the legend */
  mean: number;
  stdDev: number;
  /** how many buckets the baseline holds */
  baselineBuckets: number;
}

/**
 * A count has at least Poisson noise: the spread is never taken below √mean, so a very regular
 * series does not flag a bucket that is off by a handful of messages.
 */
function spread(mean: number, variance: number): number {
  return Math.max(Math.sqrt(Math.max(0, variance)), Math.sqrt(Math.max(0, mean)));
}

export function findAnomalies({ values, rangeStart, complete, k = ANOMALY_K }: AnomalyInput): AnomalyResult {
  const end = Math.min(complete, values.length);
  // Buckets before the first message ever are "no data yet", not a quiet period.
  let first = 0;
  while (first < end && values[first] === 0) first++;
  let sum = 0;
  let squares = 0;
  for (let i = first; i < end; i++) {
    sum += values[i]!;
    squares += values[i]! * values[i]!;
  }
  const n = end - first;
  const mean = n > 0 ? sum / n : 0;
  const whole = { mean, stdDev: n > 0 ? spread(mean, squares / n - mean * mean) : 0, baselineBuckets: n };
  const anomalies: number[] = [];
  for (let i = Math.max(rangeStart, 0); i < end; i++) {
    const v = values[i]!;
    const inPool = i >= first;
    const m = n - (inPool ? 1 : 0);
    if (m < 3) continue;
    const bMean = (sum - (inPool ? v : 0)) / m;
    const bVar = (squares - (inPool ? v * v : 0)) / m - bMean * bMean;
    const sd = spread(bMean, bVar);
    if (sd > 0 && Math.abs(v - bMean) > k * sd) anomalies.push(i);
  }
  return { anomalies, ...whole };
}
