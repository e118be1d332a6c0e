import {
  bearerToken,
  canonicalPath,
  DEBUG_TOKEN_REQUIRED,
  debugTokenValid,
  isUnder,
} from '@botpulse/runtime';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';

/** `GET /metrics` of the admin: Prometheus text, behind `Authorization: Bearer $DEBUG_TOKEN`. */
export const metricsRoute: FastifyPluginAsync<{ registry: Registry; token: string | undefined }> = async (
  app,
  opts,
) => {
  // A hook of this scope, so it holds for the route however its path is spelled.
  app.addHook('onRequest', async (req, reply) => {
    if (!debugTokenValid(bearerToken(req.headers), opts.token)) return debugTokenRequired(reply);
  });
  app.get('/metrics', async (_req, reply) =>
    reply.type(opts.registry.contentType).send(await opts.registry.metrics()),
  );
};

/** An unmatched spelling of `/metrics` (`/METRICS`, `/metrics;x`): 401 without the token, else 404. */
export function refuseUnmatchedMetrics(
  req: FastifyRequest,
  reply: FastifyReply,
  token: string | undefined,
): boolean {
  if (!isUnder(canonicalPath(req.url), '/metrics')) return false;
  if (!debugTokenValid(bearerToken(req.headers), token)) debugTokenRequired(reply);
  else reply.code(404).send({ error: 'not_found', message: `no route for ${req.method} ${req.url}` });
  return true;
}

function debugTokenRequired(reply: FastifyReply) {
  return reply.code(401).header('www-authenticate', 'Bearer').send(DEBUG_TOKEN_REQUIRED);
}
