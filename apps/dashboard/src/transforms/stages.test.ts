import { describe, expect, it } from 'vitest';
import { stageBreakdown } from './stages';

describe('stageBreakdown', () => {
  it('splits the response time into proportional segments, every stage listed in words', () => {
    const segments = stageBreakdown({
      queue: { avg_ms: 700, p95_ms: 900 },
      profile: { avg_ms: 20, p95_ms: 40 },
      generate: { avg_ms: 50, p95_ms: 90 },
      send: { avg_ms: 30, p95_ms: 45 },
      store: { avg_ms: 200, p95_ms: 300 },
      other: { avg_ms: 0, p95_ms: 0 },
    });
    expect(segments.map((s) => [s.stage, Math.round(s.pct)])).toEqual([
      ['queue', 70],
      ['profile', 2],
      ['generate', 5],
      ['send', 3],
      ['store', 20],
      ['other', 0],
    ]);
    expect(segments[0]!.label).toBe('Waiting behind earlier messages');
  });
  it('is empty without data and zero-width when nothing was timed', () => {
    expect(stageBreakdown(null)).toEqual([]);
    const zero = { avg_ms: 0, p95_ms: 0 };
    expect(stageBreakdown({ store: zero, generate: zero, send: zero }).every((s) => s.pct === 0)).toBe(true);
  });
});
