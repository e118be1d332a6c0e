import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { periodCover } from './periods';

function expand(cover: ReturnType<typeof periodCover>): string[] {
  const out: string[] = [];
  const add = (start: string, unit: 'months' | 'weeks' | 'days') => {
    const s = DateTime.fromISO(start, { zone: 'UTC' });
    for (let d = s; d < s.plus({ [unit]: 1 }); d = d.plus({ days: 1 })) out.push(d.toISODate()!);
  };
  for (const m of cover.months) add(m, 'months');
  for (const w of cover.weeks) add(w, 'weeks');
  for (const d of cover.days) add(d, 'days');
  return out;
}

describe('periodCover', () => {
  it('covers 90 days with whole months, whole Monday weeks and the days left over', () => {
    // 2026-08-28 (Fri) .. 2026-11-26 (exclusive): September and October, the weeks of November.
    expect(periodCover('2026-08-28', '2026-11-26')).toEqual({
      months: ['2026-09-01', '2026-10-01'],
      weeks: ['2026-11-02', '2026-11-09', '2026-11-16'],
      days: [
        '2026-08-28',
        '2026-08-29',
        '2026-08-30',
        '2026-08-31',
        '2026-11-01',
        '2026-11-23',
        '2026-11-24',
        '2026-11-25',
      ],
    });
  });

  it('has nothing for an empty run and only days for a short one', () => {
    expect(periodCover('2026-05-05', '2026-05-05')).toEqual({ months: [], weeks: [], days: [] });
    expect(periodCover('2026-05-06', '2026-05-08')).toEqual({
      months: [],
      weeks: [],
      days: ['2026-05-06', '2026-05-07'],
    });
  });

  it('is every day of the run exactly once, whatever the run (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 0, max: 800 }), (offset, length) => {
        const from = DateTime.fromISO('2024-01-01', { zone: 'UTC' }).plus({ days: offset });
        const to = from.plus({ days: length });
        const cover = periodCover(from.toISODate()!, to.toISODate()!);
        const days = expand(cover).sort();
        const want: string[] = [];
        for (let d = from; d < to; d = d.plus({ days: 1 })) want.push(d.toISODate()!);
        expect(days).toEqual(want);
        for (const m of cover.months) expect(m.endsWith('-01')).toBe(true);
        for (const w of cover.weeks) expect(DateTime.fromISO(w).weekday).toBe(1);
        // Long runs are mostly months: each partial month on either side is at most 4 weeks and 12 days.
        expect(cover.weeks.length).toBeLessThanOrEqual(8);
        expect(cover.days.length).toBeLessThanOrEqual(24);
      }),
      { numRuns: 300 },
    );
  });
});
