import type { Bucket, Granularity, TimelineResponse } from '@botpulse/protocol';
import { DateTime } from 'luxon';
import { fillBuckets, type ResolvedRange, resolveRange } from './buckets';

export interface VolumePoint {
  /** instant of the bucket start, ms: a stable key and x value */
  at: number;
  start: string;
  /** the instants the bucket counts, [from, to): a click opens the explorer on exactly these */
  from: string;
  to: string;
  label: string;
  messages: number;
  users: number;
  /** the aligned bucket of the previous period; null where that period had fewer buckets */
  previousMessages: number | null;
  previousStart: string | null;
  anomaly: 'spike' | 'dip' | null;
}

/** Labels in the viewer's zone, sized to the bucket. */
export function bucketLabel(start: string, granularity: Granularity, tz: string): string {
  const dt = DateTime.fromISO(start, { setZone: true }).setZone(tz).setLocale('en-GB');
  switch (granularity) {
    case 'hour':
      return dt.toFormat('HH:mm');
    case 'day':
      return dt.toFormat('d LLL');
    case 'week':
      return `w/c ${dt.toFormat('d LLL')}`;
    case 'month':
      return dt.toFormat('LLL yyyy');
  }
}

/**
 * The previous period drawn over the current one: bucket i of the previous period sits under
 * bucket i of this one (the 3rd day of last week under the 3rd day of this week).
 */
export function alignPrevious(current: readonly Bucket[], previous: readonly Bucket[]): Array<Bucket | null> {
  const sorted = [...previous].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  return current.map((_, i) => sorted[i] ?? null);
}

/** Anomalous buckets (> 2 std dev from the mean, decided by the server) as spikes or dips. */
export function markAnomalies(
  buckets: readonly Bucket[],
  anomalyStarts: readonly string[],
  mean: number,
): Array<'spike' | 'dip' | null> {
  const anomalous = new Set(anomalyStarts.map((s) => Date.parse(s)));
  return buckets.map((b) => {
    if (!anomalous.has(Date.parse(b.start))) return null;
    return b.messages >= mean ? 'spike' : 'dip';
  });
}

export function volumeSeries(timeline: TimelineResponse, range?: ResolvedRange): VolumePoint[] {
  const { granularity, tz } = timeline;
  const resolved = range ?? resolveRange(timeline.from, timeline.to, tz);
  const current = fillBuckets(timeline.buckets, resolved, granularity);
  const previous = alignPrevious(current, timeline.previous);
  const anomalies = markAnomalies(current, timeline.anomalies, timeline.mean);
  return current.map((bucket, i) => ({
    at: Date.parse(bucket.start),
    start: bucket.start,
    from: bucket.from ?? bucket.start,
    to: bucket.to ?? current[i + 1]?.start ?? resolved.end.toISO() ?? bucket.start,
    label: bucketLabel(bucket.start, granularity, tz),
    messages: bucket.messages,
    users: bucket.users,
    previousMessages: previous[i]?.messages ?? null,
    previousStart: previous[i]?.start ?? null,
    anomaly: anomalies[i] ?? null,
  }));
}

export function sumMessages(points: readonly VolumePoint[]): { current: number; previous: number } {
  let current = 0;
  let previous = 0;
  for (const p of points) {
    current += p.messages;
    previous += p.previousMessages ?? 0;
  }
  return { current, previous };
}
