import { describe, expect, it } from 'vitest';
import { bucketStarts, fillBuckets, formatBucketStart, resolveRange } from './buckets';

const LA = 'America/Los_Angeles';

describe('resolveRange', () => {
  it('treats calendar dates as inclusive local days', () => {
    const r = resolveRange('2026-03-02', '2026-03-08', LA);
    expect(formatBucketStart(r.start)).toBe('2026-03-02T00:00:00-08:00');
    // Midnight after the last day, which is already in daylight time.
    expect(formatBucketStart(r.end)).toBe('2026-03-09T00:00:00-07:00');
  });
  it('treats ISO instants as [from, to)', () => {
    const r = resolveRange('2026-03-08T10:00:00.000Z', '2026-03-09T10:00:00.000Z', 'UTC');
    expect(r.end.diff(r.start, 'hours').hours).toBe(24);
  });
});

describe('bucketStarts', () => {
  it('has 23 hourly buckets on the spring-forward day and 25 on the fall-back day', () => {
    expect(bucketStarts(resolveRange('2026-03-08', '2026-03-08', LA), 'hour')).toHaveLength(23);
    expect(bucketStarts(resolveRange('2026-11-01', '2026-11-01', LA), 'hour')).toHaveLength(25);
  });
  it('keeps daily buckets on local midnight across DST', () => {
    const starts = bucketStarts(resolveRange('2026-03-07', '2026-03-09', LA), 'day').map(formatBucketStart);
    expect(starts).toEqual([
      '2026-03-07T00:00:00-08:00',
      '2026-03-08T00:00:00-08:00',
      '2026-03-09T00:00:00-07:00',
    ]);
  });
  it('starts weeks on Monday and months on the 1st, including a partial first bucket', () => {
    // 2026-03-04 is a Wednesday: its week began Monday 2026-03-02.
    const weeks = bucketStarts(resolveRange('2026-03-04', '2026-03-16', 'UTC'), 'week').map(
      formatBucketStart,
    );
    expect(weeks).toEqual(['2026-03-02T00:00:00Z', '2026-03-09T00:00:00Z', '2026-03-16T00:00:00Z']);
    const months = bucketStarts(resolveRange('2026-01-15', '2026-03-01', 'UTC'), 'month').map(
      formatBucketStart,
    );
    expect(months).toEqual(['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z']);
  });
  it('returns nothing for an invalid range instead of looping', () => {
    expect(bucketStarts(resolveRange('nonsense', '2026-03-01', 'UTC'), 'day')).toEqual([]);
  });
});

describe('fillBuckets', () => {
  it('fills missing buckets with zeros and keeps the server values', () => {
    const range = resolveRange('2026-03-02', '2026-03-05', 'UTC');
    const filled = fillBuckets([{ start: '2026-03-03T00:00:00Z', messages: 7, users: 2 }], range, 'day');
    expect(filled.map((b) => b.messages)).toEqual([0, 7, 0, 0]);
    expect(filled[0]).toEqual({ start: '2026-03-02T00:00:00Z', messages: 0, users: 0 });
  });
  it('matches buckets by instant, whatever offset notation the server used', () => {
    const range = resolveRange('2026-03-02', '2026-03-02', 'Europe/Berlin');
    // 23:00Z the day before is midnight in Berlin.
    const filled = fillBuckets([{ start: '2026-03-01T23:00:00Z', messages: 3, users: 1 }], range, 'day');
    expect(filled).toHaveLength(1);
    expect(filled[0]?.messages).toBe(3);
  });
  it("keeps the server's series when its buckets are aligned differently", () => {
    const range = resolveRange('2026-03-04', '2026-03-16', 'UTC');
    // A server that starts the first week at the range start (Wednesday) rather than Monday.
    const server = [
      { start: '2026-03-11T00:00:00Z', messages: 5, users: 1 },
      { start: '2026-03-04T00:00:00Z', messages: 4, users: 1 },
    ];
    expect(fillBuckets(server, range, 'week').map((b) => b.messages)).toEqual([4, 5]);
  });
});
