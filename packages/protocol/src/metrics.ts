export interface StageTiming {
  avg_ms: number;
  p95_ms: number;
}

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
  /** Where reply time goes: store, generate (Gemini/rules), send (Send API). */
  stages: {
    store: StageTiming;
    generate: StageTiming;
    send: StageTiming;
  };
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
}
