import { isDatabaseUnavailable } from '@botpulse/db';
import { httpErrorCode } from '@botpulse/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ParamError } from '../analytics/params';

/**
 * What an error thrown by a route becomes: a bad parameter or an unknown time zone a 400 naming
 * it, an unreachable database a 503 to retry, a client error its own status, anything else a 500
 * that is logged and tells nothing.
 */
export function apiErrorHandler(
  err: Error & { statusCode?: number; code?: string },
  req: FastifyRequest,
  reply: FastifyReply,
) {
  if (err instanceof ParamError) {
    return reply
      .code(400)
      .send({ error: 'invalid_parameter', parameter: err.parameter, message: err.message });
  }
  // A zone Postgres does not know (rare: newer than its tz database).
  if (err.code === '22023' && /time zone/.test(err.message)) {
    return reply.code(400).send({ error: 'invalid_parameter', parameter: 'tz', message: err.message });
  }
  if (isDatabaseUnavailable(err)) {
    req.log.warn({ err: err.message }, 'database unavailable');
    return reply
      .code(503)
      .header('retry-after', '5')
      .send({ error: 'unavailable', message: 'the database is unavailable, retry shortly' });
  }
  const status = err.statusCode ?? 500;
  if (status >= 500) {
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  }
  return reply.code(status).send({ error: httpErrorCode(err.code), message: err.message });
}
