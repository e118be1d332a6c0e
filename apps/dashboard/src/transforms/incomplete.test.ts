import { describe, expect, it } from 'vitest';
import { completeDays } from './incomplete';

describe('completeDays', () => {
  const week = [
    '2026-03-02',
    '2026-03-03',
    '2026-03-04',
    '2026-03-05',
    '2026-03-06',
    '2026-03-07',
    '2026-03-08',
  ];
  it('stops at the day the answer was computed in, in the series zone', () => {
    expect(completeDays(week, '2026-03-08T10:00:00Z', 'UTC')).toBe(6);
    // 23:30 UTC on the 7th is already the 8th in Auckland
    expect(completeDays(week, '2026-03-07T23:30:00Z', 'Pacific/Auckland')).toBe(6);
    expect(completeDays(week, '2026-03-07T23:30:00Z', 'America/New_York')).toBe(5);
  });
  it('is the whole series for a range in the past', () => {
    expect(completeDays(week, '2026-04-01T00:00:00Z', 'UTC')).toBe(7);
  });
});
