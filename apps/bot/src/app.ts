import {
  createPool,
  type Db,
  getCollectorSeed,
  getDatabaseId,
  isDatabaseUnavailable,
  migrate,
  recordInboxFailure,
} from '@botpulse/db';
import { MetricsCollector } from '@botpulse/metrics';
import {
  bearerToken,
  canonicalPath,
  DEBUG_TOKEN_REQUIRED,
  debugTokenValid,
  EventLoopMonitor,
  fastifyLoggerOptions,
  httpErrorCode,
  isUnder,
  type Logger,
} from '@botpulse/runtime';
import Fastify, { type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import { AdminSocketClient } from './admin-link/admin-socket-client';
import { GeminiClient } from './clients/gemini';
import { GraphApiClient } from './clients/graph-api';
import type { BotConfig } from './config';
import { DependencyTracker } from './health/dependency-tracker';
import { HealthService } from './health/health-service';

import { Monitor } from './monitoring/monitor';
import { createBotMetrics } from './monitoring/prometheus';
import { SseHub } from './monitoring/sse-hub';
import { Intake } from './pipeline/intake';
import type { ReplyJob } from './pipeline/job';
import { KeyedQueue } from './pipeline/keyed-queue';
import { ProfileService } from './pipeline/profiles';
import { InboxRecovery } from './pipeline/recovery';
import { ReplyPipeline } from './pipeline/reply-pipeline';
import { debugRoutes } from './routes/debug';
import { prometheusRoutes } from './routes/prometheus';
import { webhookRoutes } from './routes/webhook';

declare module 'fastify' {
  interface FastifyRequest {
    /** performance.now() when the request arrived: the start of a message's response time */
    receivedHr: number;
  }
}

export interface BotService {
  app: FastifyInstance;
  db: Db;
  monitor: Monitor;
  /** every route of the server (security tests enumerate them) */
  routes(): Array<{ method: string; url: string }>;
  /** listens, then starts background work (recovery, health, admin link); returns the base URL */
  start(): Promise<string>;
  /** stops taking webhooks, finishes in-flight replies (up to `drainMs`), closes everything */
  stop(drainMs?: number): Promise<void>;
}

/** `/debug/*` and `/metrics`, however the path is spelled. */
const isDebugArea = (url: string) => {
  const path = canonicalPath(url);
  return isUnder(path, '/debug') || isUnder(path, '/metrics');
};

const debugTokenRequired = (reply: FastifyReply) =>
  reply.code(401).header('www-authenticate', 'Bearer').send(DEBUG_TOKEN_REQUIRED);

/** Connections reserved for the inbox's group commits (also how many may run at once). */
const INTAKE_CONNECTIONS = 2;

export async function buildBot(config: BotConfig, log: Logger): Promise<BotService> {
  const startedAtMs = Date.now();
  await migrate(config.databaseUrl, (m) => log.info(m));
  const db = createPool(config.databaseUrl, {
    prepareHot: true,
    max: 20,
    applicationName: `botpulse-bot-${config.instanceId}`,
  });
  // The webhook's acknowledgement waits for its inbox write alone: it gets connections of its own
  // (one per concurrent group commit) instead of queueing behind the reply pipeline's queries for
  // the shared pool, which under load holds hundreds of them.
  const intakeDb = createPool(config.databaseUrl, {
    prepareHot: true,
    genericPlans: true,
    max: INTAKE_CONNECTIONS,
    applicationName: `botpulse-bot-${config.instanceId}-intake`,
  });

  const collector = new MetricsCollector();
  collector.restore(await getCollectorSeed(db, config.instanceId, Date.now()));

  const abort = new AbortController();
  const graph = config.pageAccessToken
    ? new GraphApiClient(config.graphApiUrl, config.pageAccessToken)
    : undefined;
  const gemini = config.gemini
    ? new GeminiClient(config.gemini.apiKey, config.gemini.model, config.gemini.baseUrl, config.gemini.prices)
    : undefined;
  const facebookHealth = new DependencyTracker(graph ? () => graph.checkPage() : undefined);
  const geminiHealth = new DependencyTracker(gemini ? () => gemini.check() : undefined);

  const prom = createBotMetrics(config.instanceId);
  const eventLoop = new EventLoopMonitor();
  const sse = new SseHub(db, config.instanceId);
  const link = new AdminSocketClient(
    config.adminUrl,
    {
      service: 'bot',
      secret: config.internalSecret,
      instanceId: config.instanceId,
      databaseId: await getDatabaseId(db),
    },
    log.child({ component: 'admin-link' }),
  );
  const monitor = new Monitor({
    db,
    log,
    instanceId: config.instanceId,
    startedAtMs,
    collector,
    prom,
    sse,
    link,
    eventLoop,
    databaseConnections: () => db.totalCount + intakeDb.totalCount,
    enabled: config.monitoring,
  });
  // The rows changed under the collector (a user's data deleted): recount from them.
  link.onCountsStale((reason) => {
    log.info({ reason }, 'recounting metrics from the database');
    void monitor.recount();
  });
  const health = new HealthService({
    db,
    instanceId: config.instanceId,
    startedAtMs,
    facebook: facebookHealth,
    gemini: geminiHealth,
    linkStats: () => link.statsSnapshot,
    sseClients: () => sse.size,
    eventLoopP99Ms: () => eventLoop.p99Ms,
    onChange: (report) => {
      log.debug({ status: report.status }, 'health report');
      if (config.monitoring) link.emit('health:changed', report);
    },
  });

  const profiles = new ProfileService(
    graph,
    (err: unknown) => {
      facebookHealth.recordFailure(err);
      monitor.failed({
        instance_id: config.instanceId,
        stage: 'profile',
        dependency: 'facebook',
        message: (err as Error).message,
        at: new Date().toISOString(),
      });
    },
    () => facebookHealth.recordSuccess(),
  );
  const pipeline = new ReplyPipeline({
    db,
    log,
    instanceId: config.instanceId,
    profiles,
    gemini,
    graph,
    facebookHealth,
    geminiHealth,
    observer: monitor,
    redactPii: config.redactPii,
    signal: abort.signal,
  });

  const inFlight = new Set<number>();
  const queue = new KeyedQueue<ReplyJob>(config.pipelineConcurrency, async (job) => {
    try {
      await pipeline.handle(job);
    } catch (err) {
      // Left in the inbox: recovery picks it up again. Only a failure of the event itself uses up
      // one of its attempts; a database that is unavailable is waited out, however long.
      if (!abort.signal.aborted) {
        log.error({ err: (err as Error).message, inboxId: job.inboxId }, 'reply pipeline failed');
        if (!isDatabaseUnavailable(err))
          await recordInboxFailure(db, job.inboxId, (err as Error).message).catch(() => {});
      }
    } finally {
      inFlight.delete(job.inboxId);
    }
  });
  const dispatch = (job: ReplyJob) => {
    if (inFlight.has(job.inboxId)) return;
    inFlight.add(job.inboxId);
    job.dispatchedHr = performance.now();
    queue.push(job.senderId, job);
  };
  const intake = new Intake(
    intakeDb,
    INTAKE_CONNECTIONS,
    config.instanceId,
    dispatch,
    (dedupKey, err) =>
      log.error(
        { dedupKey, err: (err as Error).message },
        'the database refused a webhook event; it is dropped',
      ),
    (err) => health.storageRefused(err),
  );
  const recovery = new InboxRecovery(
    db,
    config.instanceId,
    inFlight,
    dispatch,
    log.child({ component: 'inbox' }),
  );

  prom.gauges({
    inboxDepth: () => health.inboxBacklog.depth,
    inboxOldestSeconds: () => health.inboxBacklog.oldest_pending_s,
    linkConnected: () => (link.statsSnapshot.connected ? 1 : 0),
    linkBuffered: () => link.statsSnapshot.buffered,
    linkDropped: () => link.statsSnapshot.dropped,
    linkReconnects: () => link.statsSnapshot.reconnects,
    sseClients: () => sse.size,
    inFlight: () => queue.pending,
    overheadSecondsPerMessage: () => monitor.overheadSecondsPerMessage,
    collectorBytes: () => collector.memoryBytes(),
    eventLoopLagP99Seconds: () => eventLoop.p99Ms / 1000,
  });

  const app = Fastify({
    logger: fastifyLoggerOptions('bot', config.logLevel),
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  });
  const routes: Array<{ method: string; url: string }> = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  app.decorateRequest('receivedHr', 0);
  app.addHook('onRequest', async (req) => {
    req.receivedHr = performance.now();
  });
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      req.log.error({ err }, 'request failed');
      return reply.code(500).send({ error: 'internal', message: 'internal error' });
    }
    return reply.code(status).send({ error: httpErrorCode(err.code), message: err.message });
  });
  app.setNotFoundHandler((req, reply) => {
    // An unmatched spelling of a protected path tells nothing without the token.
    if (isDebugArea(req.url) && !debugTokenValid(bearerToken(req.headers), config.debugToken)) {
      return debugTokenRequired(reply);
    }
    return reply
      .code(404)
      .send({ error: 'not_found', message: `no route for ${req.method} ${req.url.split('?')[0]}` });
  });

  await app.register(webhookRoutes, {
    appSecret: config.appSecret,
    verifyToken: config.verifyToken,
    intake,
    prom,
  });
  await app.register(async (scope) => {
    // A hook of this scope: it runs for these routes however their path is spelled.
    scope.addHook('onRequest', async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      // EventSource cannot send headers: the stream also takes ?token=.
      const token =
        bearerToken(req.headers) ?? (req.routeOptions.url === '/debug/message-stream' ? q.token : undefined);
      if (!debugTokenValid(token, config.debugToken)) return debugTokenRequired(reply);
    });
    await scope.register(debugRoutes, { health, monitor, sse });
    await scope.register(prometheusRoutes, { registry: prom.registry });
  });

  return {
    app,
    db,
    monitor,
    routes: () => [...routes],
    async start() {
      const address = await app.listen({ port: config.port, host: config.host });
      eventLoop.start();
      facebookHealth.start();
      geminiHealth.start();
      await health.start();
      monitor.start();
      await recovery.start();
      return address;
    },
    async stop(drainMs = 10_000) {
      sse.close();
      // Node 20's closeIdleConnections() skips connections that never sent a request (HTTP
      // clients open spares), and close() would wait minutes for them to time out: give requests
      // in progress a moment, then close whatever is left.
      const forceClose = setTimeout(() => app.server.closeAllConnections(), 2_000);
      await app.close();
      clearTimeout(forceClose);
      await Promise.race([queue.onIdle(), new Promise((r) => setTimeout(r, drainMs).unref())]);
      abort.abort();
      recovery.stop();
      monitor.stop();
      health.stop();
      facebookHealth.stop();
      geminiHealth.stop();
      eventLoop.stop();
      monitor.emitMetrics();
      link.close();
      await Promise.all([db.end(), intakeDb.end(), graph?.close()]);
    },
  };
}
