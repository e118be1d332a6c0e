import type { GenAiTotals, GenAiUsage } from '@botpulse/protocol';
import { emptyGenAiTotals, GenAiTally } from './gen-ai-tally';
import {
  MAX_DAYS,
  MAX_HOURS,
  MessageWindows,
  MINUTE_MS,
  MINUTES_PER_DAY,
  MINUTES_PER_HOUR,
} from './message-windows';
import { ReplyTimes } from './reply-times';
import { percentile } from './stats';
import type {
  CollectorSeed,
  CurrentStats,
  DailyMetric,
  HourlyMetric,
  MetricsCollectorOptions,
  RecordExtra,
} from './types';
import { UserActivity } from './user-activity';

export { DAY_MS, HOUR_MS, MINUTE_MS } from './message-windows';

// Declared here rather than imported (see message-windows.ts): read on every message.
const WINDOW_MS = 7 * 86_400_000;
const USER_RETENTION_MINUTES = 8 * 1_440;
const RESPONSE_SAMPLES = 1_000;

/**
 * In-memory cache of the bot's message metrics (PostgreSQL stays the source of truth: `restore`
 * rebuilds it at start-up). `recordMessage` allocates nothing and memory is bounded: counts live
 * in fixed time rings (`MessageWindows`), users in a typed-array hash table holding only a
 * last-seen minute (`UserActivity`), the latest replies' times in `ReplyTimes`.
 *
 * Distinct users are counted without sets: a message moves its user's last-seen minute forward,
 * and each hour/day the user had not been seen in yet gains one. A message older than its user's
 * last-seen time still counts as a message but cannot add the user to a past bucket (live traffic
 * arrives in order, so this only touches late redeliveries).
 */
export class MetricsCollector {
  private readonly now: () => number;
  private readonly users: UserActivity;
  private readonly windows = new MessageWindows();
  /** Response times of the latest replies and where each one's time went. */
  private readonly replies = new ReplyTimes(RESPONSE_SAMPLES);
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

    // A failed reply still kept the user waiting: its time counts, as in the database rollups.
    const hasResponse = isDuration(responseTimeMs);
    // The same replies for both: the stage averages add up to the average response time.
    if (hasResponse) this.replies.record(responseTimeMs, extra?.stages);

    const windows = this.windows;
    windows.locate(eventMs);
    windows.addMessage(failed, hasResponse, responseTimeMs);
    const minute = windows.minute;
    const previousMinute = this.users.see(userId, minute);
    if (extra?.newUser ?? previousMinute < 0) this.totalUsers++;
    if (minute > previousMinute) windows.addUserSeenBefore(previousMinute);
    // Late across an hour or day (00:00:00.100 arrived before 23:59:59.900): only the last-seen
    // minute is kept, so whether the user is already in that earlier bucket is unknown. The
    // message itself is counted in its own bucket; the caller recounts the users from the rows.
    else if (previousMinute >= windows.nextHourFirstMinute) this.usersStale = true;
  }

  /** Oldest → newest, one entry per UTC hour (zeros too), the current hour last; at most 168. */
  getHourlyMetrics(hours = 24): HourlyMetric[] {
    this.advanceTo(this.readClock());
    return this.windows.hourly(clampCount(hours, 24, MAX_HOURS));
  }

  /** Oldest → newest, one entry per UTC day (zeros too), today last; at most 7. */
  getDailyMetrics(days = 7): DailyMetric[] {
    this.advanceTo(this.readClock());
    return this.windows.daily(clampCount(days, 7, MAX_DAYS));
  }

  /** Sliding windows at minute resolution, each ending with the current minute. */
  getCurrentStats(): CurrentStats {
    this.advanceTo(this.readClock());
    const sortedMs = this.replies.sortedResponseMs();
    const { minutes, days } = this.windows;
    return {
      total_messages: this.totalMessages,
      last_hour: minutes.sumLatest('messages', MINUTES_PER_HOUR),
      last_24h: minutes.sumLatest('messages', MINUTES_PER_DAY),
      avg_response_time: this.replies.meanResponseMs(),
      p50_response_time: percentile(sortedMs, 50),
      p95_response_time: percentile(sortedMs, 95),
      p99_response_time: percentile(sortedMs, 99),
      failed_total: this.failedTotal,
      failed_last_hour: minutes.sumLatest('failed', MINUTES_PER_HOUR),
      total_users: this.totalUsers,
      active_today: days.sumLatest('users', 1),
      active_this_week: this.users.activeInLastDays(MAX_DAYS),
      active_last_30_min: this.users.activeInLastMinutes(30),
      stages: this.replies.stageSummary(),
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
    this.windows.seed(seed.minutes ?? [], seed.hours);

    const oldestMinute = Math.floor(nowMs / MINUTE_MS) - USER_RETENTION_MINUTES;
    for (const user of seed.users) {
      const minute = Math.floor(Math.min(user.lastSeenMs, nowMs) / MINUTE_MS);
      if (minute >= oldestMinute && minute >= 0) this.users.see(user.userId, minute);
    }
    if (seed.days === undefined) {
      // Lower bound: a user active on several days is only known by the last one.
      const { newestIndex, length } = this.windows.days;
      for (let day = newestIndex - length + 1; day <= newestIndex; day++) {
        this.windows.setDayUsers(day, this.users.lastSeenOnDay(day));
      }
    } else {
      for (const day of seed.days)
        this.windows.setDayUsers(Math.floor(day.dayStartMs / 86_400_000), day.users);
    }

    const recent = seed.recentResponseTimes;
    for (let i = Math.max(0, recent.length - RESPONSE_SAMPLES); i < recent.length; i++) {
      if (isDuration(recent[i]!)) this.replies.record(recent[i]!, seed.recentStages?.[i]);
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
    return this.users.memoryBytes() + this.windows.memoryBytes() + this.replies.memoryBytes();
  }

  private readClock(): number {
    // Kept monotonic so that an event once accepted as "not in the future" stays so.
    const nowMs = this.now();
    if (nowMs > this.clockMs) this.clockMs = nowMs;
    return this.clockMs;
  }

  private advanceTo(nowMs: number): void {
    const minute = Math.floor(nowMs / MINUTE_MS);
    this.windows.advanceTo(minute);
    this.users.advanceTo(minute);
  }

  private clear(): void {
    this.users.clear();
    this.windows.clear();
    this.replies.clear();
    this.totalMessages = 0;
    this.failedTotal = 0;
    this.totalUsers = 0;
    this.usersStale = false;
  }
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
