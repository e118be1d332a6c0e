import {
  type Db,
  getActiveUserCount,
  getBucketGenAiCounts,
  getBucketMessageCounts,
  getBucketUsersRaw,
  getHeatmapCounts,
  getPeriodUsers,
  getUserActivityCounts,
  getUserActivityPage,
  requestRollupZone,
} from '@botpulse/db';
import { ANOMALY_K, changePct, findAnomalies, TRAILING_BUCKETS } from '@botpulse/metrics';
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
import {
  type AnalyticsRange,
  parseGranularity,
  parsePositiveInt,
  parseRange,
  parseUserSort,
  previousRange,
} from './params';
import { PastRangeUsers } from './past-range-users';
import { activityPlan, bucketsOf, formatLocal, UNIT } from './periods';
import { TopUsers } from './top-users';

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
  private readonly topUsers: TopUsers;
  private readonly pastRangeUsers: PastRangeUsers;

  constructor(private readonly db: Db) {
    this.topUsers = new TopUsers(db);
    this.pastRangeUsers = new PastRangeUsers(db);
  }

  /** Whether `tz` can be read from the rollups; the first request for a zone queues its backfill. */
  private async zoneReady(tz: string): Promise<boolean> {
    if (this.readyZones.has(tz)) return true;
    const ready = await requestRollupZone(this.db, tz);
    if (ready) this.readyZones.add(tz);
    return ready;
  }

  async overview(q: Query): Promise<OverviewResponse> {
    const range = parseRange(q);
    const asOf = DateTime.now();
    const ready = await this.zoneReady(range.tz);
    const prev = previousRange(range);
    // While this period is still running, compare it with the same elapsed part of the previous
    // one: the first hour of today against the first hour of yesterday, never a whole day.
    const previousUntil = sameElapsed(range, prev, asOf);
    const sparkGranularity = sparklineGranularity(range);
    const [{ counts: current, unpricedModels }, { counts: previous }, spark] = await Promise.all([
      this.countSet(range, ready),
      // its end moves with the clock: the last count carried forward (exact; see PastRangeUsers)
      this.countSet({ ...prev, end: previousUntil }, ready, true),
      this.series(range, sparkGranularity, ready, asOf),
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
        input_tokens: changePct(current.input_tokens, previous.input_tokens),
        output_tokens: changePct(current.output_tokens, previous.output_tokens),
        cost_usd: changePct(current.cost_usd, previous.cost_usd),
      },
      unpriced_models: unpricedModels,
      sparklines: { messages: spark.map((b) => b.messages), users: spark.map((b) => b.users) },
      as_of: asOf.toUTC().toISO()!,
      previous_until: previousUntil.toISO()!,
      sparklines_complete: completeCount(spark),
    };
  }

  async timeline(q: Query): Promise<TimelineResponse> {
    const granularity = parseGranularity(q);
    const range = parseRange(q, { granularity });
    const asOf = DateTime.now();
    const ready = await this.zoneReady(range.tz);
    const [buckets, previous, trailing] = await Promise.all([
      this.series(range, granularity, ready, asOf),
      this.series(previousRange(range), granularity, ready, asOf),
      this.trailingCounts(range, granularity),
    ]);
    const values = [...trailing, ...buckets.map((b) => b.messages)];
    const baseline = findAnomalies({
      values,
      rangeStart: trailing.length,
      complete: trailing.length + completeCount(buckets),
      k: ANOMALY_K,
    });
    return {
      granularity,
      tz: range.tz,
      from: range.from,
      to: range.to,
      buckets,
      previous,
      anomalies: baseline.anomalies.map((i) => buckets[i - trailing.length]!.start),
      mean: round(baseline.mean),
      std_dev: round(baseline.stdDev),
      baseline: { trailing_buckets: trailing.length, buckets: baseline.baselineBuckets, k: ANOMALY_K },
      as_of: asOf.toUTC().toISO()!,
    };
  }

  /**
   * The timeline's buckets alone, parsed and computed as `timeline` does, without the previous
   * period and the anomaly baseline: what the accuracy check compares with the raw rows, for half
   * the reads.
   */
  async timelineBuckets(q: Query): Promise<Bucket[]> {
    const granularity = parseGranularity(q);
    const range = parseRange(q, { granularity });
    return this.series(range, granularity, await this.zoneReady(range.tz));
  }

  /**
   * Messages per bucket in the whole buckets just before the range (TRAILING_BUCKETS of them): the
   * history an anomaly is judged against besides the range itself.
   */
  private async trailingCounts(range: AnalyticsRange, granularity: Granularity): Promise<number[]> {
    const unit = UNIT[granularity];
    const end = range.start.startOf(unit, { useLocaleWeeks: false });
    const start = end.minus({ [`${unit}s`]: TRAILING_BUCKETS[granularity] });
    const counts = await getBucketMessageCounts(this.db, bucketsOf(start, end, granularity));
    return counts.map((c) => c.messages);
  }

  async users(q: Query): Promise<UsersResponse> {
    const range = parseRange(q);
    const asOf = DateTime.now();
    const page = parsePositiveInt(q, 'page', 1, 1_000_000);
    const pageSize = parsePositiveInt(q, 'page_size', 20, 100);
    const sort = parseUserSort(q);
    const ready = await this.zoneReady(range.tz);
    const lastDay = range.end.minus({ milliseconds: 1 }).startOf('day');
    const window = (days: number) => {
      const start = lastDay.minus({ days: days - 1 });
      return activityPlan(range.tz, start, range.end, ready);
    };
    const plan = activityPlan(range.tz, range.start, range.end, ready);
    const offset = (page - 1) * pageSize;
    // The most active: the settled-days cache (exact); the costliest: straight from the rollups.
    const [summary, cachedTop, dau, wau, mau, perDay] = await Promise.all([
      getUserActivityCounts(this.db, plan),
      ready && sort === 'messages' ? this.topUsers.page(plan, asOf, pageSize, offset) : null,
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
      top: cachedTop ?? (await getUserActivityPage(this.db, plan, pageSize, offset, sort)).top,
      sort,
      page,
      page_size: pageSize,
      total: summary.users,
      as_of: asOf.toUTC().toISO()!,
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

  /** Messages and distinct users per bucket of the range; a bucket not over by `asOf` is `partial`. */
  async series(
    range: AnalyticsRange,
    granularity: Granularity,
    zoneReady: boolean,
    asOf: DateTime = DateTime.now(),
  ): Promise<Bucket[]> {
    const buckets = bucketsOf(range.start, range.end, granularity);
    const [counts, users, genAi] = await Promise.all([
      getBucketMessageCounts(this.db, buckets),
      this.bucketUsers(range.tz, granularity, buckets, zoneReady),
      getBucketGenAiCounts(this.db, buckets),
    ]);
    const now = asOf.toMillis();
    const local = (d: Date) => formatLocal(DateTime.fromJSDate(d, { zone: range.tz }));
    return buckets.map((b, i) => ({
      start: b.label,
      from: local(b.start),
      to: local(b.end),
      messages: counts[i]!.messages,
      users: users[i]!,
      input_tokens: genAi[i]!.input_tokens,
      output_tokens: genAi[i]!.output_tokens,
      cost_usd: genAi[i]!.cost_usd,
      cost_by_model: genAi[i]!.cost_by_model,
      ...(b.end.getTime() > now ? { partial: true as const } : {}),
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
        const plan = activityPlan(
          tz,
          DateTime.fromJSDate(b.start, { zone: tz }),
          DateTime.fromJSDate(b.end, { zone: tz }),
          true,
        );
        return getActiveUserCount(this.db, plan);
      }),
    );
  }

  private async countSet(
    range: AnalyticsRange,
    zoneReady: boolean,
    movingEnd = false,
  ): Promise<{ counts: CountSet; unpricedModels: string[] }> {
    const interval = { start: range.start.toJSDate(), end: range.end.toJSDate() };
    const plan = activityPlan(range.tz, range.start, range.end, zoneReady);
    const [[counts], users, [genAi]] = await Promise.all([
      getBucketMessageCounts(this.db, [interval]),
      movingEnd ? this.pastRangeUsers.count(plan) : getActiveUserCount(this.db, plan),
      getBucketGenAiCounts(this.db, [interval]),
    ]);
    return {
      counts: {
        messages: counts!.messages,
        users,
        avg_response_time_ms:
          counts!.response_count > 0 ? round(counts!.response_ms_sum / counts!.response_count) : 0,
        input_tokens: genAi!.input_tokens,
        output_tokens: genAi!.output_tokens,
        cost_usd: genAi!.cost_usd,
      },
      unpricedModels: genAi!.unpriced_models,
    };
  }
}

/**
 * The instant in the previous period as far into it as `asOf` is into the current one: the same
 * wall-clock time as many days earlier for calendar dates (a DST change between them does not shift
 * it), the same duration earlier for instants; the whole previous period once this one is over.
 */
function sameElapsed(range: AnalyticsRange, prev: AnalyticsRange, asOf: DateTime): DateTime {
  if (asOf >= range.end) return prev.end;
  if (asOf <= range.start) return prev.start;
  const now = asOf.setZone(range.tz);
  if (range.kind === 'dates')
    return now.minus({ days: Math.round(range.start.diff(prev.start, 'days').days) });
  return now.minus({ milliseconds: range.start.toMillis() - prev.start.toMillis() });
}

/** How many leading buckets are over (a series is complete up to its first partial bucket). */
function completeCount(buckets: readonly Bucket[]): number {
  const i = buckets.findIndex((b) => b.partial);
  return i === -1 ? buckets.length : i;
}

function sparklineGranularity(r: AnalyticsRange): Granularity {
  const days = r.end.diff(r.start, 'days').days;
  if (days <= 2) return 'hour';
  if (days <= 92) return 'day';
  if (days <= 730) return 'week';
  return 'month';
}
