import type { GenAiTotals, GenAiUsage } from '@botpulse/protocol';
import { emptyGenAiTotals, GenAiTally } from './gen-ai-tally';
import { NumberRing } from './number-ring';
import { StageTimings } from './stage-timings';
import { percentile } from './stats';
import { TimeRing } from './time-ring';
import type {
  CollectorSeed,
  CurrentStats,
  DailyMetric,
  HourlyMetric,
  MetricsCollectorOptions,
  RecordExtra,
} from './types';
import { UserActivity } from './user-activity';

// Declared here rather than imported: under a CommonJS transpile (tsx on a CJS file) every read of
// an imported constant becomes a getter call, which costs the hot path ~40 ns.
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
const MINUTES_PER_HOUR = 60;
const MINUTES_PER_DAY = 1_440;

const MINUTE_SLOTS = MINUTES_PER_DAY;
const MAX_HOURS = 7 * 24;
const MAX_DAYS = 7;
/** One more than reported, matching the 8-day user retention. */
const DAY_SLOTS = 8;
const WINDOW_MS = MAX_DAYS * DAY_MS;
const USER_RETENTION_MINUTES = 8 * MINUTES_PER_DAY;
const RESPONSE_SAMPLES = 1_000;

const MINUTE_COLUMNS = ['messages', 'failed'] as const;
/** `users`: distinct users active in the bucket. */
const BUCKET_COLUMNS = ['messages', 'users', 'failed', 'responseMsSum', 'responseCount'] as const;
type BucketColumns = Readonly<Record<(typeof BUCKET_COLUMNS)[number], Float64Array>>;

/**
 * In-memory cache of the bot's message metrics (PostgreSQL stays the source of truth: `restore`
 * rebuilds it at start-up). `recordMessage` allocates nothing and memory is bounded: counts live
 * in fixed time rings, users in a typed-array hash table holding only a last-seen minute.
 *
 * Distinct users are counted without sets: a message moves its user's last-seen minute forward
 * (`UserActivity`), and each hour/day the user had not been seen in yet gains one. A message older
 * than its user's last-seen time still counts as a message but cannot add the user to a past
 * bucket (live traffic arrives in order, so this only touches late redeliveries).
 */
export class MetricsCollector {
  private readonly now: () => number;
  private readonly users: UserActivity;
  private readonly minutes = new TimeRing(MINUTE_SLOTS, MINUTE_COLUMNS);
  private readonly hours = new TimeRing(MAX_HOURS, BUCKET_COLUMNS);
  private readonly days = new TimeRing(DAY_SLOTS, BUCKET_COLUMNS);
  private readonly responseTimesMs = new NumberRing(RESPONSE_SAMPLES);
  private readonly stages = new StageTimings(RESPONSE_SAMPLES);
  private readonly genAi = new GenAiTally();
  private totalMessages = 0;
  private failedTotal = 0;
  private totalUsers = 0;
  /** Latest clock reading (epoch ms). */
  private clockMs = 0;
  /** a late event may belong to an hour/day whose distinct users cannot be told from memory */
  private usersStale = false;

  constructor(options: MetricsCollectorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.users = new UserActivity(options.initialUserCapacity);
  }

  recordMessage(userId: string, timestampMs: number, responseTimeMs: number, extra?: RecordExtra): void {
    // Reading the clock costs ~45 ns, half the budget of a call, so it is read only when the event
    // is newer than the last reading: only then may it be in the future (clock skew, or no timestamp
    // at all), and it is then counted as happening now.
    let nowMs = this.clockMs;
    if (!(timestampMs <= nowMs)) nowMs = this.readClock();
    // biome-ignore lint/complexity/useMathMinMax: Math.min would keep a NaN timestamp; this makes it now.
    const eventMs = timestampMs <= nowMs ? timestampMs : nowMs;
    const failed = extra?.failed === true;
    this.totalMessages++;
    if (failed) this.failedTotal++;
    if (eventMs < nowMs - WINDOW_MS || eventMs < 0) {
      // Outside every window: only the totals can take it.
      if (extra?.newUser === true) this.totalUsers++;
      return;
    }

    const minute = Math.floor(eventMs / MINUTE_MS);
    const hour = Math.floor(minute / MINUTES_PER_HOUR);
    const day = Math.floor(minute / MINUTES_PER_DAY);
    // A failed reply still kept the user waiting: its time counts, as in the database rollups.
    const hasResponse = isDuration(responseTimeMs);
    if (hasResponse) {
      // The same replies in both rings: the stage averages add up to the average response time.
      this.responseTimesMs.push(responseTimeMs);
      this.stages.record(responseTimeMs, extra?.stages);
    }

    const minuteSlot = this.minutes.claim(minute);
    if (minuteSlot >= 0) {
      this.minutes.columns.messages[minuteSlot]!++;
      if (failed) this.minutes.columns.failed[minuteSlot]!++;
    }
    const hourSlot = this.hours.claim(hour);
    if (hourSlot >= 0) this.addMessage(this.hours.columns, hourSlot, failed, hasResponse, responseTimeMs);
    const daySlot = this.days.claim(day);
    if (daySlot >= 0) this.addMessage(this.days.columns, daySlot, failed, hasResponse, responseTimeMs);

    const previousMinute = this.users.see(userId, minute);
    if (extra?.newUser ?? previousMinute < 0) this.totalUsers++;
    // Late across an hour or day (00:00:00.100 arrived before 23:59:59.900): only the last-seen
    // minute is kept, so whether the user is already in that earlier bucket is unknown. The
    // message itself is counted in its own bucket; the caller recounts the users from the rows.
    if (minute < previousMinute && hour < Math.floor(previousMinute / MINUTES_PER_HOUR))
      this.usersStale = true;
    if (minute > previousMinute) {
      if (hourSlot >= 0 && hour > Math.floor(previousMinute / MINUTES_PER_HOUR)) {
        this.hours.columns.users[hourSlot]!++;
      }
      if (daySlot >= 0 && day > Math.floor(previousMinute / MINUTES_PER_DAY)) {
        this.days.columns.users[daySlot]!++;
      }
    }
  }

