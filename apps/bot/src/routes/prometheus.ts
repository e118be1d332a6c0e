import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';

/** `GET /metrics`: Prometheus text exposition. */
export const prometheusRoutes: FastifyPluginAsync<{ registry: Registry }> = async (app, opts) => {
  app.get('/metrics', async (_req, reply) => {
    const body = await opts.registry.metrics();
    return reply.type(opts.registry.contentType).send(body);
  });
};
