import {
  type ActivityPlan,
  type Db,
  getActiveUserCount,
  getBucketMessageCounts,
  getBucketUsersRaw,
  getHeatmapCounts,
  getPeriodUsers,
  getUserActivityPage,
  requestRollupZone,
} from '@botpulse/db';
import { changePct, findAnomalies, meanAndStdDev } from '@botpulse/metrics';
import type {
  Bucket,
  CountSet,
  Granularity,
  HeatmapCell,
  HeatmapResponse,
  OverviewResponse,
  TimelineResponse,
  UsersResponse,
} from '@botpulse/protocol';
import { DateTime } from 'luxon';
import { type AnalyticsRange, parseGranularity, parsePositiveInt, parseRange, previousRange } from './params';
import { bucketsOf, formatLocal, periodCover, wholeDays } from './periods';

type Query = Record<string, unknown>;

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * The analytics API (plan 2.2.2 and 3.2): every figure for a range in a time zone, with the
 * previous equal-length period. Reads rollups plus the not-yet-folded rows, so it agrees with the
 * live numbers up to the last stored message.
 */
export class AnalyticsService {
  /** zones whose rollups are complete; a zone never stops being ready once it is */
  private readonly readyZones = new Set<string>();

  constructor(private readonly db: Db) {}

  /** Whether `tz` can be read from the rollups; the first request for a zone queues its backfill. */
  private async zoneReady(tz: string): Promise<boolean> {
    if (this.readyZones.has(tz)) return true;
    const ready = await requestRollupZone(this.db, tz);
    if (ready) this.readyZones.add(tz);
    return ready;
  }

  async overview(q: Query): Promise<OverviewResponse> {
    const range = parseRange(q);
    const ready = await this.zoneReady(range.tz);
    const prev = previousRange(range);
    const sparkGranularity = sparklineGranularity(range);
    const [current, previous, spark] = await Promise.all([
      this.countSet(range, ready),
      this.countSet(prev, ready),
      this.series(range, sparkGranularity, ready),
    ]);
    return {
      from: range.from,
      to: range.to,
      tz: range.tz,
      current,
      previous,
      change_pct: {
        messages: changePct(current.messages, previous.messages),
        users: changePct(current.users, previous.users),
        avg_response_time_ms: changePct(current.avg_response_time_ms, previous.avg_response_time_ms),
      },
      sparklines: { messages: spark.map((b) => b.messages), users: spark.map((b) => b.users) },
    };
  }

  async timeline(q: Query): Promise<TimelineResponse> {
    const granularity = parseGranularity(q);
    const range = parseRange(q, { granularity });
    const ready = await this.zoneReady(range.tz);
    const [buckets, previous] = await Promise.all([
      this.series(range, granularity, ready),
      this.series(previousRange(range), granularity, ready),
    ]);
    const values = buckets.map((b) => b.messages);
    const { mean, stdDev } = meanAndStdDev(values);
    return {
      granularity,
      tz: range.tz,
      from: range.from,
      to: range.to,
      buckets,
      previous,
      anomalies: findAnomalies(values, 2).map((i) => buckets[i]!.start),
      mean: round(mean),
      std_dev: round(stdDev),
    };
  }

  async users(q: Query): Promise<UsersResponse> {
    const range = parseRange(q);
    const page = parsePositiveInt(q, 'page', 1, 1_000_000);
    const pageSize = parsePositiveInt(q, 'page_size', 20, 100);
    const ready = await this.zoneReady(range.tz);
    const lastDay = range.end.minus({ milliseconds: 1 }).startOf('day');
    const window = (days: number) => {
      const start = lastDay.minus({ days: days - 1 });
      return this.plan(range.tz, start, range.end, ready);
    };
    const plan = this.plan(range.tz, range.start, range.end, ready);
    const [summary, dau, wau, mau, perDay] = await Promise.all([
      getUserActivityPage(this.db, plan, pageSize, (page - 1) * pageSize),
      getActiveUserCount(this.db, window(1)),
      getActiveUserCount(this.db, window(7)),
      getActiveUserCount(this.db, window(30)),
      this.series(range, 'day', ready),
    ]);
    return {
      from: range.from,
      to: range.to,
      tz: range.tz,
      dau,
      wau,
      mau,
      new_users: summary.new_users,
      returning_users: summary.users - summary.new_users,
      active_per_day: perDay.map((b) => ({ date: b.start.slice(0, 10), users: b.users })),
      top: summary.top,
      page,
      page_size: pageSize,
      total: summary.users,
    };
  }

