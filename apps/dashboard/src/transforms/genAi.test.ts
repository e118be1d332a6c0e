import { describe, expect, it } from 'vitest';
import { makeTimeline } from '../test/fixtures';
import { costSeries, describeCost, formatShare, formatUsd, modelKey, unpricedWarning } from './genAi';

describe('formatUsd', () => {
  it('shows cents from a dollar up and two significant digits below, never a fake $0.00', () => {
    expect(formatUsd(1204.5)).toBe('$1,204.50');
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(0.42)).toBe('$0.42');
    expect(formatUsd(0.000412)).toBe('$0.00041');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(null)).toBe('—');
    expect(formatUsd(Number.NaN)).toBe('—');
  });
});

describe('formatShare', () => {
  it('is a percentage with one decimal below 10%', () => {
    expect(formatShare(3 / 412)).toBe('0.7%');
    expect(formatShare(0.25)).toBe('25%');
    expect(formatShare(0.0004)).toBe('<0.1%');
    expect(formatShare(0)).toBe('0%');
    expect(formatShare(null)).toBe('—');
  });
});

describe('unpricedWarning', () => {
  it('names every model, and is null when all have a price', () => {
    expect(unpricedWarning([])).toBeNull();
    expect(unpricedWarning(undefined)).toBeNull();
    expect(unpricedWarning(['a', 'b'])).toContain('"a", "b"');
    expect(unpricedWarning(['a'])).toContain('its replies');
  });
});

describe('costSeries', () => {
  it('stacks cost per model per bucket, biggest model first, and fills a missing model with 0', () => {
    const series = costSeries(makeTimeline());
    expect(series.models).toEqual(['gemini-2.5-flash', 'gemini-2.5-pro']);
    expect(series.points).toHaveLength(7);
    expect(series.points[0]![modelKey('gemini-2.5-flash')]).toBeCloseTo(0.6);
    expect(series.points[0]![modelKey('gemini-2.5-pro')]).toBeCloseTo(0.05);
    expect(series.points[6]![modelKey('gemini-2.5-pro')]).toBe(0);
    expect(series.total).toBeCloseTo(7 * 0.6 + 0.21 + 6 * 0.05);
    expect(series.points.every((p) => !p.partial)).toBe(true);
    expect(describeCost(series, 'day')).toContain('gemini-2.5-flash, gemini-2.5-pro');
  });

  it('marks the unfinished bucket and everything after it "so far", and fills gaps with zero', () => {
    const timeline = makeTimeline();
    timeline.buckets = timeline.buckets.filter((_, i) => i !== 2);
    timeline.buckets[4] = { ...timeline.buckets[4]!, partial: true };
    const series = costSeries(timeline);
    expect(series.points).toHaveLength(7);
    expect(series.points[2]!.total).toBe(0);
    expect(series.points.map((p) => p.partial)).toEqual([false, false, false, false, false, true, true]);
  });

  it('reports no cost for a range without Gemini replies (the rule responder only)', () => {
    const timeline = makeTimeline();
    timeline.buckets = timeline.buckets.map(({ start, messages, users }) => ({ start, messages, users }));
    const series = costSeries(timeline);
    expect(series).toMatchObject({ models: [], total: 0, tokens: 0 });
    expect(describeCost(series, 'day')).toBe('No Gemini cost in this range.');
  });
});
