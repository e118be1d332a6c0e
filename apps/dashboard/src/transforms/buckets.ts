import type { Bucket, Granularity } from '@botpulse/protocol';
import { DateTime } from 'luxon';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export interface ResolvedRange {
  start: DateTime;
  /** exclusive */
  end: DateTime;
}

/**
 * The API's two range forms as instants in `tz`: calendar dates are both inclusive (so `to` ends
 * at the next local midnight, which is 23 or 25 hours away on DST days); ISO instants have `to`
 * exclusive.
 */
export function resolveRange(from: string, to: string, tz: string): ResolvedRange {
  if (DATE_ONLY.test(from) && DATE_ONLY.test(to)) {
    const start = DateTime.fromISO(from, { zone: tz }).startOf('day');
    const end = DateTime.fromISO(to, { zone: tz }).startOf('day').plus({ days: 1 });
    return { start, end };
  }
  return { start: DateTime.fromISO(from, { zone: tz }), end: DateTime.fromISO(to, { zone: tz }) };
}

const UNIT: Record<Granularity, 'hour' | 'day' | 'week' | 'month'> = {
  hour: 'hour',
  day: 'day',
  week: 'week', // luxon weeks are ISO weeks: they start on Monday, like the server's date_trunc
  month: 'month',
};

function step(
  granularity: Granularity,
): { hours: number } | { days: number } | { weeks: number } | { months: number } {
  switch (granularity) {
    case 'hour':
      return { hours: 1 }; // absolute hours: a 25-hour day has 25 hour buckets
    case 'day':
      return { days: 1 }; // calendar days: DST-aware
    case 'week':
      return { weeks: 1 };
    case 'month':
      return { months: 1 };
  }
}

/** Every bucket start of the range, local to `tz`, including a partial first bucket. */
export function bucketStarts(range: ResolvedRange, granularity: Granularity): DateTime[] {
  const starts: DateTime[] = [];
  if (!range.start.isValid || !range.end.isValid) return starts;
  let cursor = range.start.startOf(UNIT[granularity]);
  // Bounded so a malformed range cannot hang the tab.
  for (let i = 0; cursor < range.end && i < 10_000; i++) {
    starts.push(cursor);
    cursor = cursor.plus(step(granularity));
  }
  return starts;
}

/** The API's bucket start format: local time in `tz` with its offset, no milliseconds. */
export function formatBucketStart(start: DateTime): string {
  return start.toISO({ suppressMilliseconds: true, includeOffset: true }) ?? '';
}

/**
 * Every bucket of the range, zeros where the server sent none. Buckets are matched by instant, not
 * by string, so "…T00:00:00Z" and "…T01:00:00+01:00" are the same bucket. If the server's buckets
 * are aligned differently (a partial first week, a half-hour zone), its own series is kept as is:
 * inventing zero buckets between its points would draw dips that never happened.
 */
export function fillBuckets(
  buckets: readonly Bucket[],
  range: ResolvedRange,
  granularity: Granularity,
): Bucket[] {
  const byInstant = new Map<number, Bucket>();
  for (const bucket of buckets) {
    const at = Date.parse(bucket.start);
    if (!Number.isNaN(at)) byInstant.set(at, bucket);
  }
  const starts = bucketStarts(range, granularity);
  const expected = new Set(starts.map((start) => start.toMillis()));
  for (const at of byInstant.keys()) {
    if (!expected.has(at))
      return [...byInstant.entries()].sort(([a], [b]) => a - b).map(([, bucket]) => bucket);
  }
  return starts.map((start) => {
    const found = byInstant.get(start.toMillis());
    return found ?? { start: formatBucketStart(start), messages: 0, users: 0 };
  });
}
