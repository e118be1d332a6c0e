import { countUsers, type Db, getCollectorSnapshot, insertMetricsSnapshot } from '@botpulse/db';
import { type MetricsCollector, otherMs } from '@botpulse/metrics';
import {
  type BotMetrics,
  type ErrorEvent,
  type GenAiUsage,
  type ProcessedMessage,
  type ReplyStage,
  toFeedMessage,
} from '@botpulse/protocol';
import { type EventLoopMonitor, every as everyMs, type Logger } from '@botpulse/runtime';
import type { AdminSocketClient } from '../admin-link/admin-socket-client';
import type { PipelineObserver, StageTimes } from '../pipeline/reply-pipeline';
import { CpuSampler } from './cpu';
import { GenAiCounters } from './gen-ai-counters';
import type { BotPrometheus } from './prometheus';
import type { SseHub } from './sse-hub';

const MB = 1024 * 1024;
const WARM_UP_MESSAGES = 500;

export interface MonitorDeps {
  db: Db;
  log: Logger;
  instanceId: string;
  startedAtMs: number;
  collector: MetricsCollector;
  prom: BotPrometheus;
  sse: SseHub;
  link: AdminSocketClient;
  eventLoop: EventLoopMonitor;
  /** connections this process holds open, all its pools together */
  databaseConnections: () => number;
  /** false only to measure the monitoring overhead (MONITORING=0) */
  enabled: boolean;
}

/**
 * Where a processed message becomes monitoring: the collector, Prometheus, the SSE stream and the
 * admin link. Times itself, so the overhead per message is measured live.
 */
