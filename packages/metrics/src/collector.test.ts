import { describe, expect, it } from 'vitest';
import { HOUR_MS, MetricsCollector, MINUTE_MS } from './collector';
import { percentile } from './stats';

const START_MS = Date.parse('2026-03-10T12:00:00.000Z');

function setup(startMs = START_MS) {
  const clock = { nowMs: startMs };
  const collector = new MetricsCollector({ now: () => clock.nowMs });
  return { clock, collector };
}

describe('MetricsCollector.recordMessage and getCurrentStats', () => {
  it('starts at zero', () => {
    const { collector } = setup();
    const stats = collector.getCurrentStats();
    expect(stats).toMatchObject({
      total_messages: 0,
      last_hour: 0,
      last_24h: 0,
      avg_response_time: 0,
      p50_response_time: 0,
      p95_response_time: 0,
      p99_response_time: 0,
      failed_total: 0,
      failed_last_hour: 0,
      total_users: 0,
      active_today: 0,
      active_this_week: 0,
      active_last_30_min: 0,
    });
    expect(stats.stages.store).toEqual({ avg_ms: 0, p95_ms: 0 });
  });

  it('counts messages, users and fractional response times', () => {
    const { collector } = setup();
    collector.recordMessage('alice', START_MS - 1_000, 120.5);
    collector.recordMessage('alice', START_MS - 500, 79.5);
    collector.recordMessage('bob', START_MS - 200, 100.25);
    const stats = collector.getCurrentStats();
    expect(stats.total_messages).toBe(3);
    expect(stats.last_hour).toBe(3);
    expect(stats.last_24h).toBe(3);
    expect(stats.total_users).toBe(2);
    expect(stats.active_today).toBe(2);
    expect(stats.active_this_week).toBe(2);
    expect(stats.active_last_30_min).toBe(2);
    expect(stats.avg_response_time).toBeCloseTo((120.5 + 79.5 + 100.25) / 3, 10);
    expect(stats.p50_response_time).toBe(100.25);
    expect(collector.trackedUsers).toBe(2);
  });

  it('slides last_hour and last_24h minute by minute', () => {
    const { clock, collector } = setup();
    collector.recordMessage('u', START_MS + 30_000, 10);
    clock.nowMs = START_MS + 59 * MINUTE_MS + 59_999;
    expect(collector.getCurrentStats().last_hour).toBe(1);
    clock.nowMs = START_MS + 60 * MINUTE_MS;
    expect(collector.getCurrentStats().last_hour).toBe(0);
    expect(collector.getCurrentStats().last_24h).toBe(1);
    clock.nowMs = START_MS + 24 * HOUR_MS - 1;
    expect(collector.getCurrentStats().last_24h).toBe(1);
    clock.nowMs = START_MS + 24 * HOUR_MS;
    expect(collector.getCurrentStats().last_24h).toBe(0);
    expect(collector.getCurrentStats().total_messages).toBe(1);
  });

  it('computes avg and p50/p95/p99 over the last 1000 response times', () => {
    const { collector } = setup();
    const all: number[] = [];
    let seed = 7;
    for (let i = 0; i < 1_500; i++) {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      const responseTimeMs = (seed % 500_000) / 100;
      all.push(responseTimeMs);
      collector.recordMessage(`u${i % 40}`, START_MS - 1_500 + i, responseTimeMs);
    }
    const last = all.slice(-1_000);
    const sorted = [...last].sort((a, b) => a - b);
    const stats = collector.getCurrentStats();
    expect(stats.avg_response_time).toBeCloseTo(last.reduce((s, v) => s + v, 0) / 1_000, 9);
    const reference = (p: number) => {
      const rank = (p / 100) * (sorted.length - 1);
      const low = Math.floor(rank);
      return sorted[low]! + (sorted[Math.ceil(rank)]! - sorted[low]!) * (rank - low);
    };
    expect(stats.p50_response_time).toBeCloseTo(reference(50), 9);
    expect(stats.p95_response_time).toBeCloseTo(reference(95), 9);
    expect(stats.p99_response_time).toBeCloseTo(reference(99), 9);
    expect(stats.p99_response_time).toBe(percentile(sorted, 99));
  });

  it('counts failures as messages, as failures and with their response time', () => {
    const { clock, collector } = setup();
    collector.recordMessage('a', START_MS, 100);
    collector.recordMessage('a', START_MS, 9_000, { failed: true });
    collector.recordMessage('b', START_MS, 300, { failed: true });
    let stats = collector.getCurrentStats();
    expect(stats.total_messages).toBe(3);
    expect(stats.failed_total).toBe(2);
    expect(stats.failed_last_hour).toBe(2);
    expect(stats.avg_response_time).toBeCloseTo((100 + 9_000 + 300) / 3, 9);
    expect(collector.getHourlyMetrics(1)[0]).toMatchObject({
      messages: 3,
      failed: 2,
    });
    expect(collector.getHourlyMetrics(1)[0]!.avg_response_time).toBeCloseTo((100 + 9_000 + 300) / 3, 9);
    clock.nowMs = START_MS + HOUR_MS;
    stats = collector.getCurrentStats();
    expect(stats.failed_last_hour).toBe(0);
    expect(stats.failed_total).toBe(2);
  });

  it('ignores response times that are not a duration', () => {
    const { collector } = setup();
    collector.recordMessage('a', START_MS, Number.NaN);
    collector.recordMessage('a', START_MS, -5);
    collector.recordMessage('a', START_MS, 42);
    expect(collector.getCurrentStats().avg_response_time).toBe(42);
    expect(collector.getCurrentStats().total_messages).toBe(3);
  });

  it('reports per-stage average and p95', () => {
    const { collector } = setup();
    for (let i = 1; i <= 100; i++) {
      collector.recordMessage('u', START_MS, 3 * i + 10, {
        stages: { queueMs: 7, profileMs: 1, storeMs: i, generateMs: 2 * i, sendMs: 0.5 },
      });
    }
    const { stages, avg_response_time } = collector.getCurrentStats();
    expect(stages.store.avg_ms).toBeCloseTo(50.5, 10);
    expect(stages.store.p95_ms).toBeCloseTo(95.05, 10);
    expect(stages.generate.avg_ms).toBeCloseTo(101, 10);
    expect(stages.generate.p95_ms).toBeCloseTo(190.1, 10);
    expect(stages.send).toEqual({ avg_ms: 0.5, p95_ms: 0.5 });
    expect(stages.queue).toEqual({ avg_ms: 7, p95_ms: 7 });
    // The remainder is shown as `other`: 10 − 7 − 1 − 0.5 per reply.
    expect(stages.other.avg_ms).toBeCloseTo(1.5, 10);
    const sum = Object.values(stages).reduce((t, s) => t + s.avg_ms, 0);
    expect(sum).toBeCloseTo(avg_response_time, 10);
  });

  it('stage averages add up to the average response time, whatever the replies recorded', () => {
    const { collector } = setup();
    // Without stage times (all `other`), outside the 7 days (neither ring), after a restore.
    collector.restore({
      totalMessages: 2,
      totalUsers: 1,
      failedTotal: 0,
      hours: [],
      users: [],
      recentResponseTimes: [100, 200],
      recentStages: [null, { queueMs: 50, profileMs: 10, generateMs: 80, sendMs: 40, storeMs: 5 }],
    });
    collector.recordMessage('u', START_MS, 300);
    collector.recordMessage('u', START_MS - 9 * 24 * HOUR_MS, 5000, {
      stages: { queueMs: 0, profileMs: 0, generateMs: 0, sendMs: 0, storeMs: 0 },
    });
    collector.recordMessage('u', START_MS, 60, {
      stages: { queueMs: 20, profileMs: 0, generateMs: 20, sendMs: 20, storeMs: 0 },
    });
    const { stages, avg_response_time } = collector.getCurrentStats();
    expect(avg_response_time).toBeCloseTo(165, 10);
    const sum = Object.values(stages).reduce((t, s) => t + s.avg_ms, 0);
    expect(sum).toBeCloseTo(avg_response_time, 10);
    expect(stages.queue.avg_ms).toBeCloseTo(70 / 4, 10);
  });

  it('counts an event stamped in the future as happening now', () => {
    const { clock, collector } = setup();
    collector.recordMessage('u', START_MS + 2 * HOUR_MS, 10);
    expect(collector.getHourlyMetrics(1)[0]).toMatchObject({ hour: '2026-03-10T12:00:00.000Z', messages: 1 });
    clock.nowMs = START_MS + 60 * MINUTE_MS;
    expect(collector.getCurrentStats().last_hour).toBe(0);
    collector.recordMessage('v', Number.NaN, 10);
    expect(collector.getCurrentStats().last_hour).toBe(1);
  });

  it('counts an event older than 7 days toward the totals only', () => {
    const { collector } = setup();
    collector.recordMessage('old', START_MS - 8 * 24 * HOUR_MS, 10);
    let stats = collector.getCurrentStats();
    expect(stats.total_messages).toBe(1);
    expect(stats.last_24h).toBe(0);
    expect(stats.avg_response_time).toBe(0);
    expect(stats.total_users).toBe(0);
    expect(collector.trackedUsers).toBe(0);
    expect(collector.getHourlyMetrics(168).every((h) => h.messages === 0)).toBe(true);
    collector.recordMessage('old2', START_MS - 8 * 24 * HOUR_MS, 10, { newUser: true });
    stats = collector.getCurrentStats();
    expect(stats.total_users).toBe(1);
  });

  it('lets extra.newUser decide whether total_users grows', () => {
    const { collector } = setup();
    collector.recordMessage('known-in-db', START_MS, 10, { newUser: false });
    expect(collector.getCurrentStats().total_users).toBe(0);
    collector.recordMessage('fresh', START_MS, 10, { newUser: true });
    collector.recordMessage('fresh', START_MS, 10, { newUser: true });
    expect(collector.getCurrentStats().total_users).toBe(2);
    expect(collector.getCurrentStats().active_today).toBe(2);
  });

  it('resyncs total users from the database', () => {
    const { collector } = setup();
    collector.recordMessage('a', START_MS, 10);
    collector.setTotalUsers(5_000);
    collector.recordMessage('b', START_MS, 10);
    expect(collector.getCurrentStats().total_users).toBe(5_001);
  });

  it('reports the bytes held by its typed arrays', () => {
    const { collector } = setup();
    const empty = collector.memoryBytes();
    expect(empty).toBeGreaterThan(0);
    expect(empty).toBeLessThan(200 * 1024);
    for (let i = 0; i < 10_000; i++) collector.recordMessage(`user-${i}`, START_MS, 1);
    expect(collector.memoryBytes()).toBeGreaterThan(empty);
  });
});

