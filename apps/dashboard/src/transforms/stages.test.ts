import { describe, expect, it } from 'vitest';
import { stageBreakdown } from './stages';

describe('stageBreakdown', () => {
  it('splits the reply time into proportional segments', () => {
    const segments = stageBreakdown({
      store: { avg_ms: 10, p95_ms: 20 },
      generate: { avg_ms: 60, p95_ms: 90 },
      send: { avg_ms: 30, p95_ms: 45 },
    });
    expect(segments.map((s) => [s.stage, Math.round(s.pct)])).toEqual([
      ['store', 10],
      ['generate', 60],
      ['send', 30],
    ]);
  });
  it('is empty without data and zero-width when nothing was timed', () => {
    expect(stageBreakdown(null)).toEqual([]);
    const zero = { avg_ms: 0, p95_ms: 0 };
    expect(stageBreakdown({ store: zero, generate: zero, send: zero }).every((s) => s.pct === 0)).toBe(true);
  });
});
