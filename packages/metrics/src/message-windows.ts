import { TimeRing } from './time-ring';
import type { CollectorSeed, DailyMetric, HourlyMetric } from './types';

// Declared here rather than imported: under a CommonJS transpile (tsx on a CJS file) every read of
// an imported constant becomes a getter call, which costs the hot path ~40 ns.
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const MINUTES_PER_HOUR = 60;
export const MINUTES_PER_DAY = 1_440;

const MINUTE_SLOTS = MINUTES_PER_DAY;
export const MAX_HOURS = 7 * 24;
export const MAX_DAYS = 7;
/** One more than reported, matching the 8-day user retention. */
const DAY_SLOTS = 8;

const MINUTE_COLUMNS = ['messages', 'failed'] as const;
/** `users`: distinct users active in the bucket. */
const BUCKET_COLUMNS = ['messages', 'users', 'failed', 'responseMsSum', 'responseCount'] as const;
type BucketColumn = (typeof BUCKET_COLUMNS)[number];
type BucketColumns = Readonly<Record<BucketColumn, Float64Array>>;
type HourSeed = CollectorSeed['hours'][number];

/**
 * Message counts in UTC time buckets: per minute over the last 24 h, per hour over 7 days, per day
 * over 7 (+1) days, each a fixed `TimeRing`.
 *
 * `locate(eventMs)` claims an event's three buckets and leaves where they are in public fields, so
 * the caller can add to them without allocating. Consecutive messages nearly always fall in the
 * same minute: the located buckets are then reused as they are, which spares three divisions and
 * three ring claims per message. Any move of the rings other than through `locate` (`advanceTo`,
 * `clear`) forgets the located minute.
 */
export class MessageWindows {
  readonly minutes = new TimeRing(MINUTE_SLOTS, MINUTE_COLUMNS);
  readonly hours = new TimeRing(MAX_HOURS, BUCKET_COLUMNS);
  readonly days = new TimeRing(DAY_SLOTS, BUCKET_COLUMNS);

  /** Of the last `locate`: the minute (since the epoch) and its buckets' slots (-1: not held). */
  minute = -1;
  minuteSlot = -1;
  hourSlot = -1;
  daySlot = -1;
  /** First minute of the located hour, of the hour after it, and of the located day. */
  hourFirstMinute = 0;
  nextHourFirstMinute = 0;
  dayFirstMinute = 0;
  /**
   * Event times that certainly fall in the located minute: from its start + 1 ms to its end − 1 ms,
   * a margin that keeps `Math.floor(ms / MINUTE_MS)` exact for fractional milliseconds too.
   */
  private reuseFromMs = Number.POSITIVE_INFINITY;
  private reuseToMs = Number.NEGATIVE_INFINITY;

  /** Claims the buckets of an event at `eventMs` (≥ 0), advancing the rings when it is the newest. */
  locate(eventMs: number): void {
    if (eventMs >= this.reuseFromMs && eventMs < this.reuseToMs) return;
    const minute = Math.floor(eventMs / MINUTE_MS);
    const hour = Math.floor(minute / MINUTES_PER_HOUR);
    const day = Math.floor(minute / MINUTES_PER_DAY);
    this.minute = minute;
    this.minuteSlot = this.minutes.claim(minute);
    this.hourSlot = this.hours.claim(hour);
    this.daySlot = this.days.claim(day);
    this.hourFirstMinute = hour * MINUTES_PER_HOUR;
    this.nextHourFirstMinute = this.hourFirstMinute + MINUTES_PER_HOUR;
    this.dayFirstMinute = day * MINUTES_PER_DAY;
    this.reuseFromMs = minute * MINUTE_MS + 1;
    this.reuseToMs = minute * MINUTE_MS + MINUTE_MS - 1;
  }

  /** Counts one message in the located buckets. */
  addMessage(failed: boolean, hasResponse: boolean, responseTimeMs: number): void {
    const minuteSlot = this.minuteSlot;
    if (minuteSlot >= 0) {
      this.minutes.columns.messages[minuteSlot]!++;
      if (failed) this.minutes.columns.failed[minuteSlot]!++;
    }
    if (this.hourSlot >= 0)
      addMessage(this.hours.columns, this.hourSlot, failed, hasResponse, responseTimeMs);
    if (this.daySlot >= 0) addMessage(this.days.columns, this.daySlot, failed, hasResponse, responseTimeMs);
  }

