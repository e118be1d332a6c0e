import type { GenAiCounts } from './gen-ai';

export type Granularity = 'hour' | 'day' | 'week' | 'month';

export interface CountSet extends GenAiCounts {
  messages: number;
  users: number;
  avg_response_time_ms: number;
}

/** `GET /api/analytics/overview` */
export interface OverviewResponse {
  from: string;
  to: string;
  tz: string;
  current: CountSet;
  previous: CountSet;
  /** null where the previous value is 0 (no meaningful percentage) */
  change_pct: {
    messages: number | null;
    users: number | null;
    avg_response_time_ms: number | null;
    input_tokens: number | null;
    output_tokens: number | null;
    cost_usd: number | null;
  };
  /** models in the range answered without a price (their replies are not in `cost_usd`) */
  unpriced_models: string[];
  sparklines: { messages: number[]; users: number[] };
  /** when the answer was computed (ISO instant) */
  as_of: string;
  /**
   * End of the stretch of the previous period that `previous` counts (ISO instant): while the
   * current period is still running, the same elapsed part of the previous one, so a day that has
   * only begun is not compared with a whole one; the previous period's end otherwise.
   */
  previous_until: string;
  /** how many leading values of each sparkline are complete buckets; the rest are still filling */
  sparklines_complete: number;
}

export interface Bucket {
  /** local start in tz with its offset, e.g. 2026-03-08T00:00:00-08:00 */
  start: string;
  /**
   * The instants the bucket counts, [from, to), ISO with the offset in tz: the whole period, or its
   * part inside the range. A drill-down opens the explorer on exactly these (`from`, `to`).
   * Always sent by the server; optional for buckets a client fills in itself.
   */
  from?: string;
  to?: string;
  messages: number;
  users: number;
  /** Gemini tokens and cost; optional for buckets a client fills in itself */
  input_tokens?: number;
  output_tokens?: number;
  cost_usd?: number;
  /** cost per model in the bucket (for "cost per day by model") */
  cost_by_model?: Record<string, number>;
  /** true for a bucket that has not ended yet (the current one, "so far"); absent otherwise */
  partial?: true;
}

/** What each timeline bucket is tested against to call it an anomaly. */
export interface AnomalyBaseline {
  /** buckets before the range that join the baseline (4 weeks of days, a week of hours, …) */
  trailing_buckets: number;
  /** complete buckets in the baseline in all (the range's and the trailing ones, before any traffic left out) */
  buckets: number;
  /** standard deviations that make an anomaly */
  k: number;
}

/** `GET /api/analytics/timeline` */
export interface TimelineResponse {
  granularity: Granularity;
  tz: string;
  from: string;
  to: string;
  buckets: Bucket[];
  previous: Bucket[];
  /**
   * starts of complete buckets more than 2 standard deviations from a baseline that excludes them:
   * the other complete buckets of the range and the trailing window before it (see `baseline`)
   */
  anomalies: string[];
  /** the baseline's mean and standard deviation (at least √mean) per bucket */
  mean: number;
  std_dev: number;
  baseline: AnomalyBaseline;
  /** when the answer was computed (ISO instant); buckets ending after it are `partial` */
  as_of: string;
}

export interface TopUser {
  user_id: string;
  name: string | null;
  messages: number;
  /** Gemini cost of the user's replies in the range (priced replies only) */
  cost_usd: number;
  last_seen: string;
}

/** `GET /api/analytics/users` */
export interface UsersResponse {
  from: string;
  to: string;
  tz: string;
  dau: number;
  wau: number;
  mau: number;
  new_users: number;
  returning_users: number;
  active_per_day: Array<{ date: string; users: number }>;
  top: TopUser[];
  /** what `top` is ordered by (`sort=messages|cost`, default messages) */
  sort: 'messages' | 'cost';
  page: number;
  page_size: number;
  total: number;
  /** when the answer was computed (ISO instant): the day it falls in is still filling */
  as_of: string;
}

export interface HeatmapCell {
  /** 0 = Monday … 6 = Sunday */
  dow: number;
  hour: number;
  messages: number;
}

/** `GET /api/analytics/heatmap` */
export interface HeatmapResponse {
  tz: string;
  from: string;
  to: string;
  cells: HeatmapCell[];
}

/** Every 4xx from the API */
export interface ApiError {
  error: string;
  message: string;
  /** the query/body parameter at fault, when there is one */
  parameter?: string;
}
