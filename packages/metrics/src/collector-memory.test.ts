import { describe, expect, it } from 'vitest';
import { MetricsCollector } from './collector';

describe('MetricsCollector memory', () => {
  it('holds 1,000,000 distinct users in under 40 MB of typed arrays', () => {
    const nowMs = Date.parse('2026-03-10T12:00:00.000Z');
    const collector = new MetricsCollector({ now: () => nowMs });
    for (let i = 0; i < 1_000_000; i++) {
      collector.recordMessage('2' + String(i).padStart(15, '0'), nowMs - (i % 3_600) * 1_000, 50);
    }
    const stats = collector.getCurrentStats();
    expect(stats.total_users).toBe(1_000_000);
    expect(stats.active_today).toBe(1_000_000);
    expect(collector.trackedUsers).toBe(1_000_000);
    expect(collector.memoryBytes()).toBeLessThan(40 * 1024 * 1024);
  });
});
