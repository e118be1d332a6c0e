import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './histogram';

describe('LatencyHistogram', () => {
  it('reports percentiles within about 2%', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 10_000; i++) h.add(i / 10); // 0.1 … 1000 ms, uniform
    expect(h.percentile(50)).toBeGreaterThan(490);
    expect(h.percentile(50)).toBeLessThan(511);
    expect(h.percentile(99)).toBeGreaterThan(980);
    expect(h.percentile(100)).toBe(1000);
    expect(h.meanMs).toBeCloseTo(500.05, 1);
    expect(new LatencyHistogram().percentile(50)).toBeNaN();
  });
});
