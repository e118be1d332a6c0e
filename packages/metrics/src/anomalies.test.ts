import { describe, expect, it } from 'vitest';
import { findAnomalies, TRAILING_BUCKETS } from './anomalies';

/**
 * Labelled daily series: weekdays ~1,600 messages, weekends quiet, a little deterministic noise.
 * Day 0 is a Monday; `days` values oldest first.
 */
function weeklyRhythm(days: number, { weekday = 1600, weekend = 500 } = {}): number[] {
  return Array.from({ length: days }, (_, i) => {
    const dow = i % 7;
    const base = dow >= 5 ? weekend : weekday;
    const noise = ((i * 37) % 11) - 5; // −5 … +5 %
    return Math.round(base * (1 + noise / 100));
  });
}

const TRAIL = TRAILING_BUCKETS.day;
/** a 7-day range after 28 trailing days, every bucket complete */
const sevenDays = (values: number[]) => ({ values, rangeStart: TRAIL, complete: values.length });

describe('findAnomalies', () => {
  it('flags a 2× day in a 7-day daily range (the spike does not hide itself)', () => {
    const values = weeklyRhythm(TRAIL + 7);
    const spikeAt = TRAIL + 2; // a Wednesday
    values[spikeAt] = values[spikeAt]! * 2;
    expect(findAnomalies(sevenDays(values)).anomalies).toEqual([spikeAt]);
  });

  it('flags the 2× day with no trailing history too (leave-one-out within the range)', () => {
    const values = [1580, 1620, 3200, 1610, 1590, 1600, 1640];
    expect(findAnomalies({ values, rangeStart: 0, complete: 7 }).anomalies).toEqual([2]);
  });

  it('does not flag a flat weekly rhythm with quiet weekends', () => {
    for (const weekend of [800, 500, 100]) {
      const values = weeklyRhythm(TRAIL + 7, { weekend });
      expect(findAnomalies(sevenDays(values)).anomalies, `weekends at ${weekend}`).toEqual([]);
      // and over a month of days
      const month = weeklyRhythm(TRAIL + 31, { weekend });
      expect(findAnomalies({ values: month, rangeStart: TRAIL, complete: month.length }).anomalies).toEqual(
        [],
      );
    }
  });

  it('flags a day that drops to nothing (an outage) as well as a spike', () => {
    const values = weeklyRhythm(TRAIL + 7);
    values[TRAIL + 3] = 0;
    expect(findAnomalies(sevenDays(values)).anomalies).toEqual([TRAIL + 3]);
  });

  it('never flags the incomplete current bucket, nor lets it into the baseline', () => {
    const values = weeklyRhythm(TRAIL + 7);
    // today, an hour in: a "collapse" to 50 that is only the day so far
    values[TRAIL + 6] = 50;
    const result = findAnomalies({ values, rangeStart: TRAIL, complete: TRAIL + 6 });
    expect(result.anomalies).toEqual([]);
    expect(result.baselineBuckets).toBe(TRAIL + 6);
    // and a bucket still filling that already looks huge is not flagged either
    values[TRAIL + 6] = 10_000;
    expect(findAnomalies({ values, rangeStart: TRAIL, complete: TRAIL + 6 }).anomalies).toEqual([]);
  });

  it('treats the days before the first message as no data, not as a quiet baseline', () => {
    const values = [...Array(TRAIL).fill(0), 1590, 1610, 1600, 1620, 1580, 1605, 1595];
    expect(findAnomalies(sevenDays(values)).anomalies).toEqual([]);
  });

  it('finds none in a flat series or with fewer than 4 complete buckets', () => {
    expect(findAnomalies({ values: [5, 5, 5, 5, 5], rangeStart: 0, complete: 5 }).anomalies).toEqual([]);
    expect(findAnomalies({ values: [1, 1000, 1], rangeStart: 0, complete: 3 }).anomalies).toEqual([]);
    expect(findAnomalies({ values: [], rangeStart: 0, complete: 0 })).toEqual({
      anomalies: [],
      mean: 0,
      stdDev: 0,
      baselineBuckets: 0,
    });
  });

  it('does not flag a few messages of noise on a tiny volume (spread at least √mean)', () => {
    const values = [4, 4, 4, 4, 4, 4, 8];
    expect(findAnomalies({ values, rangeStart: 0, complete: 7 }).anomalies).toEqual([]);
  });

  it('reports the baseline mean and spread for the legend', () => {
    const values = [100, 100, 100, 100];
    expect(findAnomalies({ values, rangeStart: 0, complete: 4 })).toMatchObject({
      mean: 100,
      stdDev: 10,
      baselineBuckets: 4,
    });
  });
});
