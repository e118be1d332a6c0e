import type { GenAiToday } from './gen-ai';
import type { HealthReport, HealthStatus, OverallStatus } from './health';
import type { FeedMessage } from './messages';
import type { BotMetrics } from './metrics';

export interface ServiceHealth {
  status: HealthStatus;
  checked_at: string | null;
  latency_ms?: number;
  error?: string;
  /** Why it is not ok, in words (e.g. "inbox has events older than 30 s"). */
  reasons?: string[];
}

export type InstanceStatus = OverallStatus | 'gone';

export interface InstanceState {
  instance_id: string;
  /** `gone`: no word from it for a while; it is not counted as zero traffic. */
  status: InstanceStatus;
  connected: boolean;
  last_seen: string;
  metrics: BotMetrics | null;
  health: HealthReport | null;
}

export interface DashboardTotals {
  messages: {
    total: number;
    last_hour: number;
    last_24h: number;
    avg_response_time: number;
    p95_response_time: number;
    failed_last_hour: number;
  };
  users: {
    total: number;
    active_today: number;
    active_this_week: number;
    active_last_30_min: number;
  };
  stages: BotMetrics['stages'] | null;
}

export interface DashboardHealth {
  overall: OverallStatus;
  services: {
    bot: ServiceHealth;
    database: ServiceHealth;
    facebook: ServiceHealth;
    gemini: ServiceHealth;
  };
}

/** Accuracy check result (meta-monitoring): do rollups, collector and raw rows agree? */
export interface AccuracyReport {
  checked_at: string;
  ok: boolean;
  duration_ms: number;
  /** what was compared: hours and days checked, instances whose collectors were compared */
  checked: { hours: number; days: number; instances: string[] };
  drifts: Array<{
    source: 'rollup' | 'collector' | 'analytics';
    /** ISO start of the UTC hour (or day, for daily users) */
    hour: string;
    /** the Gemini figures (tokens, cost in USD) are compared per hour between raw rows and rollups */
    metric: 'messages' | 'users' | 'input_tokens' | 'output_tokens' | 'reasoning_tokens' | 'cost_usd';
    /** from the raw conversation rows */
    expected: number;
    actual: number;
    instance_id?: string;
  }>;
}

export interface AdminSelfHealth {
  uptime: number;
  event_loop_lag_p99_ms: number;
  dashboard_clients: number;
  bot_links: number;
  rollup_lag_rows: number;
  rollup_lag_s: number;
  feed_lag_ms: number;
  accuracy: AccuracyReport | null;
}

/** `GET /api/monitoring/dashboard` */
export interface MonitoringDashboard {
  health: DashboardHealth;
  totals: DashboardTotals;
  instances: InstanceState[];
  recent_messages: FeedMessage[];
  admin: AdminSelfHealth;
  /** the Gemini card: usage and cost today */
  gen_ai: GenAiToday;
  demo: boolean;
  generated_at: string;
}

/** `metrics:update` data on the dashboard socket */
export interface DashboardMetricsUpdate {
  totals: DashboardTotals;
  instances: InstanceState[];
  admin: AdminSelfHealth;
  gen_ai: GenAiToday;
}