describe('MetricsCollector.getHourlyMetrics and getDailyMetrics', () => {
  it('lists every UTC hour oldest to newest, zeros included', () => {
    const { collector } = setup(Date.parse('2026-03-10T12:34:00.000Z'));
    collector.recordMessage('a', Date.parse('2026-03-10T10:05:00.000Z'), 100);
    collector.recordMessage('b', Date.parse('2026-03-10T10:45:00.000Z'), 200);
    collector.recordMessage('a', Date.parse('2026-03-10T10:50:00.000Z'), 300);
    collector.recordMessage('a', Date.parse('2026-03-10T12:00:00.000Z'), 50);
    const hourly = collector.getHourlyMetrics(4);
    expect(hourly).toEqual([
      { hour: '2026-03-10T09:00:00.000Z', messages: 0, users: 0, avg_response_time: 0, failed: 0 },
      { hour: '2026-03-10T10:00:00.000Z', messages: 3, users: 2, avg_response_time: 200, failed: 0 },
      { hour: '2026-03-10T11:00:00.000Z', messages: 0, users: 0, avg_response_time: 0, failed: 0 },
      { hour: '2026-03-10T12:00:00.000Z', messages: 1, users: 1, avg_response_time: 50, failed: 0 },
    ]);
    expect(collector.getHourlyMetrics()).toHaveLength(24);
    expect(collector.getHourlyMetrics(1_000)).toHaveLength(168);
    expect(collector.getHourlyMetrics(0)).toEqual([]);
    expect(collector.getHourlyMetrics(Number.NaN)).toHaveLength(24);
  });

  it('lists every UTC day oldest to newest, zeros included', () => {
    const { collector } = setup(Date.parse('2026-03-10T12:00:00.000Z'));
    collector.recordMessage('a', Date.parse('2026-03-08T01:00:00.000Z'), 10);
    collector.recordMessage('a', Date.parse('2026-03-08T22:00:00.000Z'), 30);
    collector.recordMessage('b', Date.parse('2026-03-10T09:00:00.000Z'), 40);
    expect(collector.getDailyMetrics(3)).toEqual([
      { date: '2026-03-08', messages: 2, users: 1, avg_response_time: 20, failed: 0 },
      { date: '2026-03-09', messages: 0, users: 0, avg_response_time: 0, failed: 0 },
      { date: '2026-03-10', messages: 1, users: 1, avg_response_time: 40, failed: 0 },
    ]);
    const week = collector.getDailyMetrics();
    expect(week.map((d) => d.date)).toEqual([
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
      '2026-03-08',
      '2026-03-09',
      '2026-03-10',
    ]);
    expect(collector.getDailyMetrics(30)).toHaveLength(7);
  });
});

describe('late events across an hour', () => {
  it('counts the message in its own hour and says when distinct users need a recount', () => {
    const { collector } = setup();
    const boundary = START_MS - HOUR_MS;
    collector.recordMessage('u1', boundary + 100, 10);
    expect(collector.takeUsersStale()).toBe(false);
    collector.recordMessage('u1', boundary - 100, 10);
    const before = collector
      .getHourlyMetrics(3)
      .find((h) => h.hour === new Date(boundary - HOUR_MS).toISOString());
    expect(before?.messages).toBe(1);
    expect(collector.takeUsersStale()).toBe(true);
    expect(collector.takeUsersStale()).toBe(false);
    // Late within the same hour: the user is already in it, nothing uncertain.
    collector.recordMessage('u1', boundary + 50, 10);
    expect(collector.takeUsersStale()).toBe(false);
  });
});