  /** Oldest → newest, one entry per UTC hour (zeros too), the current hour last; at most 168. */
  getHourlyMetrics(hours = 24): HourlyMetric[] {
    this.advanceTo(this.readClock());
    const count = clampCount(hours, 24, MAX_HOURS);
    const newest = this.hours.newestIndex;
    const points: HourlyMetric[] = [];
    for (let index = newest - count + 1; index <= newest; index++) {
      points.push({
        hour: new Date(index * HOUR_MS).toISOString(),
        ...this.bucketSummary(this.hours, index),
      });
    }
    return points;
  }

  /** Oldest → newest, one entry per UTC day (zeros too), today last; at most 7. */
  getDailyMetrics(days = 7): DailyMetric[] {
    this.advanceTo(this.readClock());
    const count = clampCount(days, 7, MAX_DAYS);
    const newest = this.days.newestIndex;
    const points: DailyMetric[] = [];
    for (let index = newest - count + 1; index <= newest; index++) {
      points.push({
        date: new Date(index * DAY_MS).toISOString().slice(0, 10),
        ...this.bucketSummary(this.days, index),
      });
    }
    return points;
  }

  /** Sliding windows at minute resolution, each ending with the current minute. */
  getCurrentStats(): CurrentStats {
    this.advanceTo(this.readClock());
    const sortedMs = this.responseTimesMs.sortedCopy();
    return {
      total_messages: this.totalMessages,
      last_hour: this.minutes.sumLatest('messages', MINUTES_PER_HOUR),
      last_24h: this.minutes.sumLatest('messages', MINUTES_PER_DAY),
      avg_response_time: this.responseTimesMs.mean(),
      p50_response_time: percentile(sortedMs, 50),
      p95_response_time: percentile(sortedMs, 95),
      p99_response_time: percentile(sortedMs, 99),
      failed_total: this.failedTotal,
      failed_last_hour: this.minutes.sumLatest('failed', MINUTES_PER_HOUR),
      total_users: this.totalUsers,
      active_today: this.days.sumLatest('users', 1),
      active_this_week: this.users.activeInLastDays(MAX_DAYS),
      active_last_30_min: this.users.activeInLastMinutes(30),
      stages: this.stages.summary(),
    };
  }

  /**
   * Rolls every window forward to now (zeroing what left the 7 days) and forgets users not seen
   * for 8 days. Returns how many users were forgotten.
   */
  cleanup(): number {
    const nowMs = this.readClock();
    this.advanceTo(nowMs);
    return this.users.evictOlderThan(Math.floor(nowMs / MINUTE_MS) - USER_RETENTION_MINUTES);
  }

  /** One reply generated by Gemini (a rule reply, model null, is not counted). */
  recordGenAi(usage: GenAiUsage): void {
    this.genAi.record(usage);
  }

  /** `gen_ai` of `/debug/metrics`: Gemini usage and cost since start. */
  getGenAiTotals(): GenAiTotals {
    return this.genAi.snapshot();
  }

