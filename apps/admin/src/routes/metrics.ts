import { safeEqual } from '@botpulse/runtime';
import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';

/** `GET /metrics` of the admin: Prometheus text, behind `Authorization: Bearer $DEBUG_TOKEN`. */
export const metricsRoute: FastifyPluginAsync<{ registry: Registry; token: string | undefined }> = async (
  app,
  opts,
) => {
  app.get('/metrics', async (req, reply) => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!opts.token || !token || !safeEqual(token, opts.token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized', message: 'Authorization: Bearer <DEBUG_TOKEN> is required' });
    }
    return reply.type(opts.registry.contentType).send(await opts.registry.metrics());
  });
};