  async heatmap(q: Query): Promise<HeatmapResponse> {
    const range = parseRange(q);
    const counts = await getHeatmapCounts(this.db, range.tz, {
      start: range.start.toJSDate(),
      end: range.end.toJSDate(),
    });
    const byCell = new Map(counts.map((c) => [c.dow * 24 + c.hour, c.messages]));
    const cells: HeatmapCell[] = [];
    for (let dow = 0; dow < 7; dow++) {
      for (let hour = 0; hour < 24; hour++)
        cells.push({ dow, hour, messages: byCell.get(dow * 24 + hour) ?? 0 });
    }
    return { tz: range.tz, from: range.from, to: range.to, cells };
  }

  /** Messages and distinct users per bucket of the range. */
  async series(range: AnalyticsRange, granularity: Granularity, zoneReady: boolean): Promise<Bucket[]> {
    const buckets = bucketsOf(range.start, range.end, granularity);
    const [counts, users] = await Promise.all([
      getBucketMessageCounts(this.db, buckets),
      this.bucketUsers(range.tz, granularity, buckets, zoneReady),
    ]);
    const local = (d: Date) => formatLocal(DateTime.fromJSDate(d, { zone: range.tz }));
    return buckets.map((b, i) => ({
      start: b.label,
      from: local(b.start),
      to: local(b.end),
      messages: counts[i]!.messages,
      users: users[i]!,
    }));
  }

  private async bucketUsers(
    tz: string,
    granularity: Granularity,
    buckets: ReturnType<typeof bucketsOf>,
    zoneReady: boolean,
  ): Promise<number[]> {
    if (granularity === 'hour' || !zoneReady) return getBucketUsersRaw(this.db, buckets);
    const grain = granularity === 'day' ? 'd' : granularity === 'week' ? 'w' : 'm';
    const whole = buckets.filter((b) => b.whole);
    const wholeUsers = await getPeriodUsers(this.db, tz, grain, whole);
    const byLabel = new Map(whole.map((b, i) => [b.label, wholeUsers[i]!]));
    // At most the first and last bucket of a range are partial.
    return Promise.all(
      buckets.map(async (b) => {
        const known = byLabel.get(b.label);
        if (known !== undefined) return known;
        const plan = this.plan(
          tz,
          DateTime.fromJSDate(b.start, { zone: tz }),
          DateTime.fromJSDate(b.end, { zone: tz }),
          true,
        );
        return getActiveUserCount(this.db, plan);
      }),
    );
  }

  private async countSet(range: AnalyticsRange, zoneReady: boolean): Promise<CountSet> {
    const interval = { start: range.start.toJSDate(), end: range.end.toJSDate() };
    const [[counts], users] = await Promise.all([
      getBucketMessageCounts(this.db, [interval]),
      getActiveUserCount(this.db, this.plan(range.tz, range.start, range.end, zoneReady)),
    ]);
    return {
      messages: counts!.messages,
      users,
      avg_response_time_ms:
        counts!.response_count > 0 ? round(counts!.response_ms_sum / counts!.response_count) : 0,
    };
  }

  private plan(tz: string, start: DateTime, end: DateTime, zoneReady: boolean): ActivityPlan {
    const s = start.setZone(tz);
    const e = end.setZone(tz);
    const days = zoneReady ? wholeDays(s, e) : null;
    const endDate = e.toJSDate();
    return {
      tz,
      start: s.toJSDate(),
      end: endDate,
      ...(days ? periodCover(days.dayFrom, days.dayTo) : { months: [], weeks: [], days: [] }),
      daysStart: days?.daysStart ?? endDate,
      daysEnd: days?.daysEnd ?? endDate,
    };
  }
}

function sparklineGranularity(r: AnalyticsRange): Granularity {
  const days = r.end.diff(r.start, 'days').days;
  if (days <= 2) return 'hour';
  if (days <= 92) return 'day';
  if (days <= 730) return 'week';
  return 'month';
}
