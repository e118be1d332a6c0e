import { describe, expect, it } from 'vitest';
import { makeTimeline } from '../test/fixtures';
import {
  alignPrevious,
  bucketLabel,
  describeVolume,
  markAnomalies,
  sumCompleteMessages,
  sumMessages,
  volumeSeries,
} from './volumeSeries';

describe('alignPrevious', () => {
  it('puts bucket i of the previous period under bucket i of this one, in time order', () => {
    const current = [
      { start: '2026-03-02T00:00:00Z', messages: 1, users: 1 },
      { start: '2026-03-03T00:00:00Z', messages: 2, users: 1 },
      { start: '2026-03-04T00:00:00Z', messages: 3, users: 1 },
    ];
    const previous = [
      { start: '2026-02-24T00:00:00Z', messages: 20, users: 1 },
      { start: '2026-02-23T00:00:00Z', messages: 10, users: 1 },
    ];
    expect(alignPrevious(current, previous).map((b) => b?.messages ?? null)).toEqual([10, 20, null]);
  });
});

describe('markAnomalies', () => {
  it('marks spikes and dips by instant', () => {
    const buckets = [
      { start: '2026-03-02T00:00:00Z', messages: 900, users: 1 },
      { start: '2026-03-03T00:00:00Z', messages: 100, users: 1 },
      { start: '2026-03-04T00:00:00Z', messages: 0, users: 1 },
    ];
    expect(markAnomalies(buckets, ['2026-03-02T01:00:00+01:00', '2026-03-04T00:00:00.000Z'], 300)).toEqual([
      'spike',
      null,
      'dip',
    ]);
  });
});

describe('bucketLabel', () => {
  it('labels in the chosen zone', () => {
    expect(bucketLabel('2026-03-08T10:00:00Z', 'hour', 'America/New_York')).toBe('06:00');
    expect(bucketLabel('2026-03-08T00:00:00-08:00', 'day', 'America/Los_Angeles')).toBe('8 Mar');
    expect(bucketLabel('2026-03-01T00:00:00Z', 'month', 'UTC')).toBe('Mar 2026');
    expect(bucketLabel('2026-03-02T00:00:00Z', 'week', 'UTC')).toBe('w/c 2 Mar');
  });
});

describe('volumeSeries', () => {
  it('combines filled buckets, the aligned previous period and anomalies', () => {
    const points = volumeSeries(makeTimeline());
    expect(points).toHaveLength(7);
    expect(points[0]).toMatchObject({ label: '2 Mar', messages: 100, previousMessages: 80, anomaly: null });
    expect(points[4]).toMatchObject({ messages: 500, anomaly: 'spike' });
    expect(sumMessages(points)).toEqual({ current: 100 + 101 + 102 + 103 + 500 + 105 + 106, previous: 560 });
  });
  it('fills a bucket the server left out', () => {
    const timeline = makeTimeline();
    timeline.buckets.splice(2, 1);
    const points = volumeSeries(timeline);
    expect(points).toHaveLength(7);
    expect(points[2]).toMatchObject({ messages: 0, start: '2026-03-04T00:00:00Z' });
  });
  it('draws the bucket still filling apart ("so far"), never as an anomaly, joined to the last whole one', () => {
    const timeline = makeTimeline();
    // today, an hour in: 12 messages so far, and the server listed it (it must not, but if it did)
    timeline.buckets[6] = { ...timeline.buckets[6]!, messages: 12, partial: true };
    timeline.anomalies = [...timeline.anomalies, timeline.buckets[6]!.start];
    const points = volumeSeries(timeline);
    expect(points.map((p) => p.partial)).toEqual([false, false, false, false, false, false, true]);
    expect(points[6]).toMatchObject({ messages: 12, complete: null, soFar: 12, anomaly: null });
    expect(points[5]).toMatchObject({ complete: 105, soFar: 105 });
    expect(points[4]).toMatchObject({ complete: 500, soFar: null, anomaly: 'spike' });
    // the trend compares the six whole days with their six aligned days only
    expect(sumCompleteMessages(points)).toEqual({
      current: 100 + 101 + 102 + 103 + 500 + 105,
      previous: 480,
    });
    expect(describeVolume(points, 'day')).toContain('8 Mar is still running: 12 so far');
  });
  it('has no "so far" line when every bucket is over', () => {
    const points = volumeSeries(makeTimeline());
    expect(points.every((p) => !p.partial && p.soFar === null && p.complete === p.messages)).toBe(true);
  });
});
