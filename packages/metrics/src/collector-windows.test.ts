import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MetricsCollector, MINUTE_MS } from './collector';

function setup(iso: string) {
  const clock = { nowMs: Date.parse(iso) };
  const collector = new MetricsCollector({ now: () => clock.nowMs });
  return { clock, collector };
}

describe('MetricsCollector UTC boundaries', () => {
  it('splits 23:59:59.999 and 00:00:00.000 into two hours and two days', () => {
    const { clock, collector } = setup('2026-03-10T23:59:59.999Z');
    collector.recordMessage('u', Date.parse('2026-03-10T23:59:59.999Z'), 10);
    expect(collector.getCurrentStats().active_today).toBe(1);
    clock.nowMs = Date.parse('2026-03-11T00:00:00.000Z');
    expect(collector.getCurrentStats().active_today).toBe(0);
    collector.recordMessage('u', clock.nowMs, 30);

    expect(collector.getHourlyMetrics(2)).toEqual([
      { hour: '2026-03-10T23:00:00.000Z', messages: 1, users: 1, avg_response_time: 10, failed: 0 },
      { hour: '2026-03-11T00:00:00.000Z', messages: 1, users: 1, avg_response_time: 30, failed: 0 },
    ]);
    expect(collector.getDailyMetrics(2)).toEqual([
      { date: '2026-03-10', messages: 1, users: 1, avg_response_time: 10, failed: 0 },
      { date: '2026-03-11', messages: 1, users: 1, avg_response_time: 30, failed: 0 },
    ]);
    const stats = collector.getCurrentStats();
    expect(stats.active_today).toBe(1);
    expect(stats.active_this_week).toBe(1);
    expect(stats.last_hour).toBe(2);
    expect(stats.total_users).toBe(1);
  });

  it('rolls over at the hour within the same day', () => {
    const { collector } = setup('2026-03-10T11:00:00.000Z');
    collector.recordMessage('u', Date.parse('2026-03-10T10:59:59.999Z'), 1);
    collector.recordMessage('u', Date.parse('2026-03-10T11:00:00.000Z'), 1);
    expect(collector.getHourlyMetrics(2).map((h) => [h.messages, h.users])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(collector.getDailyMetrics(1)[0]).toMatchObject({ messages: 2, users: 1 });
  });
});

describe('MetricsCollector idle gaps', () => {
  it('zeroes every window after a gap longer than all rings', () => {
    const { clock, collector } = setup('2026-03-10T12:00:00.000Z');
    for (let i = 0; i < 50; i++)
      collector.recordMessage(`u${i}`, clock.nowMs - i * HOUR_MS, 10, { failed: i === 0 });
    clock.nowMs += 10 * DAY_MS + 17 * MINUTE_MS;
    let stats = collector.getCurrentStats();
    expect(stats).toMatchObject({
      total_messages: 50,
      failed_total: 1,
      last_hour: 0,
      last_24h: 0,
      failed_last_hour: 0,
      active_today: 0,
      active_this_week: 0,
      active_last_30_min: 0,
      total_users: 50,
    });
    expect(collector.getHourlyMetrics(168).every((h) => h.messages === 0 && h.users === 0)).toBe(true);
    expect(collector.getDailyMetrics(7).every((d) => d.messages === 0 && d.users === 0)).toBe(true);

    collector.recordMessage('u1', clock.nowMs, 20);
    stats = collector.getCurrentStats();
    expect(stats).toMatchObject({ last_hour: 1, last_24h: 1, active_today: 1, active_this_week: 1 });
    expect(stats.active_last_30_min).toBe(1);
    expect(collector.getHourlyMetrics(168).reduce((sum, h) => sum + h.messages, 0)).toBe(1);
  });

  it('zeroes skipped slots when the gap is shorter than the ring, and only those', () => {
    const { clock, collector } = setup('2026-03-10T12:00:00.000Z');
    collector.recordMessage('a', clock.nowMs, 1);
    clock.nowMs += 150 * MINUTE_MS;
    collector.recordMessage('b', clock.nowMs, 1);
    const stats = collector.getCurrentStats();
    expect(stats.last_hour).toBe(1);
    expect(stats.last_24h).toBe(2);
    expect(collector.getHourlyMetrics(3).map((h) => h.messages)).toEqual([1, 0, 1]);
  });

  it('forgets the first hours of a ring that wrapped exactly once', () => {
    const { clock, collector } = setup('2026-03-01T00:00:00.000Z');
    collector.recordMessage('a', clock.nowMs, 1);
    clock.nowMs += 168 * HOUR_MS;
    collector.recordMessage('a', clock.nowMs, 1);
    const hourly = collector.getHourlyMetrics(168);
    expect(hourly[0]!.hour).toBe('2026-03-01T01:00:00.000Z');
    expect(hourly.map((h) => h.messages).reduce((a, b) => a + b)).toBe(1);
    expect(collector.getDailyMetrics(7).map((d) => d.messages)).toEqual([0, 0, 0, 0, 0, 0, 1]);
  });
});

describe('MetricsCollector distinct users', () => {
  it('counts each user once per hour and per day', () => {
    const { collector } = setup('2026-03-10T12:30:00.000Z');
    const at = (hhmm: string) => Date.parse(`2026-03-10T${hhmm}:00.000Z`);
    collector.recordMessage('a', at('10:00'), 1);
    collector.recordMessage('a', at('10:20'), 1);
    collector.recordMessage('b', at('10:40'), 1);
    collector.recordMessage('a', at('11:10'), 1);
    collector.recordMessage('a', at('12:00'), 1);
    collector.recordMessage('c', at('12:01'), 1);
    expect(collector.getHourlyMetrics(3).map((h) => [h.messages, h.users])).toEqual([
      [3, 2],
      [1, 1],
      [2, 2],
    ]);
    expect(collector.getDailyMetrics(1)[0]).toMatchObject({ messages: 6, users: 3 });
    expect(collector.getCurrentStats().active_today).toBe(3);
  });

  it('counts the week over today and the 6 days before, each user once', () => {
    const { collector } = setup('2026-03-10T12:00:00.000Z');
    const day = (d: number) => Date.parse('2026-03-10T08:00:00.000Z') - d * DAY_MS;
    collector.recordMessage('repeat', day(6), 1);
    collector.recordMessage('repeat', day(3), 1);
    collector.recordMessage('repeat', day(0), 1);
    collector.recordMessage('three-days-ago', day(3), 1);
    collector.recordMessage('six-days-ago', day(6), 1);
    collector.recordMessage('seven-days-ago', Date.parse('2026-03-03T13:00:00.000Z'), 1);
    const stats = collector.getCurrentStats();
    expect(stats.active_this_week).toBe(3);
    expect(stats.active_today).toBe(1);
    expect(stats.total_users).toBe(4);
    expect(collector.getDailyMetrics(7).map((d) => d.users)).toEqual([2, 0, 0, 2, 0, 0, 1]);
  });

  it('counts users whose last message is within the last 30 minutes', () => {
    const { clock, collector } = setup('2026-03-10T12:00:00.000Z');
    const ago = (minutes: number) => clock.nowMs - minutes * MINUTE_MS;
    collector.recordMessage('31-min', ago(31), 1);
    collector.recordMessage('30-min', ago(30), 1);
    collector.recordMessage('29-min', ago(29), 1);
    collector.recordMessage('moved', ago(40), 1);
    collector.recordMessage('moved', ago(2), 1);
    collector.recordMessage('now', clock.nowMs, 1);
    collector.recordMessage('now', clock.nowMs, 1);
    expect(collector.getCurrentStats().active_last_30_min).toBe(3);
    clock.nowMs += 2 * MINUTE_MS;
    expect(collector.getCurrentStats().active_last_30_min).toBe(2);
    clock.nowMs += 30 * MINUTE_MS;
    expect(collector.getCurrentStats().active_last_30_min).toBe(0);
    expect(collector.getCurrentStats().active_today).toBe(5);
  });

  it('keeps a late message as a message but cannot add its user to a past bucket', () => {
    const { collector } = setup('2026-03-10T12:00:00.000Z');
    collector.recordMessage('u', Date.parse('2026-03-10T11:30:00.000Z'), 1);
    collector.recordMessage('u', Date.parse('2026-03-10T09:15:00.000Z'), 1);
    const hourly = collector.getHourlyMetrics(4);
    expect(hourly.map((h) => [h.messages, h.users])).toEqual([
      [1, 0],
      [0, 0],
      [1, 1],
      [0, 0],
    ]);
    expect(collector.getCurrentStats()).toMatchObject({ total_users: 1, active_today: 1, last_24h: 2 });
  });
});
