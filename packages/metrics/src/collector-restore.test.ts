import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MetricsCollector, MINUTE_MS } from './collector';
import type { CollectorSeed } from './types';

interface StoredMessage {
  userId: string;
  timestampMs: number;
  responseTimeMs: number;
  failed: boolean;
}

const END_MS = Date.parse('2026-03-10T15:42:17.000Z');

/** In-order traffic over the last ~6.9 days; response times are multiples of 1/4 so sums are exact. */
function generateTraffic(count: number, fromMs: number, toMs: number, seed: number): StoredMessage[] {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state;
  };
  const messages: StoredMessage[] = [];
  for (let i = 0; i < count; i++) {
    messages.push({
      userId: `psid-${next() % 80}`,
      timestampMs: fromMs + Math.floor(((toMs - fromMs) * i) / count) + (next() % 1_000),
      responseTimeMs: 50 + (next() % 8_000) / 4,
      failed: next() % 10 === 0,
    });
  }
  return messages;
}

/** What the database would answer, computed from the stored rows. */
function seedFrom(messages: StoredMessage[], nowMs: number): CollectorSeed {
  const minutes = new Map<number, { messages: number; failed: number }>();
  const hours = new Map<
    number,
    { messages: number; users: Set<string>; sum: number; count: number; failed: number }
  >();
  const days = new Map<number, Set<string>>();
  const lastSeen = new Map<string, number>();
  for (const m of messages) {
    const minuteStartMs = Math.floor(m.timestampMs / MINUTE_MS) * MINUTE_MS;
    if (m.timestampMs >= nowMs - DAY_MS) {
      const minute = minutes.get(minuteStartMs) ?? { messages: 0, failed: 0 };
      minute.messages++;
      if (m.failed) minute.failed++;
      minutes.set(minuteStartMs, minute);
    }
    const hourStartMs = Math.floor(m.timestampMs / HOUR_MS) * HOUR_MS;
    const hour = hours.get(hourStartMs) ?? { messages: 0, users: new Set(), sum: 0, count: 0, failed: 0 };
    hour.messages++;
    hour.users.add(m.userId);
    if (m.failed) hour.failed++;
    hour.sum += m.responseTimeMs;
    hour.count++;
    hours.set(hourStartMs, hour);
    const dayStartMs = Math.floor(m.timestampMs / DAY_MS) * DAY_MS;
    days.set(dayStartMs, (days.get(dayStartMs) ?? new Set()).add(m.userId));
    lastSeen.set(m.userId, Math.max(lastSeen.get(m.userId) ?? 0, m.timestampMs));
  }
  return {
    totalMessages: messages.length,
    totalUsers: lastSeen.size,
    failedTotal: messages.filter((m) => m.failed).length,
    minutes: [...minutes].map(([minuteStartMs, v]) => ({ minuteStartMs, ...v })),
    hours: [...hours].map(([hourStartMs, v]) => ({
      hourStartMs,
      messages: v.messages,
      users: v.users.size,
      responseMsSum: v.sum,
      responseCount: v.count,
      failed: v.failed,
    })),
    days: [...days].map(([dayStartMs, users]) => ({ dayStartMs, users: users.size })),
    users: [...lastSeen].map(([userId, lastSeenMs]) => ({ userId, lastSeenMs })),
    recentResponseTimes: messages.map((m) => m.responseTimeMs),
  };
}

function snapshot(collector: MetricsCollector) {
  return {
    current: collector.getCurrentStats(),
    hourly: collector.getHourlyMetrics(168),
    daily: collector.getDailyMetrics(7),
  };
}

