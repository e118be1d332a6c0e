import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysInRange,
  defaultGranularity,
  describeRange,
  parseLocalDate,
  presetRange,
  rangeFromSearch,
  rangeToSearch,
} from './dateRange';

// Local time on purpose: presets are the browser's own days.
const now = new Date(2026, 2, 8, 15, 30);

describe('presetRange', () => {
  it('includes today in every preset', () => {
    expect(presetRange('today', now)).toEqual({ preset: 'today', from: '2026-03-08', to: '2026-03-08' });
    expect(presetRange('7d', now)).toEqual({ preset: '7d', from: '2026-03-02', to: '2026-03-08' });
    expect(presetRange('30d', now)).toMatchObject({ from: '2026-02-07', to: '2026-03-08' });
    expect(presetRange('90d', now)).toMatchObject({ from: '2025-12-09', to: '2026-03-08' });
    expect(presetRange('month', now)).toMatchObject({ from: '2026-03-01', to: '2026-03-08' });
    expect(presetRange('12m', now)).toMatchObject({ from: '2025-04-01', to: '2026-03-08' });
  });
  it('counts days, not hours, across a DST change', () => {
    const r = presetRange('7d', now);
    expect(daysInRange(r.from, r.to)).toBe(7);
    expect(daysInRange('2026-10-20', '2026-11-05')).toBe(17);
  });
});

describe('rangeFromSearch / rangeToSearch', () => {
  it('defaults to the last 7 days', () => {
    expect(rangeFromSearch(new URLSearchParams(), now)).toMatchObject({ preset: '7d', from: '2026-03-02' });
  });
  it('reads presets by name so a shared link stays relative', () => {
    expect(rangeFromSearch(new URLSearchParams('range=30d'), now).from).toBe('2026-02-07');
    expect(rangeToSearch(presetRange('30d', now))).toEqual({ range: '30d' });
  });
  it('reads a custom range, swapping reversed dates and rejecting invalid ones', () => {
    expect(rangeFromSearch(new URLSearchParams('range=custom&from=2026-01-10&to=2026-01-01'), now)).toEqual({
      preset: 'custom',
      from: '2026-01-01',
      to: '2026-01-10',
    });
    expect(rangeFromSearch(new URLSearchParams('from=2026-02-30&to=2026-03-01'), now).preset).toBe('7d');
    expect(rangeToSearch({ preset: 'custom', from: '2026-01-01', to: '2026-01-10' })).toEqual({
      range: 'custom',
      from: '2026-01-01',
      to: '2026-01-10',
    });
  });
});

describe('helpers', () => {
  it('parses only real dates', () => {
    expect(parseLocalDate('2026-02-29')).toBeNull();
    expect(parseLocalDate('2028-02-29')?.getDate()).toBe(29);
    expect(parseLocalDate('yesterday')).toBeNull();
  });
  it('adds days over month ends', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
  it('describes a range in words', () => {
    expect(describeRange({ from: '2026-03-02', to: '2026-03-08' })).toBe('2 Mar – 8 Mar 2026');
    expect(describeRange({ from: '2025-12-30', to: '2026-01-02' })).toBe('30 Dec 2025 – 2 Jan 2026');
    expect(describeRange({ from: '2026-03-08', to: '2026-03-08' })).toBe('8 Mar 2026');
  });
  it('suggests a readable granularity', () => {
    expect(defaultGranularity({ from: '2026-03-02', to: '2026-03-08' })).toBe('day');
    expect(defaultGranularity({ from: '2025-12-09', to: '2026-03-08' })).toBe('week');
    expect(defaultGranularity({ from: '2025-04-01', to: '2026-03-08' })).toBe('month');
  });
});
