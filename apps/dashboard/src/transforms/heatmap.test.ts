import { describe, expect, it } from 'vitest';
import { DAY_NAMES, heatmapGrid, heatmapIntensity, hourLabel } from './heatmap';

describe('heatmapGrid', () => {
  it('is 7 × 24 with Monday first, summing duplicates and finding the max', () => {
    const grid = heatmapGrid([
      { dow: 0, hour: 9, messages: 4 },
      { dow: 0, hour: 9, messages: 1 },
      { dow: 6, hour: 23, messages: 3 },
    ]);
    expect(grid.rows).toHaveLength(7);
    expect(grid.rows.every((row) => row.length === 24)).toBe(true);
    expect(DAY_NAMES[0]).toBe('Monday');
    expect(grid.rows[0]?.[9]).toBe(5);
    expect(grid.rows[6]?.[23]).toBe(3);
    expect(grid.max).toBe(5);
    expect(grid.total).toBe(8);
    expect(grid.peak).toEqual({ dow: 0, hour: 9, messages: 5 });
  });
  it('ignores cells outside the grid and handles no data', () => {
    const grid = heatmapGrid([
      { dow: 7, hour: 0, messages: 9 },
      { dow: 0, hour: 24, messages: 9 },
    ]);
    expect(grid.max).toBe(0);
    expect(grid.peak).toBeNull();
  });
});

describe('heatmapIntensity', () => {
  it('is 0 for nothing, at least faint for something, 1 at the max', () => {
    expect(heatmapIntensity(0, 10)).toBe(0);
    expect(heatmapIntensity(1, 10_000)).toBeGreaterThan(0);
    expect(heatmapIntensity(10, 10)).toBe(1);
    expect(heatmapIntensity(5, 0)).toBe(0);
  });
});

describe('hourLabel', () => {
  it('pads', () => expect(hourLabel(7)).toBe('07:00'));
});
