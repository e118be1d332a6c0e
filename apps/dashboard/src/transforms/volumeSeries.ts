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
  /** the bucket has not ended: `messages` is "so far", not a whole bucket */
  partial: boolean;
  /** what the solid line draws: complete buckets only */
  complete: number | null;
  /**
   * what the dashed "so far" line draws: the partial buckets, joined to the last complete one so
   * the line does not break
   */
  soFar: number | null;
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

/**
 * Anomalous buckets (> 2 std dev from the baseline, decided by the server) as spikes or dips. A
 * partial bucket is never one, whatever it is sent with.
 */
export function markAnomalies(
  buckets: readonly Bucket[],
  anomalyStarts: readonly string[],
  mean: number,
): Array<'spike' | 'dip' | null> {
  const anomalous = new Set(anomalyStarts.map((s) => Date.parse(s)));
  return buckets.map((b) => {
    if (b.partial || !anomalous.has(Date.parse(b.start))) return null;
    return b.messages >= mean ? 'spike' : 'dip';
  });
}

export function volumeSeries(timeline: TimelineResponse, range?: ResolvedRange): VolumePoint[] {
  const { granularity, tz } = timeline;
  const resolved = range ?? resolveRange(timeline.from, timeline.to, tz);
  const current = fillBuckets(timeline.buckets, resolved, granularity);
  const previous = alignPrevious(current, timeline.previous);
  // Everything from the first bucket still filling on is "so far" (a gap the client filled too).
  const firstPartial = current.findIndex((b) => b.partial);
  const completeCount = firstPartial === -1 ? current.length : firstPartial;
  const marked = current.map((b, i) => (i >= completeCount ? { ...b, partial: true as const } : b));
  const anomalies = markAnomalies(marked, timeline.anomalies, timeline.mean);
  return marked.map((bucket, i) => {
    const partial = i >= completeCount;
    return {
      at: Date.parse(bucket.start),
      start: bucket.start,
      from: bucket.from ?? bucket.start,
      to: bucket.to ?? marked[i + 1]?.start ?? resolved.end.toISO() ?? bucket.start,
      label: bucketLabel(bucket.start, granularity, tz),
      messages: bucket.messages,
      users: bucket.users,
      previousMessages: previous[i]?.messages ?? null,
      previousStart: previous[i]?.start ?? null,
      anomaly: anomalies[i] ?? null,
      partial,
      complete: partial ? null : bucket.messages,
      soFar: partial || (i === completeCount - 1 && completeCount < marked.length) ? bucket.messages : null,
    };
  });
}

/**
 * Current against previous over the complete buckets only, each against its aligned bucket of the
 * previous period: an hour that has only begun is left out rather than compared with a whole one.
 */
export function sumCompleteMessages(points: readonly VolumePoint[]): { current: number; previous: number } {
  return sumMessages(points.filter((p) => !p.partial));
}

/** A sentence that says what the chart shows, for screen readers (the chart itself is an image). */
export function describeVolume(points: readonly VolumePoint[], unit: string): string {
  if (points.length === 0) return 'No buckets in this range.';
  const complete = points.filter((p) => !p.partial);
  const total = points.reduce((sum, p) => sum + p.messages, 0);
  const parts = [`${total.toLocaleString('en-US')} messages in ${points.length} ${unit}s`];
  if (complete.length) {
    const peak = complete.reduce((a, b) => (b.messages > a.messages ? b : a));
    const low = complete.reduce((a, b) => (b.messages < a.messages ? b : a));
    parts.push(
      `busiest ${peak.label} with ${peak.messages.toLocaleString('en-US')}`,
      `quietest ${low.label} with ${low.messages.toLocaleString('en-US')}`,
    );
  }
  const partial = points.find((p) => p.partial);
  if (partial)
    parts.push(`${partial.label} is still running: ${partial.messages.toLocaleString('en-US')} so far`);
  const anomalies = points.filter((p) => p.anomaly);
  parts.push(
    anomalies.length
      ? `anomalies: ${anomalies.map((p) => `${p.label} (${p.anomaly === 'spike' ? 'unusually high' : 'unusually low'})`).join(', ')}`
      : 'no anomalies',
  );
  return `${parts.join('; ')}.`;
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
