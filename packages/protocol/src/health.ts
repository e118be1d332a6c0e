/** Status of one dependency. `not_configured`: no credential was given, so it is not used. */
export type HealthStatus = 'ok' | 'degraded' | 'down' | 'not_configured';
export type OverallStatus = 'ok' | 'degraded' | 'down';

export interface DependencyCheck {
  status: HealthStatus;
  /** ISO time of the last background check; null before the first one. */
  checked_at: string | null;
  latency_ms?: number;
  error?: string;
  /** Failures seen in live traffic in the last 5 minutes (they degrade a dependency early). */
  recent_failures?: number;
}

export interface DatabaseCheck {
  status: HealthStatus;
  latency_ms: number | null;
  error?: string;
}

export interface MemoryCheck {
  status: HealthStatus;
  rss_mb: number;
  heap_used_mb: number;
}

/** The bot's own pipeline: inbox backlog, the admin link and the event loop (meta-monitoring). */
export interface PipelineCheck {
  status: HealthStatus;
  inbox_depth: number;
  oldest_pending_s: number;
  event_loop_lag_p99_ms: number;
  admin_link: {
    connected: boolean;
    reconnects: number;
    buffered: number;
    dropped: number;
  };
  sse_clients: number;
  /** Why the status is not ok, in words. */
  reasons: string[];
}

/** `GET /debug/health-quick` */
export interface HealthReport {
  status: OverallStatus;
  uptime: number;
  instance_id: string;
  checks: {
    database: DatabaseCheck;
    facebook: DependencyCheck;
    gemini: DependencyCheck;
    memory: MemoryCheck;
    pipeline: PipelineCheck;
  };
}

export function worstStatus(statuses: HealthStatus[]): OverallStatus {
  if (statuses.includes('down')) return 'down';
  if (statuses.includes('degraded')) return 'degraded';
  return 'ok';
}
