import type { ValidSession } from '@botpulse/db';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, type SessionStore } from './sessions';

declare module 'fastify' {
  interface FastifyRequest {
    session: (ValidSession & { tokenHash: string }) | null;
  }
}

const PUBLIC_API = new Set(['/api/auth/login']);

/**
 * Every /api route except login needs a valid session (401 otherwise). State-changing requests
 * from a browser must also come from our own origin (SameSite=Strict already stops most CSRF).
 */
export function registerSessionGuard(
  app: FastifyInstance,
  sessions: SessionStore,
  originAllowed: (req: FastifyRequest) => boolean,
) {
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0]!;
    if (!path.startsWith('/api/')) return;
    if (req.method !== 'GET' && req.method !== 'HEAD' && !originAllowed(req)) {
      return reply
        .code(403)
        .send({ error: 'forbidden_origin', message: 'request from a foreign origin refused' });
    }
    const token = req.cookies[SESSION_COOKIE];
    if (token) req.session = (await sessions.validate(token)) ?? null;
    if (PUBLIC_API.has(path)) return;
    if (!req.session) return reply.code(401).send({ error: 'unauthorized', message: 'log in first' });
  });
}
