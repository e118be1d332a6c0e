import { describe, expect, it } from 'vitest';
import { changePct, meanAndStdDev, percentile } from './stats';

describe('percentile', () => {
  it('is 0 for no values', () => {
    expect(percentile([], 50)).toBe(0);
  });

  it('returns the only value for any p', () => {
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
  });

  it('interpolates linearly between closest ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 95)).toBeCloseTo(48);
    expect(percentile([10, 20], 25)).toBe(12.5);
  });

  it('gives min at 0 and max at 100, clamping p outside 0..100', () => {
    const sorted = [1, 5, 9];
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile(sorted, 100)).toBe(9);
    expect(percentile(sorted, -5)).toBe(1);
    expect(percentile(sorted, 250)).toBe(9);
  });

  it('accepts typed arrays', () => {
    expect(percentile(new Float64Array([1, 2, 3]), 50)).toBe(2);
  });
});

describe('meanAndStdDev', () => {
  it('uses the population standard deviation', () => {
    expect(meanAndStdDev([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, stdDev: 2 });
  });

  it('is zero for no values and for a flat series', () => {
    expect(meanAndStdDev([])).toEqual({ mean: 0, stdDev: 0 });
    expect(meanAndStdDev([3, 3, 3])).toEqual({ mean: 3, stdDev: 0 });
  });
});

describe('changePct', () => {
  it('is the percent change from previous to current', () => {
    expect(changePct(150, 100)).toBe(50);
    expect(changePct(50, 100)).toBe(-50);
    expect(changePct(100, 100)).toBe(0);
  });

  it('is null when previous is 0', () => {
    expect(changePct(10, 0)).toBeNull();
    expect(changePct(0, 0)).toBeNull();
  });
});