describe('MetricsCollector.restore', () => {
  it('rebuilds exactly what recording the same messages produced, and keeps counting the same', () => {
    const clock = { nowMs: END_MS - 7 * DAY_MS };
    const live = new MetricsCollector({ now: () => clock.nowMs });
    const traffic = generateTraffic(5_000, END_MS - 6.9 * DAY_MS, END_MS - 5_000, 42);
    for (const m of traffic) {
      clock.nowMs = Math.max(clock.nowMs, m.timestampMs + 300);
      live.recordMessage(m.userId, m.timestampMs, m.responseTimeMs, { failed: m.failed });
    }
    clock.nowMs = END_MS;

    const restored = new MetricsCollector({ now: () => clock.nowMs });
    restored.recordMessage('leftover-state', END_MS, 1);
    restored.restore(seedFrom(traffic, END_MS));
    const expected = snapshot(live);
    expect(expected.current.active_last_30_min).toBeGreaterThan(0);
    expect(expected.current.failed_last_hour).toBeGreaterThan(0);
    expect(snapshot(restored)).toEqual(expected);
    expect(restored.trackedUsers).toBe(live.trackedUsers);

    const more = generateTraffic(300, END_MS + 1_000, END_MS + 3 * HOUR_MS, 7);
    more.push({ userId: 'brand-new', timestampMs: END_MS + 3 * HOUR_MS, responseTimeMs: 10, failed: false });
    for (const m of more) {
      clock.nowMs = Math.max(clock.nowMs, m.timestampMs + 300);
      live.recordMessage(m.userId, m.timestampMs, m.responseTimeMs, { failed: m.failed });
      restored.recordMessage(m.userId, m.timestampMs, m.responseTimeMs, { failed: m.failed });
    }
    expect(snapshot(restored)).toEqual(snapshot(live));
  });

  it('without per-day distinct counts, knows today exactly and earlier days as a lower bound', () => {
    const clock = { nowMs: END_MS };
    const traffic = generateTraffic(2_000, END_MS - 3 * DAY_MS, END_MS - 1_000, 9);
    const live = new MetricsCollector({ now: () => clock.nowMs });
    for (const m of traffic)
      live.recordMessage(m.userId, m.timestampMs, m.responseTimeMs, { failed: m.failed });
    const restored = new MetricsCollector({ now: () => clock.nowMs });
    const { days: _days, minutes: _minutes, ...seed } = seedFrom(traffic, END_MS);
    restored.restore(seed);

    const stats = restored.getCurrentStats();
    expect(stats.active_today).toBe(live.getCurrentStats().active_today);
    expect(stats.active_this_week).toBe(live.getCurrentStats().active_this_week);
    expect(stats.last_24h).toBe(0);
    const liveDays = live.getDailyMetrics(7);
    restored.getDailyMetrics(7).forEach((day, i) => {
      expect(day.messages).toBe(liveDays[i]!.messages);
      expect(day.users).toBeLessThanOrEqual(liveDays[i]!.users);
    });
  });

  it('drops seed buckets outside the windows and keeps only the last 1000 response times', () => {
    const clock = { nowMs: END_MS };
    const collector = new MetricsCollector({ now: () => clock.nowMs });
    collector.restore({
      totalMessages: 10,
      totalUsers: 3,
      failedTotal: 1,
      minutes: [{ minuteStartMs: END_MS - 2 * DAY_MS, messages: 5, failed: 1 }],
      hours: [
        {
          hourStartMs: END_MS + 2 * HOUR_MS,
          messages: 5,
          users: 1,
          responseMsSum: 5,
          responseCount: 1,
          failed: 0,
        },
      ],
      users: [{ userId: 'ancient', lastSeenMs: END_MS - 30 * DAY_MS }],
      recentResponseTimes: [
        ...Array.from({ length: 500 }, () => 1_000),
        ...Array.from({ length: 1_000 }, () => 2),
      ],
    });
    const stats = collector.getCurrentStats();
    expect(stats).toMatchObject({ total_messages: 10, total_users: 3, failed_total: 1, last_24h: 0 });
    expect(stats.avg_response_time).toBe(2);
    expect(collector.trackedUsers).toBe(0);
    expect(collector.getHourlyMetrics(168).every((h) => h.messages === 0)).toBe(true);
  });
});

describe('MetricsCollector.cleanup', () => {
  it('evicts users not seen for 8 days and keeps the recent ones', () => {
    const clock = { nowMs: Date.parse('2026-03-01T12:00:00.000Z') };
    const collector = new MetricsCollector({ now: () => clock.nowMs });
    collector.recordMessage('gone', clock.nowMs, 1);
    clock.nowMs += 2 * DAY_MS;
    collector.recordMessage('quiet', clock.nowMs, 1);
    clock.nowMs += 5 * DAY_MS;
    collector.recordMessage('active', clock.nowMs, 1);
    clock.nowMs += DAY_MS + MINUTE_MS;

    expect(collector.cleanup()).toBe(1);
    expect(collector.trackedUsers).toBe(2);
    expect(collector.cleanup()).toBe(0);
    const stats = collector.getCurrentStats();
    expect(stats.active_this_week).toBe(2);
    expect(stats.total_users).toBe(3);

    // An evicted user coming back is new to the table; the bot's newUser flag keeps the total right.
    collector.recordMessage('gone', clock.nowMs, 1, { newUser: false });
    collector.recordMessage('quiet', clock.nowMs, 1);
    expect(collector.getCurrentStats()).toMatchObject({ total_users: 3, active_today: 2 });
  });

  it('leaves nothing from before the 7-day window in the hourly and daily views', () => {
    const clock = { nowMs: Date.parse('2026-03-01T12:00:00.000Z') };
    const collector = new MetricsCollector({ now: () => clock.nowMs });
    for (let h = 0; h < 48; h++) collector.recordMessage(`u${h}`, clock.nowMs + h * HOUR_MS, 1);
    clock.nowMs += 9 * DAY_MS;
    expect(collector.cleanup()).toBe(48);
    expect(collector.getHourlyMetrics(168).some((h) => h.messages > 0)).toBe(false);
    expect(collector.getDailyMetrics(7).some((d) => d.messages > 0)).toBe(false);
    expect(collector.getCurrentStats().total_messages).toBe(48);
  });
});
