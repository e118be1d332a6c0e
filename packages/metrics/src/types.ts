import type { GenAiTotals, HourlyPoint, ReplyStage } from '@botpulse/protocol';

/**
 * Where one reply's time went, in milliseconds (`other` is not given: it is the response time's
 * remainder once these are taken off).
 */
export interface StageTimesMs {
  queueMs: number;
  profileMs: number;
  generateMs: number;
  sendMs: number;
  storeMs: number;
}

export interface RecordExtra {
  /** The reply failed: counted as a message and a failure (its response time counts too). */
  failed?: boolean;
  /** From the database upsert: whether this user is new. Omitted → "not in the table" decides. */
  newUser?: boolean;
  stages?: StageTimesMs;
}

/** One UTC hour of `getHourlyMetrics`: the shape bots send (`BotMetrics.hourly`). */
export type HourlyMetric = HourlyPoint;

export interface DailyMetric {
  /** UTC day, YYYY-MM-DD */
  date: string;
  messages: number;
  /** Distinct users that day */
  users: number;
  avg_response_time: number;
  failed: number;
}

export interface StageStats {
  avg_ms: number;
  p95_ms: number;
}

export interface CurrentStats {
  total_messages: number;
  last_hour: number;
  last_24h: number;
  /** Over the last 1000 response times, in fractional milliseconds (as are the percentiles). */
  avg_response_time: number;
  p50_response_time: number;
  p95_response_time: number;
  p99_response_time: number;
  failed_total: number;
  failed_last_hour: number;
  total_users: number;
  active_today: number;
  active_this_week: number;
  active_last_30_min: number;
  /** Over the same replies as `avg_response_time`: the averages add up to it. */
  stages: Record<ReplyStage, StageStats>;
}

/**
 * Database aggregates that rebuild the collector at start-up. Buckets are UTC and keyed by the
 * event's own timestamp (Meta's), the same time `recordMessage` receives.
 */
export interface CollectorSeed {
  totalMessages: number;
  totalUsers: number;
  failedTotal: number;
  /** Per minute over the last 24 h; without it last_hour / last_24h start at 0. */
  minutes?: Array<{ minuteStartMs: number; messages: number; failed: number }>;
  /**
   * Per hour over the last 7 days. `users` is distinct users in the hour; `responseMsSum` and
   * `responseCount` cover every reply, failed ones too (as `recordMessage` counts them).
   */
  hours: Array<{
    hourStartMs: number;
    messages: number;
    users: number;
    responseMsSum: number;
    responseCount: number;
    failed: number;
  }>;
  /** Distinct users per UTC day; without it a past day counts only the users last seen that day. */
  days?: Array<{ dayStartMs: number; users: number }>;
  /** Users active in the last 7 days, with the timestamp of their latest message. */
  users: Array<{ userId: string; lastSeenMs: number }>;
  /** Response times of the latest replies, oldest first (the last 1000 are kept). */
  recentResponseTimes: number[];
  /** Their stage times, aligned with `recentResponseTimes` (null: not recorded for that reply). */
  recentStages?: Array<StageTimesMs | null>;
  /** Gemini usage and cost of this instance's rows (`gen_ai` in /debug/metrics); zero without it. */
  genAi?: GenAiTotals;
}

export interface MetricsCollectorOptions {
  /** Clock in epoch ms; injectable for tests. */
  now?: () => number;
  /** Starting size of the user table (grows by doubling). */
  initialUserCapacity?: number;
}
