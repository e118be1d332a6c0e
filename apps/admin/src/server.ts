import { createAdminUserIfNone, createPool, type Db, getDatabaseId, migrate } from '@botpulse/db';
import { type DashboardHealth, type ErrorEvent, envelope } from '@botpulse/protocol';
import { EventLoopMonitor, every as everyMs, fastifyLoggerOptions, type Logger } from '@botpulse/runtime';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { Server } from 'socket.io';
import { AccuracyMonitor } from './accuracy/accuracy-monitor';
import { createAlertMetrics } from './alerts/alert-metrics';
import { AlertsService } from './alerts/alerts-service';
import { createChannelSender } from './alerts/channels';
import { AlertEvaluator } from './alerts/evaluator';
import { AlertOutbox } from './alerts/outbox';
import { AnalyticsService } from './analytics/analytics-service';
import { ApiGuard, type RouteGuard } from './auth/api-guard';
import { AuthService } from './auth/auth-service';
import { LoginThrottle } from './auth/login-throttle';
import { hashPassword } from './auth/passwords';
import { SessionStore } from './auth/sessions';
import type { AdminConfig } from './config';
import { ConversationsService } from './conversations/conversations-service';
import { startHousekeeping } from './housekeeping';
import { apiErrorHandler } from './http/error-handler';
import { SECURITY_HEADERS } from './http/security-headers';
import { DashboardState } from './monitoring/dashboard-state';
import { ExportService } from './monitoring/export-service';
import { FeedTail } from './monitoring/feed-tail';
import { InstanceRegistry } from './monitoring/instance-registry';
import { createAdminMetrics } from './monitoring/prometheus';
import { UserDeletion } from './monitoring/user-deletion';
import { connectRedis } from './redis';
import { RollupWorker } from './rollups/rollup-worker';
import { alertRoutes } from './routes/alerts';
import { analyticsRoutes } from './routes/analytics';
import { authRoutes, loginRoute } from './routes/auth';
import { conversationRoutes } from './routes/conversations';
import { metricsRoute, refuseUnmatchedMetrics } from './routes/metrics';
import { monitoringRoutes } from './routes/monitoring';
import { staticRoutes } from './routes/static';
import { userRoutes } from './routes/users';
import { attachBotsNamespace } from './sockets/bots';
import { ClusterLink } from './sockets/cluster';
import { attachDashboardNamespace, disconnectSession } from './sockets/dashboard';
import { originAllowed } from './sockets/origin';

export interface AdminService {
  app: FastifyInstance;
  io: Server;
  db: Db;
  /** every `/api` route and the guard it is registered under (security tests enumerate them) */
  apiRoutes(): Array<{ method: string; url: string; guard: RouteGuard | undefined }>;
  start(): Promise<string>;
  stop(): Promise<void>;
}