  /** Replaces everything with database aggregates; see `CollectorSeed`. */
  restore(seed: CollectorSeed): void {
    this.clear();
    this.genAi.restore(seed.genAi ?? emptyGenAiTotals());
    const nowMs = this.readClock();
    this.advanceTo(nowMs);
    this.totalMessages = seed.totalMessages;
    this.totalUsers = seed.totalUsers;
    this.failedTotal = seed.failedTotal;

    for (const bucket of seed.minutes ?? []) {
      const slot = this.minutes.slotOf(Math.floor(bucket.minuteStartMs / MINUTE_MS));
      if (slot < 0) continue;
      this.minutes.columns.messages[slot]! += bucket.messages;
      this.minutes.columns.failed[slot]! += bucket.failed;
    }
    for (const bucket of seed.hours) {
      const hourSlot = this.hours.slotOf(Math.floor(bucket.hourStartMs / HOUR_MS));
      if (hourSlot >= 0) {
        addAggregate(this.hours.columns, hourSlot, bucket);
        this.hours.columns.users[hourSlot] = bucket.users;
      }
      // Days are sums of hours, except distinct users, which only the database can count.
      const daySlot = this.days.slotOf(Math.floor(bucket.hourStartMs / DAY_MS));
      if (daySlot >= 0) addAggregate(this.days.columns, daySlot, bucket);
    }

    const oldestMinute = Math.floor(nowMs / MINUTE_MS) - USER_RETENTION_MINUTES;
    for (const user of seed.users) {
      const minute = Math.floor(Math.min(user.lastSeenMs, nowMs) / MINUTE_MS);
      if (minute >= oldestMinute && minute >= 0) this.users.see(user.userId, minute);
    }
    const dayUsers = this.days.columns.users;
    if (seed.days === undefined) {
      // Lower bound: a user active on several days is only known by the last one.
      const newest = this.days.newestIndex;
      for (let day = newest - DAY_SLOTS + 1; day <= newest; day++) {
        const slot = this.days.slotOf(day);
        if (slot >= 0) dayUsers[slot] = this.users.lastSeenOnDay(day);
      }
    } else {
      for (const day of seed.days) {
        const slot = this.days.slotOf(Math.floor(day.dayStartMs / DAY_MS));
        if (slot >= 0) dayUsers[slot] = day.users;
      }
    }

    const recent = seed.recentResponseTimes;
    for (let i = Math.max(0, recent.length - RESPONSE_SAMPLES); i < recent.length; i++) {
      if (!isDuration(recent[i]!)) continue;
      this.responseTimesMs.push(recent[i]!);
      this.stages.record(recent[i]!, seed.recentStages?.[i]);
    }
  }

  /** Whether a late event left distinct-user counts uncertain since the last call (then recount). */
  takeUsersStale(): boolean {
    const stale = this.usersStale;
    this.usersStale = false;
    return stale;
  }

  /** Periodic resync with the database's user count. */
  setTotalUsers(count: number): void {
    this.totalUsers = count;
  }

  /** Users currently tracked for distinct counts (seen in the last 8 days, until `cleanup`). */
  get trackedUsers(): number {
    return this.users.size;
  }

  /** Bytes held in typed arrays (the collector's memory apart from a few fixed objects). */
  memoryBytes(): number {
    return (
      this.users.memoryBytes() +
      this.minutes.memoryBytes() +
      this.hours.memoryBytes() +
      this.days.memoryBytes() +
      this.responseTimesMs.memoryBytes() +
      this.stages.memoryBytes()
    );
  }

  private addMessage(
    columns: BucketColumns,
    slot: number,
    failed: boolean,
    hasResponse: boolean,
    responseTimeMs: number,
  ): void {
    columns.messages[slot]!++;
    if (failed) columns.failed[slot]!++;
    if (hasResponse) {
      columns.responseMsSum[slot]! += responseTimeMs;
      columns.responseCount[slot]!++;
    }
  }

  private readClock(): number {
    // Kept monotonic so that an event once accepted as "not in the future" stays so.
    const nowMs = this.now();
    if (nowMs > this.clockMs) this.clockMs = nowMs;
    return this.clockMs;
  }

  private advanceTo(nowMs: number): void {
    const minute = Math.floor(nowMs / MINUTE_MS);
    this.minutes.advance(minute);
    this.hours.advance(Math.floor(minute / MINUTES_PER_HOUR));
    this.days.advance(Math.floor(minute / MINUTES_PER_DAY));
    this.users.advanceTo(minute);
  }

  private bucketSummary(ring: TimeRing<(typeof BUCKET_COLUMNS)[number]>, index: number) {
    const responseCount = ring.value('responseCount', index);
    return {
      messages: ring.value('messages', index),
      users: ring.value('users', index),
      avg_response_time: responseCount === 0 ? 0 : ring.value('responseMsSum', index) / responseCount,
      failed: ring.value('failed', index),
    };
  }

  private clear(): void {
    this.users.clear();
    this.minutes.clear();
    this.hours.clear();
    this.days.clear();
    this.responseTimesMs.clear();
    this.stages.clear();
    this.totalMessages = 0;
    this.failedTotal = 0;
    this.totalUsers = 0;
    this.usersStale = false;
  }
}

function addAggregate(columns: BucketColumns, slot: number, bucket: CollectorSeed['hours'][number]): void {
  columns.messages[slot]! += bucket.messages;
  columns.failed[slot]! += bucket.failed;
  columns.responseMsSum[slot]! += bucket.responseMsSum;
  columns.responseCount[slot]! += bucket.responseCount;
}

/** A response time worth averaging: finite and not negative (NaN is neither). */
function isDuration(ms: number): boolean {
  return ms >= 0 && ms < Number.POSITIVE_INFINITY;
}

/** A whole count in 0..max; a non-number falls back to the default. */
function clampCount(value: number, fallback: number, max: number): number {
  if (!Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(0, Math.floor(value)));
}
