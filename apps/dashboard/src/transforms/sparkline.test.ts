import { describe, expect, it } from 'vitest';
import { sparklineGeometry } from './sparkline';

describe('sparklineGeometry', () => {
  it('scales from 0 to the max across the width', () => {
    const g = sparklineGeometry([0, 5, 10], 104, 24, 2);
    expect(g.line).toBe('M2,22 L52,12 L102,2');
    expect(g.area).toBe('M2,22 L52,12 L102,2 L102,22 L2,22 Z');
    expect(g.last).toEqual({ x: 102, y: 2 });
  });
  it('draws a flat line at the bottom when everything is zero', () => {
    expect(sparklineGeometry([0, 0], 10, 10, 0).line).toBe('M0,10 L10,10');
  });
  it('centres a single point and returns nothing for no data', () => {
    expect(sparklineGeometry([3], 20, 10, 0).last).toEqual({ x: 10, y: 0 });
    expect(sparklineGeometry([], 20, 10).line).toBe('');
  });
  it('treats negative or non-finite values as zero', () => {
    expect(sparklineGeometry([-5, Number.NaN, 4], 20, 10, 0).line).toBe('M0,10 L10,10 L20,0');
  });
  it('draws the buckets still filling as a separate "so far" stretch from the last complete point', () => {
    const g = sparklineGeometry([0, 5, 10, 1], 106, 24, 2, 3);
    expect(g.line).toBe('M2,22 L36,12 L70,2');
    expect(g.area).toBe('M2,22 L36,12 L70,2 L70,22 L2,22 Z');
    expect(g.soFar).toBe('M70,2 L104,20');
    expect(g.lastPartial).toBe(true);
    expect(sparklineGeometry([0, 5], 10, 10, 0).soFar).toBe('');
  });
});