/** The admin: REST API, Socket.io hub (bots in, dashboards out), rollups, and the built dashboard. */
export async function buildAdmin(config: AdminConfig, log: Logger): Promise<AdminService> {
  const startedAtMs = Date.now();
  await migrate(config.databaseUrl, (m) => log.info(m));
  const db = createPool(config.databaseUrl, { max: 20, applicationName: 'botpulse-admin', prepareHot: true });
  /** which database this admin reads: bots that name it are trusted for their reported messages */
  const databaseId = await getDatabaseId(db);
  if (await createAdminUserIfNone(db, config.adminUser, await hashPassword(config.adminPassword))) {
    log.info({ username: config.adminUser }, 'created the first admin account');
  }

  const redis = config.redisUrl ? await connectRedis(config.redisUrl, log) : undefined;
  const sessions = new SessionStore(db, config.sessionIdleSeconds, config.sessionMaxSeconds);
  const throttle = redis ? LoginThrottle.redis(redis.limits, config.redisPrefix) : LoginThrottle.memory();
  const analytics = new AnalyticsService(db);
  const exports = new ExportService(db);
  const registry = new InstanceRegistry(config.instanceGoneAfterMs);
  const rollups = new RollupWorker(db, log.child({ component: 'rollups' }));
  const eventLoop = new EventLoopMonitor();
  const accuracy = new AccuracyMonitor(
    db,
    analytics,
    () => registry.list(),
    log.child({ component: 'accuracy' }),
    () => scheduleMetrics(),
    // the embedded database runs one transaction at a time: a paced check would hold it idle
    { paced: !config.embeddedDatabase },
  );

  const app = Fastify({
    logger: fastifyLoggerOptions('admin', config.logLevel),
    logController: new LogController({ disableRequestLogging: true }),
    // One proxy hop: the client address is the one our proxy saw (the last X-Forwarded-For entry),
    // not whatever the client wrote at the front of the header.
    trustProxy: config.trustProxy ? (_address: string, hop: number) => hop < 1 : false,
    return503OnClosing: true,
    bodyLimit: 64 * 1024,
  });
  const io = new Server(app.server, { serveClient: false, transports: ['websocket', 'polling'] });
  if (redis)
    io.adapter(
      createAdapter(redis.shared, {
        streamName: `${config.redisPrefix}:socket.io`,
        channelPrefix: config.redisPrefix,
        maxLen: 10_000,
      }),
    );

  // Everything sent to dashboards is computed by each admin from its own state: emit locally.
  let dashboards!: ReturnType<typeof attachDashboardNamespace>;
  const feed = new FeedTail(
    db,
    (m) => dashboards.local.to('messages').emit('message:new', envelope('message:new', m)),
    log.child({ component: 'feed' }),
    () => (dashboards.adapter.rooms.get('messages')?.size ?? 0) > 0,
  );
  const state = new DashboardState({
    db,
    log,
    registry,
    feed,
    rollups,
    eventLoop,
    dashboardClients: () => dashboards.sockets.size,
    accuracy: () => accuracy.last,
    demo: config.demo,
    startedAtMs,
  });

  let metricsTimer: NodeJS.Timeout | undefined;
  let lastMetricsEmit = 0;
  const emitMetrics = async () => {
    lastMetricsEmit = Date.now();
    await state.refresh();
    dashboards.local.to('metrics').emit('metrics:update', envelope('metrics:update', state.metricsUpdate()));
  };
  /** at most once a second */
  const scheduleMetrics = () => {
    if (metricsTimer) return;
    metricsTimer = setTimeout(
      () => {
        metricsTimer = undefined;
        void emitMetrics();
      },
      Math.max(0, 1000 - (Date.now() - lastMetricsEmit)),
    );
  };
  let lastHealth = '';
  const checkHealth = () => {
    const health: DashboardHealth = state.health(registry.list());
    const signature = JSON.stringify([health.overall, Object.values(health.services).map((s) => s.status)]);
    if (signature === lastHealth) return;
    lastHealth = signature;
    dashboards.local.to('health').emit('health:changed', envelope('health:changed', health));
  };
  const emitError = (e: ErrorEvent) =>
    dashboards.local.to('errors').emit('error:occurred', envelope('error:occurred', e));

  const cluster = new ClusterLink(io, Boolean(redis), (e) => {
    if (e.type === 'poke') feed.poke();
    else if (e.type === 'metrics') {
      registry.metrics(e.instanceId, e.data);
      scheduleMetrics();
    } else if (e.type === 'health') {
      registry.health(e.instanceId, e.data);
      checkHealth();
    } else if (e.type === 'presence') registry.seen(e.instanceId, Date.now(), e.connected);
    else if (e.type === 'error') emitError(e.data);
    else if (e.type === 'forget' && typeof e.userId === 'string') feed.forgetUser(e.userId);
  });
  const bots = attachBotsNamespace(io, {
    internalSecret: config.internalSecret,
    databaseId,
    registry,
    feed,
    log: log.child({ component: 'bots' }),
    onMessage: () => cluster.send({ type: 'poke' }),
    onMetrics: (instanceId, data) => {
      cluster.send({ type: 'metrics', instanceId, data });
      scheduleMetrics();
    },
    onHealth: (instanceId, data) => {
      cluster.send({ type: 'health', instanceId, data });
      checkHealth();
    },
    onPresence: (instanceId, connected) => {
      cluster.send({ type: 'presence', instanceId, connected });
      checkHealth();
    },
    onError: (e) => {
      cluster.send({ type: 'error', data: e });
      emitError(e);
    },
  });
  const origin = {
    trustProxy: config.trustProxy,
    allowedOrigins: config.allowedOrigins,
    publicUrl: config.publicUrl,
  };
  dashboards = attachDashboardNamespace(io, {
    db,
    sessions,
    feed,
    state,
    log: log.child({ component: 'dashboards' }),
    origin,
  });

  await app.register(fastifyHelmet, SECURITY_HEADERS);
  await app.register(fastifyCookie);
  const guard = new ApiGuard(sessions, (req) =>
    originAllowed(req.headers, { ...origin, encrypted: req.protocol === 'https' }),
  );
  guard.install(app);
  app.setErrorHandler(apiErrorHandler);

  // Alerts: every admin reports its bots and serves the API; the lease holder evaluates and delivers.
  let baseUrl = config.publicUrl ?? '';
  const alertsUrl = () => `${baseUrl}/alerts`;
  const sender = createChannelSender({ smtpUrl: config.alerts.smtpUrl, emailFrom: config.alerts.emailFrom });
  const alerts = new AlertsService({ db, demo: config.demo, sender, alertsUrl });
  let outbox!: AlertOutbox;
  const evaluator = new AlertEvaluator({
    db,
    log: log.child({ component: 'alerts' }),
    evalMs: config.alerts.evalMs,
    repeatSeconds: config.alerts.repeatSeconds,
    demo: config.demo,
    alertsUrl,
    localBots: () => registry.local(),
    accuracy: () => accuracy.last,
    onQueued: () => void outbox.deliverDue(),
    afterTick: async (leader) => {
      await alerts.refreshFiring();
      if (leader) await outbox.deliverDue();
    },
  });

  const authOptions = {
    auth: new AuthService(db, sessions, throttle),
    sessions,
    onSessionEnded: (tokenHash: string) => void disconnectSession(dashboards, tokenHash),
  };
  const deletion = new UserDeletion(db, (facebookId, deletedMessages) => {
    feed.forgetUser(facebookId);
    cluster.send({ type: 'forget', userId: facebookId });
    scheduleMetrics();
    // Every bot (on any admin, through the adapter) recounts its in-memory metrics from the rows.
    bots.emit('user:deleted', { user_id: facebookId, deleted_messages: deletedMessages });
  });
  // Login is the one API route without a session; every other /api route is registered inside
  // the session scope, whose hooks hold however the path is spelled (see ApiGuard).
  await app.register(async (scope) => {
    await guard.loginScope(scope);
    await scope.register(loginRoute, authOptions);
  });
  await app.register(async (api) => {
    await guard.sessionScope(api);
    await api.register(authRoutes, authOptions);
    await api.register(monitoringRoutes, { state, exports });
    await api.register(analyticsRoutes, { analytics });
    await api.register(userRoutes, { deletion });
    await api.register(alertRoutes, { alerts });
    await api.register(conversationRoutes, { conversations: new ConversationsService(db) });
  });
  const prom = createAdminMetrics({
    dashboardClients: () => dashboards.sockets.size,
    botLinks: () => registry.localSockets,
    instances: () => registry.list(),
    rollupLagRows: () => rollups.lag.rows,
    rollupLagSeconds: () => rollups.lag.seconds,
    feedLagMs: () => feed.lagMs,
    eventLoopP99Ms: () => eventLoop.p99Ms,
    accuracyDriftsTotal: () => accuracy.driftsTotal,
    accuracyChecksTotal: () => accuracy.checksTotal,
    accuracyLastDurationMs: () => accuracy.last?.duration_ms ?? 0,
    accuracyOk: () => (accuracy.last ? (accuracy.last.ok ? 1 : 0) : 1),
  });
  const alertMetrics = createAlertMetrics(prom.registry, {
    firing: () => alerts.firing,
    lastEvalSeconds: () => (evaluator.leader ? evaluator.lastEvalMs / 1000 : 0),
  });
  outbox = new AlertOutbox({
    db,
    log: log.child({ component: 'alerts' }),
    sender,
    retryBaseMs: config.alerts.retryBaseMs,
    maxRetryMs: config.alerts.retryMaxMs,
    giveUpMs: config.alerts.giveUpMs,
    onDelivered: (type) => alertMetrics.delivered.inc({ channel_type: type }),
    onFailed: (type) => alertMetrics.failed.inc({ channel_type: type }),
  });
  await app.register(metricsRoute, { registry: prom.registry, token: config.debugToken });
  await app.register(staticRoutes, {
    dashboardDir: config.dashboardDir,
    refuseUnmatched: async (req, reply) =>
      (await guard.refuseUnmatched(req, reply)) || refuseUnmatchedMetrics(req, reply, config.debugToken),
  });
  guard.assertAllGuarded();

  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, task: () => unknown) =>
    timers.push(everyMs(ms, task, log, 'admin background task failed'));

  return {
    app,
    io,
    db,
    apiRoutes: () => guard.routes(),
    async start() {
      eventLoop.start();
      await state.refresh();
      await feed.start();
      rollups.start(config.rollupIntervalMs);
      accuracy.start(config.accuracyCheckMs, Math.min(30_000, config.accuracyCheckMs));
      const url = await app.listen({ port: config.port, host: config.host });
      baseUrl ||= url;
      const channels = await alerts.configureFromEnv(config.alerts);
      log.info(
        { channels },
        channels.length ? 'alerts on' : 'alerts on, no channel configured (see the Alerts page)',
      );
      evaluator.start();
      every(5_000, async () => {
        await emitMetrics();
        checkHealth();
      });
      await startHousekeeping(db, config, log, every);
      return url;
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      await evaluator.stop();
      clearTimeout(metricsTimer);
      cluster.stop();
      feed.stop();
      rollups.stop();
      accuracy.stop();
      eventLoop.stop();
      io.close();
      await app.close();
      redis?.disconnect();
      await db.end();
    },
  };
}
