import { getHeapStatistics } from 'node:v8';
import { type Db, getInboxBacklog, getWriteAccess, pingDatabase } from '@botpulse/db';
import { type HealthReport, type HealthStatus, worstStatus } from '@botpulse/protocol';
import type { AdminLinkStats } from '../admin-link/admin-socket-client';
import type { DependencyTracker } from './dependency-tracker';

const MB = 1024 * 1024;
const INBOX_AGE_LIMIT_S = 30;
const EVENT_LOOP_LIMIT_MS = 500;
const DB_TIMEOUT_MS = 2_000;
/** how long a refused webhook write keeps the database check down (the next refresh may pass) */
const REFUSAL_HOLD_MS = 10_000;

export interface HealthDeps {
  db: Db;
  instanceId: string;
  startedAtMs: number;
  facebook: DependencyTracker;
  gemini: DependencyTracker;
  linkStats: () => AdminLinkStats;
  sseClients: () => number;
  eventLoopP99Ms: () => number;
  onChange: (report: HealthReport) => void;
}

/**
 * `/debug/health-quick` answers from state refreshed in the background every 2 s (database ping,
 * inbox backlog), so it stays well under 100 ms even when the database hangs.
 */
export class HealthService {
  private database: HealthReport['checks']['database'] = { status: 'ok', latency_ms: null };
  private backlog = { depth: 0, oldest_pending_s: 0 };
  private droppedSeen = 0;
  private dropAlarmUntil = 0;
  private lastSignature = '';
  private lastEmitMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private refusalTimer: NodeJS.Timeout | undefined;
  private refused: { untilMs: number; error: string } | undefined;

  constructor(private readonly deps: HealthDeps) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), 2_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.refusalTimer);
  }

  /**
   * The webhook could not store events and answered 503: the database check is down for a while
   * whatever a `SELECT 1` says, so health never shows green while the webhook refuses.
   */
  storageRefused(err: unknown, now = Date.now()): void {
    const first = !this.refused || this.refused.untilMs < now;
    this.refused = {
      untilMs: now + REFUSAL_HOLD_MS,
      error: `webhook writes refused: ${(err as Error).message}`,
    };
    if (first) this.emitIfChanged();
    // When the hold ends the check turns green again: the admin hears it then, not at the next refresh.
    clearTimeout(this.refusalTimer);
    this.refusalTimer = setTimeout(() => this.emitIfChanged(), REFUSAL_HOLD_MS + 1);
    this.refusalTimer.unref();
  }

  /**
   * The report as `/debug/health-quick` answers it. Anyone who sees a change tells the admin at
   * once, so the endpoint and the dashboard never disagree for longer than a message takes.
   */
  current(now = Date.now()): HealthReport {
    return this.emitIfChanged(now);
  }

  get inboxBacklog() {
    return this.backlog;
  }

  report(now = Date.now()): HealthReport {
    const mem = process.memoryUsage();
    const heapLimit = getHeapStatistics().heap_size_limit;
    const memory = {
      status: (mem.heapUsed / heapLimit > 0.85 ? 'degraded' : 'ok') as HealthStatus,
      rss_mb: mem.rss / MB,
      heap_used_mb: mem.heapUsed / MB,
    };
    const link = this.deps.linkStats();
    if (link.dropped > this.droppedSeen) {
      this.droppedSeen = link.dropped;
      this.dropAlarmUntil = now + 5 * 60_000;
    }
    const reasons: string[] = [];
    if (this.backlog.oldest_pending_s > INBOX_AGE_LIMIT_S) {
      reasons.push(
        `inbox has an event waiting for ${Math.round(this.backlog.oldest_pending_s)} s (limit ${INBOX_AGE_LIMIT_S} s)`,
      );
    }
    if (now < this.dropAlarmUntil) reasons.push(`admin link dropped ${link.dropped} events (buffer full)`);
    const lag = this.deps.eventLoopP99Ms();
    if (lag > EVENT_LOOP_LIMIT_MS) reasons.push(`event loop lag p99 is ${Math.round(lag)} ms`);
    const pipeline = {
      status: (reasons.length > 0 ? 'degraded' : 'ok') as HealthStatus,
      inbox_depth: this.backlog.depth,
      oldest_pending_s: this.backlog.oldest_pending_s,
      event_loop_lag_p99_ms: lag,
      admin_link: link,
      sse_clients: this.deps.sseClients(),
      reasons,
    };
    const database =
      this.refused && now < this.refused.untilMs
        ? { status: 'down' as const, latency_ms: this.database.latency_ms, error: this.refused.error }
        : this.database;
    const checks = {
      database,
      facebook: this.deps.facebook.snapshot(now),
      gemini: this.deps.gemini.snapshot(now),
      memory,
      pipeline,
    };
    const status =
      checks.database.status === 'down'
        ? 'down'
        : worstStatus([checks.facebook.status, checks.gemini.status, memory.status, pipeline.status]) === 'ok'
          ? 'ok'
          : 'degraded';
    return {
      status,
      uptime: (now - this.deps.startedAtMs) / 1000,
      instance_id: this.deps.instanceId,
      checks,
    };
  }

  private async refresh() {
    try {
      const latency = await Promise.race([
        pingDatabase(this.deps.db),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`no answer within ${DB_TIMEOUT_MS} ms`)), DB_TIMEOUT_MS).unref(),
        ),
      ]);
      this.backlog = await getInboxBacklog(this.deps.db);
      this.database = (await getWriteAccess(this.deps.db))
        ? { status: latency > 500 ? 'degraded' : 'ok', latency_ms: latency }
        : {
            status: 'down',
            latency_ms: latency,
            error: 'the database is read-only (standby or default_transaction_read_only)',
          };
    } catch (err) {
      this.database = { status: 'down', latency_ms: null, error: (err as Error).message };
    }
    this.emitIfChanged();
  }

  private emitIfChanged(now = Date.now()): HealthReport {
    const report = this.report(now);
    const signature = JSON.stringify([
      report.status,
      report.checks.database.status,
      report.checks.facebook.status,
      report.checks.gemini.status,
      report.checks.memory.status,
      report.checks.pipeline.status,
      report.checks.pipeline.reasons,
      // the admin shows the link state: a report made before the link came up must be replaced
      report.checks.pipeline.admin_link.connected,
    ]);
    // On every change, and every 30 s so the admin's diagnostics (inbox depth, lag) stay fresh.
    if (signature !== this.lastSignature || Date.now() - this.lastEmitMs > 30_000) {
      this.lastSignature = signature;
      this.lastEmitMs = Date.now();
      this.deps.onChange(report);
    }
    return report;
  }
}