  /**
   * The located message's user was last seen at `previousMinute` (-1: never), before the located
   * minute: they are new to the located hour/day when that was before its start.
   */
  addUserSeenBefore(previousMinute: number): void {
    if (this.hourSlot >= 0 && previousMinute < this.hourFirstMinute)
      this.hours.columns.users[this.hourSlot]!++;
    if (this.daySlot >= 0 && previousMinute < this.dayFirstMinute) this.days.columns.users[this.daySlot]!++;
  }

  /** Rolls every ring forward to `minute`, zeroing what left it. */
  advanceTo(minute: number): void {
    this.forgetLocated();
    this.minutes.advance(minute);
    this.hours.advance(Math.floor(minute / MINUTES_PER_HOUR));
    this.days.advance(Math.floor(minute / MINUTES_PER_DAY));
  }

  /** Oldest → newest, the newest `count` hours (zeros too). */
  hourly(count: number): HourlyMetric[] {
    const newest = this.hours.newestIndex;
    const points: HourlyMetric[] = [];
    for (let index = newest - count + 1; index <= newest; index++) {
      points.push({ hour: new Date(index * HOUR_MS).toISOString(), ...bucketSummary(this.hours, index) });
    }
    return points;
  }

  /** Oldest → newest, the newest `count` days (zeros too). */
  daily(count: number): DailyMetric[] {
    const newest = this.days.newestIndex;
    const points: DailyMetric[] = [];
    for (let index = newest - count + 1; index <= newest; index++) {
      points.push({
        date: new Date(index * DAY_MS).toISOString().slice(0, 10),
        ...bucketSummary(this.days, index),
      });
    }
    return points;
  }

  /** Adds database aggregates (per minute and per hour) to the held buckets; days get the hours' sums. */
  seed(minutes: NonNullable<CollectorSeed['minutes']>, hours: readonly HourSeed[]): void {
    for (const bucket of minutes) {
      const slot = this.minutes.slotOf(Math.floor(bucket.minuteStartMs / MINUTE_MS));
      if (slot < 0) continue;
      this.minutes.columns.messages[slot]! += bucket.messages;
      this.minutes.columns.failed[slot]! += bucket.failed;
    }
    for (const bucket of hours) {
      const hourSlot = this.hours.slotOf(Math.floor(bucket.hourStartMs / HOUR_MS));
      if (hourSlot >= 0) {
        addAggregate(this.hours.columns, hourSlot, bucket);
        this.hours.columns.users[hourSlot] = bucket.users;
      }
      // Days are sums of hours, except distinct users, which only the database can count.
      const daySlot = this.days.slotOf(Math.floor(bucket.hourStartMs / DAY_MS));
      if (daySlot >= 0) addAggregate(this.days.columns, daySlot, bucket);
    }
  }

  /** Sets the distinct users of day `day` (days since the epoch), when held. */
  setDayUsers(day: number, users: number): void {
    const slot = this.days.slotOf(day);
    if (slot >= 0) this.days.columns.users[slot] = users;
  }

  clear(): void {
    this.forgetLocated();
    this.minutes.clear();
    this.hours.clear();
    this.days.clear();
  }

  memoryBytes(): number {
    return this.minutes.memoryBytes() + this.hours.memoryBytes() + this.days.memoryBytes();
  }

  private forgetLocated(): void {
    this.reuseFromMs = Number.POSITIVE_INFINITY;
    this.reuseToMs = Number.NEGATIVE_INFINITY;
  }
}

function addMessage(
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

function addAggregate(columns: BucketColumns, slot: number, bucket: HourSeed): void {
  columns.messages[slot]! += bucket.messages;
  columns.failed[slot]! += bucket.failed;
  columns.responseMsSum[slot]! += bucket.responseMsSum;
  columns.responseCount[slot]! += bucket.responseCount;
}

function bucketSummary(ring: TimeRing<BucketColumn>, index: number) {
  const responseCount = ring.value('responseCount', index);
  return {
    messages: ring.value('messages', index),
    users: ring.value('users', index),
    avg_response_time: responseCount === 0 ? 0 : ring.value('responseMsSum', index) / responseCount,
    failed: ring.value('failed', index),
  };
}
