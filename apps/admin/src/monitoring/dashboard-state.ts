import { type Db, getMessageTotal, getUserTotals, pingDatabase, type UserTotals } from '@botpulse/db';
import {
  type AccuracyReport,
  type AdminSelfHealth,
  type DashboardHealth,
  type DashboardMetricsUpdate,
  type DashboardTotals,
  type DependencyCheck,
  type HealthStatus,
  type InstanceState,
  type MonitoringDashboard,
  type ServiceHealth,
  worstStatus,
} from '@botpulse/protocol';
import type { EventLoopMonitor, Logger } from '@botpulse/runtime';
import type { RollupWorker } from '../rollups/rollup-worker';
import type { FeedTail } from './feed-tail';
import type { InstanceRegistry } from './instance-registry';

export interface DashboardStateDeps {
  db: Db;
  log: Logger;
  registry: InstanceRegistry;
  feed: FeedTail;
  rollups: RollupWorker;
  eventLoop: EventLoopMonitor;
  dashboardClients: () => number;
  accuracy: () => AccuracyReport | null;
  demo: boolean;
  startedAtMs: number;
}

/**
 * What the Monitoring page shows. Message counts of the last hour/day come from the bots' own
 * collectors (summed over live instances: each message is counted by exactly one bot); the all-time
 * total and the user figures come from the database, where users who talked to several bots count once.
 */
export class DashboardState {
  private users: UserTotals = { total: 0, active_today: 0, active_this_week: 0 };
  private usersAt = 0;
  private messageTotal = 0;
  private database: ServiceHealth = { status: 'ok', checked_at: null };

  constructor(private readonly deps: DashboardStateDeps) {}

  /** Re-reads the database figures (the totals at most every second, the user figures every 5 s). */
  async refresh(now = Date.now()): Promise<void> {
    try {
      const latency = await pingDatabase(this.deps.db);
      this.database = {
        status: latency > 500 ? 'degraded' : 'ok',
        checked_at: new Date(now).toISOString(),
        latency_ms: latency,
      };
      this.messageTotal = await getMessageTotal(this.deps.db);
      if (now - this.usersAt >= 5_000) {
        this.users = await getUserTotals(this.deps.db, new Date(now));
        this.usersAt = now;
      }
    } catch (err) {
      this.database = {
        status: 'down',
        checked_at: new Date(now).toISOString(),
        error: (err as Error).message,
      };
    }
  }

  totals(instances: InstanceState[]): DashboardTotals {
    const live = instances.filter((i) => i.status !== 'gone' && i.metrics);
    let lastHour = 0;
    let last24h = 0;
    let failedLastHour = 0;
    let weighted = 0;
    let weight = 0;
    let p95 = 0;
    let last30 = 0;
    for (const i of live) {
      const m = i.metrics!;
      lastHour += m.messages.last_hour;
      last24h += m.messages.last_24h;
      failedLastHour += m.messages.failed_last_hour;
      const w = Math.max(1, m.messages.last_hour);
      weighted += m.messages.avg_response_time * w;
      weight += m.messages.avg_response_time > 0 ? w : 0;
      p95 = Math.max(p95, m.messages.p95_response_time);
      last30 += m.users.active_last_30_min;
    }
    return {
      messages: {
        total: this.messageTotal,
        last_hour: lastHour,
        last_24h: last24h,
        avg_response_time: weight > 0 ? weighted / weight : 0,
        p95_response_time: p95,
        failed_last_hour: failedLastHour,
      },
      users: { ...this.users, active_last_30_min: last30 },
      stages: live.length === 1 ? live[0]!.metrics!.stages : (live[0]?.metrics?.stages ?? null),
    };
  }

  health(instances: InstanceState[], now = Date.now()): DashboardHealth {
    const live = instances.filter((i) => i.status !== 'gone');
    const reports = live.map((i) => i.health).filter((h) => h !== null);
    const prefix = (id: string, text: string) => (live.length > 1 ? `${id}: ${text}` : text);

    const botReasons = reports.flatMap((h) => h.checks.pipeline.reasons.map((r) => prefix(h.instance_id, r)));
    const gone = instances
      .filter((i) => i.status === 'gone')
      .map((i) => `${i.instance_id} is gone (last seen ${i.last_seen})`);
    const bot: ServiceHealth =
      live.length === 0
        ? {
            status: 'down',
            checked_at: new Date(now).toISOString(),
            reasons: ['no bot instance is connected', ...gone],
          }
        : {
            status: worstStatus(live.map((i) => (i.status === 'gone' ? 'down' : i.status))),
            checked_at: reports.map((r) => r.uptime).length ? new Date(now).toISOString() : null,
            reasons: [...botReasons, ...gone],
          };

    const dbStatuses: HealthStatus[] = [
      this.database.status,
      ...reports.map((h) => h.checks.database.status),
    ];
    const dbErrors = [this.database.error, ...reports.map((h) => h.checks.database.error)].filter(
      Boolean,
    ) as string[];
    const database: ServiceHealth = {
      ...this.database,
      status: worstStatus(dbStatuses),
      ...(dbErrors.length ? { error: dbErrors[0] } : {}),
    };

    const dependency = (
      pick: (h: NonNullable<InstanceState['health']>) => DependencyCheck,
    ): ServiceHealth => {
      const checks = reports.map(pick);
      const configured = checks.filter((c) => c.status !== 'not_configured');
      if (checks.length === 0)
        return { status: 'not_configured', checked_at: null, reasons: ['no bot reports yet'] };
      if (configured.length === 0) return { status: 'not_configured', checked_at: null };
      const latest =
        configured
          .map((c) => c.checked_at)
          .filter(Boolean)
          .sort()
          .at(-1) ?? null;
      const error = configured.find((c) => c.error)?.error;
      const latency = configured.find((c) => c.latency_ms !== undefined)?.latency_ms;
      return {
        status: worstStatus(configured.map((c) => c.status)),
        checked_at: latest,
        ...(latency !== undefined ? { latency_ms: latency } : {}),
        ...(error ? { error } : {}),
        reasons: configured
          .filter((c) => (c.recent_failures ?? 0) > 0)
          .map((c) => `${c.recent_failures} failed calls in the last 5 minutes`),
      };
    };
    const services = {
      bot,
      database,
      facebook: dependency((h) => h.checks.facebook),
      gemini: dependency((h) => h.checks.gemini),
    };
    const overall = worstStatus([
      services.bot.status,
      services.database.status,
      services.facebook.status,
      services.gemini.status,
    ]);
    return { overall, services };
  }

  adminSelf(): AdminSelfHealth {
    return {
      uptime: (Date.now() - this.deps.startedAtMs) / 1000,
      event_loop_lag_p99_ms: this.deps.eventLoop.p99Ms,
      dashboard_clients: this.deps.dashboardClients(),
      bot_links: this.deps.registry.localSockets,
      rollup_lag_rows: this.deps.rollups.lag.rows,
      rollup_lag_s: this.deps.rollups.lag.seconds,
      feed_lag_ms: this.deps.feed.lagMs,
      accuracy: this.deps.accuracy(),
    };
  }

  metricsUpdate(): DashboardMetricsUpdate {
    const instances = this.deps.registry.list();
    return { totals: this.totals(instances), instances, admin: this.adminSelf() };
  }

  dashboard(): MonitoringDashboard {
    const instances = this.deps.registry.list();
    return {
      health: this.health(instances),
      totals: this.totals(instances),
      instances,
      recent_messages: this.deps.feed.recent,
      admin: this.adminSelf(),
      demo: this.deps.demo,
      generated_at: new Date().toISOString(),
    };
  }
}
