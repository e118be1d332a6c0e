import {
  type Db,
  getBucketGenAiCounts,
  getBucketMessageCounts,
  getGenAiLatency,
  getMessageTotal,
  getUserTotals,
  pingDatabase,
  type UserTotals,
} from '@botpulse/db';
import {
  type AccuracyReport,
  type AdminSelfHealth,
  type DashboardHealth,
  type DashboardMetricsUpdate,
  type DashboardTotals,
  type DependencyCheck,
  type GenAiToday,
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

const SLOW_REFRESH_MS = 10_000;

interface MessageWindows {
  last_hour: number;
  last_24h: number;
  failed_last_hour: number;
  avg_response_time: number;
}

/** Analytics trailing the stored rows by more than this turn the Bot dot yellow. */
const ROLLUP_LAG_LIMIT_S = 60;
/**
 * What the Monitoring page shows. Counts come from the database (rollups plus not-yet-folded rows):
 * every message once, whichever bot answered it and whether that bot still runs, and the same
 * numbers the charts and Analytics show. The bots' collectors give what only they know: p95
 * response time, the stage breakdown, users active in the last 30 minutes.
 */
export class DashboardState {
  private users: UserTotals = { total: 0, active_today: 0, active_this_week: 0 };
  private usersAt = 0;
  private messageTotal = 0;
  private windows: MessageWindows = { last_hour: 0, last_24h: 0, failed_last_hour: 0, avg_response_time: 0 };
  private database: ServiceHealth = { status: 'ok', checked_at: null };
  private genAi: GenAiToday = emptyGenAiToday(new Date());

  constructor(private readonly deps: DashboardStateDeps) {}

  private refreshing: Promise<void> | undefined;
  private slowRefreshing = false;

  /**
   * Re-reads the database figures: the all-time total at most every second (cheap: a sum over the
   * slot rollup); the windows and user figures every 10 s, in the background, one run at a time —
   * they scan a week of user rollups, which must not pile up under heavy traffic.
   */
  refresh(now = Date.now()): Promise<void> {
    this.refreshing ??= this.refreshFast(now).finally(() => {
      this.refreshing = undefined;
    });
    if (!this.slowRefreshing && now - this.usersAt >= SLOW_REFRESH_MS) {
      this.slowRefreshing = true;
      this.usersAt = now;
      void this.refreshSlow(now).finally(() => {
        this.slowRefreshing = false;
      });
    }
    return this.refreshing;
  }

  private async refreshFast(now: number): Promise<void> {
    try {
      const latency = await pingDatabase(this.deps.db);
      this.database = {
        status: latency > 500 ? 'degraded' : 'ok',
        checked_at: new Date(now).toISOString(),
        latency_ms: latency,
      };
      this.messageTotal = await getMessageTotal(this.deps.db);
    } catch (err) {
      this.database = {
        status: 'down',
        checked_at: new Date(now).toISOString(),
        error: (err as Error).message,
      };
    }
  }

  private async refreshSlow(now: number): Promise<void> {
    try {
      this.users = await getUserTotals(this.deps.db, new Date(now));
      const [hour, day] = await getBucketMessageCounts(this.deps.db, [
        { start: new Date(now - 3_600_000), end: new Date(now) },
        { start: new Date(now - 86_400_000), end: new Date(now) },
      ]);
      this.windows = {
        last_hour: hour!.messages,
        last_24h: day!.messages,
        failed_last_hour: hour!.failed,
        avg_response_time: hour!.response_count > 0 ? hour!.response_ms_sum / hour!.response_count : 0,
      };
      this.genAi = await getGenAiToday(this.deps.db, new Date(now));
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'could not refresh the Monitoring figures');
    }
  }

  totals(instances: InstanceState[]): DashboardTotals {
    const live = instances.filter((i) => i.status !== 'gone' && i.metrics);
    let p95 = 0;
    let last30 = 0;
    for (const i of live) {
      p95 = Math.max(p95, i.metrics!.messages.p95_response_time);
      last30 += i.metrics!.users.active_last_30_min;
    }
    return {
      messages: { total: this.messageTotal, ...this.windows, p95_response_time: p95 },
      users: { ...this.users, active_last_30_min: last30 },
      stages: live[0]?.metrics?.stages ?? null,
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
    // The monitor's own truthfulness: analytics trailing the stored rows, or numbers that disagree.
    const monitorReasons: string[] = [];
    const lagS = this.deps.rollups.lag.seconds;
    if (lagS > ROLLUP_LAG_LIMIT_S)
      monitorReasons.push(
        `analytics trail the stored messages by ${Math.round(lagS)} s (limit ${ROLLUP_LAG_LIMIT_S} s)`,
      );
    const accuracy = this.deps.accuracy();
    if (accuracy && !accuracy.ok)
      monitorReasons.push(
        `accuracy check found ${accuracy.drifts.length} difference(s) with the raw rows (see diagnostics)`,
      );
    const bot: ServiceHealth =
      live.length === 0
        ? {
            status: 'down',
            checked_at: new Date(now).toISOString(),
            reasons: ['no bot instance is connected', ...gone],
          }
        : {
            status: worstStatus([
              ...live.map((i) => (i.status === 'gone' ? 'down' : i.status)),
              monitorReasons.length > 0 ? 'degraded' : 'ok',
            ]),
            checked_at: reports.length ? new Date(now).toISOString() : null,
            reasons: [...botReasons, ...monitorReasons, ...gone],
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
    return { totals: this.totals(instances), instances, admin: this.adminSelf(), gen_ai: this.genAi };
  }

  dashboard(): MonitoringDashboard {
    const instances = this.deps.registry.list();
    return {
      health: this.health(instances),
      totals: this.totals(instances),
      instances,
      recent_messages: this.deps.feed.recent,
      admin: this.adminSelf(),
      gen_ai: this.genAi,
      demo: this.deps.demo,
      generated_at: new Date().toISOString(),
    };
  }
}

const utcMidnight = (now: Date) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

function emptyGenAiToday(now: Date): GenAiToday {
  return {
    since: utcMidnight(now).toISOString(),
    requests: 0,
    input_tokens: 0,
    cached_tokens: 0,
    output_tokens: 0,
    reasoning_tokens: 0,
    cost_usd: 0,
    cost_per_message: null,
    blocked: 0,
    truncated: 0,
    blocked_share: null,
    truncated_share: null,
    latency_avg_ms: null,
    latency_p95_ms: null,
    unpriced_models: [],
  };
}

/**
 * The Gemini card: today's usage and cost (the UTC day, as the other Monitoring day figures) from
 * the slot rollup plus not-yet-folded rows, and the generate stage's latency from today's rows.
 */
export async function getGenAiToday(db: Db, now: Date): Promise<GenAiToday> {
  const since = utcMidnight(now);
  const [[g], latency] = await Promise.all([
    getBucketGenAiCounts(db, [{ start: since, end: now }]),
    getGenAiLatency(db, since, now),
  ]);
  const n = g!.requests;
  // cost per priced reply: unpriced replies are not in cost_usd
  const priced = n - g!.unpriced;
  return {
    since: since.toISOString(),
    requests: n,
    input_tokens: g!.input_tokens,
    cached_tokens: g!.cached_tokens,
    output_tokens: g!.output_tokens,
    reasoning_tokens: g!.reasoning_tokens,
    cost_usd: g!.cost_usd,
    cost_per_message: priced > 0 ? g!.cost_usd / priced : null,
    blocked: g!.blocked,
    truncated: g!.truncated,
    blocked_share: n > 0 ? g!.blocked / n : null,
    truncated_share: n > 0 ? g!.truncated / n : null,
    latency_avg_ms: latency.avg_ms,
    latency_p95_ms: latency.p95_ms,
    unpriced_models: g!.unpriced_models,
  };
}
