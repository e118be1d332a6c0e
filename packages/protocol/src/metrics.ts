import type { GenAiTotals } from './gen-ai';

export interface StageTiming {
  avg_ms: number;
  p95_ms: number;
}

/**
 * Where a response time goes, from the webhook's arrival to the reply sent; the stages follow one
 * another, so their averages add up to the average response time (`other` is whatever is left,
 * e.g. a message picked up again after a restart, shown and never hidden).
 * - `queue`: waiting behind the same user's earlier message or the concurrency limit
 * - `profile`: the User Profile API (the user's name)
 * - `generate`: Gemini or the rule responder
 * - `send`: the Send API
 * - `store`: database work before the reply: the inbox write (before Meta's 200) and the
 *   conversation lookup (answered already? known user?). The conversation row itself is written
 *   after the reply is sent, outside the response time (`botpulse_conversation_write_seconds`).
 */
export const REPLY_STAGES = ['queue', 'profile', 'generate', 'send', 'store', 'other'] as const;
export type ReplyStage = (typeof REPLY_STAGES)[number];
export type StageBreakdown = Record<ReplyStage, StageTiming>;

export interface HourlyPoint {
  /** ISO start of the UTC hour */
  hour: string;
  messages: number;
  users: number;
  avg_response_time: number;
  failed: number;
}

/**
 * `GET /debug/metrics`: the plan's JSON shape (never rename or remove those fields) plus extras.
 * Times are milliseconds, fractional; `timestamp` is ISO 8601.
 */
export interface BotMetrics {
  timestamp: string;
  uptime: number;
  instance_id: string;
  messages: {
    total: number;
    last_hour: number;
    last_24h: number;
    avg_response_time: number;
    p50_response_time: number;
    p95_response_time: number;
    p99_response_time: number;
    failed_total: number;
    failed_last_hour: number;
  };
  users: {
    total: number;
    active_today: number;
    active_this_week: number;
    active_last_30_min: number;
  };
  /** Where the response time goes, stage by stage (see `REPLY_STAGES`), over the same replies. */
  stages: StageBreakdown;
  system: {
    memory_mb: number;
    cpu_percent: number;
    database_connections: number;
    heap_used_mb: number;
    event_loop_lag_p99_ms: number;
    /** Time spent in monitoring code per message, measured live (microseconds). */
    monitoring_overhead_us_per_message: number;
    collector_memory_kb: number;
  };
  hourly: HourlyPoint[];
  /** Gemini usage and cost since start (rebuilt from stored rows after a restart) */
  gen_ai: GenAiTotals;
}
