import type { Granularity } from '@botpulse/protocol';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { browserTimeZone, type RangeQuery } from '../api/range';
import { useDebouncedValue } from '../hooks/useDebouncedValue';
import {
  type DateRange,
  daysInRange,
  defaultGranularity,
  rangeFromSearch,
  rangeToSearch,
} from '../transforms/dateRange';

export const PAGE_SIZES = [25, 50, 100] as const;
const GRANULARITIES: readonly Granularity[] = ['hour', 'day', 'week', 'month'];

/** Hourly is only readable for short ranges (a week is 168 points). */
export function allowedGranularities(range: Pick<DateRange, 'from' | 'to'>): Granularity[] {
  return daysInRange(range.from, range.to) <= 7 ? ['hour', 'day', 'week', 'month'] : ['day', 'week', 'month'];
}

function granularityFor(range: DateRange, requested: string | null): Granularity {
  const allowed = allowedGranularities(range);
  if (
    requested &&
    GRANULARITIES.includes(requested as Granularity) &&
    allowed.includes(requested as Granularity)
  ) {
    return requested as Granularity;
  }
  return daysInRange(range.from, range.to) <= 2 ? 'hour' : defaultGranularity(range);
}

const sameQuery = (a: RangeQuery, b: RangeQuery) => a.from === b.from && a.to === b.to && a.tz === b.tz;

/**
 * Everything the Analytics page shows is in the URL (range, granularity, table page), so a reload
 * or a shared link shows the same view. Requests follow the range ~300 ms after it settles.
 */
export function useAnalyticsParams() {
  const [search, setSearch] = useSearchParams();
  const range = useMemo(() => rangeFromSearch(search), [search]);
  const granularity = granularityFor(range, search.get('g'));
  const page = Math.max(1, Number.parseInt(search.get('page') ?? '1', 10) || 1);
  const sizeParam = Number(search.get('size'));
  const pageSize = (PAGE_SIZES as readonly number[]).includes(sizeParam) ? sizeParam : PAGE_SIZES[0];

  const tz = browserTimeZone();
  const immediate = useMemo<RangeQuery>(
    () => ({ from: range.from, to: range.to, tz }),
    [range.from, range.to, tz],
  );
  const query = useDebouncedValue(immediate, 300, sameQuery);

  const update = useCallback(
    (changes: Record<string, string | null>) => {
      setSearch(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [key, value] of Object.entries(changes)) {
            if (value === null) next.delete(key);
            else next.set(key, value);
          }
          return next;
        },
        { replace: true },
      );
    },
    [setSearch],
  );

  const setRange = useCallback(
    (next: DateRange) => {
      const params = rangeToSearch(next);
      // A new range starts the table at page 1 and lets the granularity fit the new length.
      update({
        range: params.range ?? null,
        from: params.from ?? null,
        to: params.to ?? null,
        page: null,
        g: null,
      });
    },
    [update],
  );
  const setGranularity = useCallback((g: Granularity) => update({ g }), [update]);
  const setPage = useCallback((p: number) => update({ page: p > 1 ? String(p) : null }), [update]);
  const setPageSize = useCallback((size: number) => update({ size: String(size), page: null }), [update]);

  return {
    range,
    query,
    pending: !sameQuery(immediate, query),
    granularity,
    page,
    pageSize,
    setRange,
    setGranularity,
    setPage,
    setPageSize,
  };
}