export class Monitor implements PipelineObserver {
  private readonly cpu = new CpuSampler();
  private overheadNs = 0;
  private overheadCount = 0;
  private overheadUsPerMessage = 0;
  private lastMetricsEmit = 0;
  private metricsEmitTimer: NodeJS.Timeout | undefined;
  private timers: NodeJS.Timeout[] = [];
  private seen = 0;
  // Label children resolved once: a labelled observe() hashes its labels on every call.
  private readonly stage: Record<ReplyStage, { observe(seconds: number): void }>;
  private readonly messageCounters = new Map<string, { inc(): void }>();
  /** messages recorded while a recount reads its snapshot (replayed when newer than it) */
  private replay:
    | Array<{ message: ProcessedMessage; newUser: boolean; genAi: GenAiUsage | null }>
    | undefined;
  private readonly genAi: GenAiCounters;
  private recounting: Promise<void> | undefined;
  private recountAgain = false;
  private recountTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: MonitorDeps) {
    this.genAi = new GenAiCounters(deps.prom, deps.log);
    const child = (stage: ReplyStage) => deps.prom.stageDuration.labels({ stage });
    this.stage = {
      queue: child('queue'),
      profile: child('profile'),
      generate: child('generate'),
      send: child('send'),
      store: child('store'),
      other: child('other'),
    };
    // The socket writes happen after stored() returns (a batch every 20 ms, SSE at the end of the
    // tick): their time counts towards the live figure as well.
    const deferred = (ns: number) => {
      if (this.seen > WARM_UP_MESSAGES) this.overheadNs += ns;
    };
    deps.link.onFlushTime = deferred;
    deps.sse.onFlushTime = deferred;
  }

  private messageCounter(kind: string, status: string) {
    const key = `${kind}|${status}`;
    let c = this.messageCounters.get(key);
    if (!c) {
      c = this.deps.prom.messages.labels({ kind, status });
      this.messageCounters.set(key, c);
    }
    return c;
  }

  genAiCall(model: string, seconds: number, errorType: string | null): void {
    this.genAi.call(model, seconds, errorType);
  }

  stored(
    message: ProcessedMessage,
    info: { newUser: boolean; stages: StageTimes; genAi: GenAiUsage | null; timestampMs: number },
  ): void {
    if (!this.deps.enabled) return;
    this.seen++;
    const started = process.hrtime.bigint();
    const { collector, prom, sse, link } = this.deps;
    const failed = message.status === 'failed';
    this.replay?.push({ message, newUser: info.newUser, genAi: info.genAi });
    collector.recordMessage(message.user_id, info.timestampMs, message.response_time, {
      failed,
      newUser: info.newUser,
      stages: info.stages,
    });
    if (collector.takeUsersStale()) this.scheduleRecount();
    if (info.genAi !== null && info.genAi.model !== null) {
      collector.recordGenAi(info.genAi);
      this.genAi.count(info.genAi);
    }
    this.messageCounter(message.kind, message.status).inc();
    prom.responseTime.observe(message.response_time / 1000);
    const st = info.stages;
    this.stage.queue.observe(st.queueMs / 1000);
    this.stage.profile.observe(st.profileMs / 1000);
    this.stage.generate.observe(st.generateMs / 1000);
    this.stage.send.observe(st.sendMs / 1000);
    this.stage.store.observe(st.storeMs / 1000);
    this.stage.other.observe(otherMs(message.response_time, st) / 1000);
    // The live feed's fields, picked once for both.
    const feed = toFeedMessage(message);
    sse.publish(feed);
    link.processed(feed);
    this.scheduleMetricsEmit();
    // The first messages run before the JIT has compiled this path; they would dwarf the steady cost.
    if (this.seen > WARM_UP_MESSAGES) {
      this.overheadNs += Number(process.hrtime.bigint() - started);
      this.overheadCount++;
    }
  }

  /**
   * Rebuilds the collector from the rows (a user's data was deleted, or the admin link came back
   * and may have missed such a deletion). Messages recorded meanwhile are replayed when the
   * snapshot did not contain them, so none is lost or counted twice. Requests that arrive during a
   * recount are folded into one more.
   */
  recount(): Promise<void> {
    if (this.recounting) {
      this.recountAgain = true;
      return this.recounting;
    }
    this.recounting = (async () => {
      do {
        this.recountAgain = false;
        this.replay = [];
        try {
          const { seed, maxId } = await getCollectorSnapshot(this.deps.db, this.deps.instanceId, Date.now());
          const { collector } = this.deps;
          collector.restore(seed);
          for (const { message, newUser, genAi } of this.replay) {
            if (message.id <= maxId) continue;
            if (genAi !== null) collector.recordGenAi(genAi);
            collector.recordMessage(message.user_id, Date.parse(message.timestamp), message.response_time, {
              failed: message.status === 'failed',
              newUser,
            });
          }
        } catch (err) {
          this.deps.log.warn({ err: (err as Error).message }, 'metrics recount failed; the next one retries');
        } finally {
          this.replay = undefined;
        }
      } while (this.recountAgain);
      this.scheduleMetricsEmit();
    })().finally(() => {
      this.recounting = undefined;
    });
    return this.recounting;
  }

  /** A recount soon, once for a burst of late events. */
  private scheduleRecount() {
    if (this.recountTimer) return;
    this.recountTimer = setTimeout(() => {
      this.recountTimer = undefined;
      void this.recount();
    }, 1_000);
    this.recountTimer.unref();
  }

  failed(event: ErrorEvent): void {
    this.deps.prom.failures.inc({ stage: event.stage, dependency: event.dependency });
    this.deps.log.warn(
      { stage: event.stage, dependency: event.dependency, code: event.code, err: event.message },
      'reply failure',
    );
    if (this.deps.enabled) this.deps.link.emit('error:occurred', event);
  }

  storeLatency(ms: number): void {
    this.deps.prom.conversationWrite.observe(ms / 1000);
  }

  /** `GET /debug/metrics`: the plan's fields plus percentiles, failures, stages and self-metrics. */
  metrics(now = Date.now()): BotMetrics {
    const s = this.deps.collector.getCurrentStats();
    const mem = process.memoryUsage();
    return {
      timestamp: new Date(now).toISOString(),
      uptime: (now - this.deps.startedAtMs) / 1000,
      instance_id: this.deps.instanceId,
      messages: {
        total: s.total_messages,
        last_hour: s.last_hour,
        last_24h: s.last_24h,
        avg_response_time: s.avg_response_time,
        p50_response_time: s.p50_response_time,
        p95_response_time: s.p95_response_time,
        p99_response_time: s.p99_response_time,
        failed_total: s.failed_total,
        failed_last_hour: s.failed_last_hour,
      },
      users: {
        total: s.total_users,
        active_today: s.active_today,
        active_this_week: s.active_this_week,
        active_last_30_min: s.active_last_30_min,
      },
      stages: s.stages,
      system: {
        memory_mb: mem.rss / MB,
        cpu_percent: this.cpu.sample(),
        database_connections: this.deps.databaseConnections(),
        heap_used_mb: mem.heapUsed / MB,
        event_loop_lag_p99_ms: this.deps.eventLoop.p99Ms,
        monitoring_overhead_us_per_message: this.overheadUsPerMessage,
        collector_memory_kb: this.deps.collector.memoryBytes() / 1024,
      },
      hourly: this.deps.collector.getHourlyMetrics(24),
      gen_ai: this.deps.collector.getGenAiTotals(),
    };
  }

  get overheadSecondsPerMessage(): number {
    return this.overheadUsPerMessage / 1e6;
  }

  start(): void {
    const every = (ms: number, task: () => unknown) =>
      this.timers.push(everyMs(ms, task, this.deps.log, 'monitor task failed'));
    every(5_000, () => {
      this.rollOverhead();
      this.emitMetrics();
    });
    every(60_000, () =>
      insertMetricsSnapshot(this.deps.db, {
        metricType: 'bot_metrics',
        instanceId: this.deps.instanceId,
        value: this.metrics(),
        at: new Date(),
      }),
    );
    every(60_000, async () => this.deps.collector.setTotalUsers(await countUsers(this.deps.db)));
    every(600_000, () => this.deps.collector.cleanup());
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    clearTimeout(this.metricsEmitTimer);
    clearTimeout(this.recountTimer);
  }

  emitMetrics(): void {
    if (!this.deps.enabled) return;
    this.lastMetricsEmit = Date.now();
    this.deps.link.emit('metrics:update', this.metrics());
  }

  /** "on change, at most once a second" */
  private scheduleMetricsEmit() {
    if (this.metricsEmitTimer) return;
    const wait = Math.max(0, 1000 - (Date.now() - this.lastMetricsEmit));
    this.metricsEmitTimer = setTimeout(() => {
      this.metricsEmitTimer = undefined;
      this.emitMetrics();
    }, wait);
    this.metricsEmitTimer.unref();
  }

  /**
   * Average over the last 5 s window of the time spent in this process's monitoring code per
   * message: stored() plus the deferred writes of the admin link and SSE. What it cannot see is the
   * work the reports cause elsewhere (the admin's socket, its feed queries in PostgreSQL), which the
   * bench's on/off comparison includes; time is wall time, so a loaded machine inflates it. Kept
   * when no message came, so the figure does not flicker to 0.
   */
  private rollOverhead() {
    if (this.overheadCount > 0) this.overheadUsPerMessage = this.overheadNs / this.overheadCount / 1000;
    this.overheadNs = 0;
    this.overheadCount = 0;
  }
}
