import type { FastifyPluginAsync } from 'fastify';
import type { HealthService } from '../health/health-service';
import type { Monitor } from '../monitoring/monitor';
import type { SseHub } from '../monitoring/sse-hub';

export interface DebugRouteOptions {
  health: HealthService;
  monitor: Monitor;
  sse: SseHub;
}

/** `/debug/*` (the bearer-token check is a hook registered by the app around this plugin). */
export const debugRoutes: FastifyPluginAsync<DebugRouteOptions> = async (app, opts) => {
  app.get('/debug/health-quick', async (_req, reply) => {
    const report = opts.health.current();
    return reply.code(report.status === 'down' ? 503 : 200).send(report);
  });

  app.get('/debug/metrics', async () => opts.monitor.metrics());

  // Leak hunting (load tests): heap after a full GC. Needs the process started with --expose-gc.
  app.post('/debug/heap', async (_req, reply) => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) {
      return reply
        .code(409)
        .send({ error: 'gc_unavailable', message: 'start the bot with node --expose-gc to use this' });
    }
    gc();
    gc();
    const mem = process.memoryUsage();
    return { heap_used_mb: mem.heapUsed / 1024 / 1024, rss_mb: mem.rss / 1024 / 1024, after_gc: true };
  });

  app.get('/debug/message-stream', async (req, reply) => {
    const header = req.headers['last-event-id'];
    const q = req.query as Record<string, string | undefined>;
    const raw = (Array.isArray(header) ? header[0] : header) ?? q.last_event_id;
    let lastEventId: number | undefined;
    if (raw !== undefined) {
      lastEventId = Number(raw);
      if (!Number.isSafeInteger(lastEventId) || lastEventId < 0) {
        return reply.code(400).send({
          error: 'invalid_parameter',
          parameter: 'Last-Event-ID',
          message: 'Last-Event-ID must be a message id (a whole number)',
        });
      }
    }
    reply.hijack();
    await opts.sse.attach(reply.raw, lastEventId);
  });
};
