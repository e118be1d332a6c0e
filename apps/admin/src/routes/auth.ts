import { changePasswordSchema, loginRequestSchema } from '@botpulse/protocol/schemas';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import { sessionOf } from '../auth/api-guard';
import type { AuthService } from '../auth/auth-service';
import { SESSION_COOKIE, type SessionStore } from '../auth/sessions';

export interface AuthRouteOptions {
  auth: AuthService;
  sessions: SessionStore;
  /** a session ended: close its dashboard sockets */
  onSessionEnded: (tokenHash: string) => void;
}

function parseBody<T>(schema: ZodType<T>, body: unknown, reply: FastifyReply): T | undefined {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const parameter = String(issue.path[0] ?? 'body');
  void reply
    .code(400)
    .send({ error: 'invalid_parameter', parameter, message: `${parameter}: ${issue.message}` });
  return undefined;
}

function tooMany(reply: FastifyReply, waitMs: number) {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return reply
    .code(429)
    .header('retry-after', String(seconds))
    .send({
      error: 'too_many_attempts',
      message: `Too many login attempts. Try again in ${seconds} seconds.`,
    });
}

const cookieOptions = (req: FastifyRequest) => ({
  path: '/',
  httpOnly: true,
  sameSite: 'strict' as const,
  secure: req.protocol === 'https',
});

/** Login: the one API route without a session (registered in the guard's login scope). */
export const loginRoute: FastifyPluginAsync<AuthRouteOptions> = async (app, opts) => {
  app.post('/api/auth/login', async (req, reply) => {
    const body = parseBody(loginRequestSchema, req.body, reply);
    if (!body) return reply;
    const result = await opts.auth.login(body.username, body.password, req.ip);
    if (!result.ok && result.reason === 'throttled') return tooMany(reply, result.retryAfterMs);
    if (!result.ok) {
      req.log.warn({ audit: 'login_failed', address: req.ip }, 'failed admin login');
      return reply.code(401).send({ error: 'invalid_credentials', message: 'Invalid username or password' });
    }
    reply.setCookie(SESSION_COOKIE, result.token, {
      ...cookieOptions(req),
      maxAge: opts.sessions.cookieMaxAgeSeconds,
    });
    req.log.info({ audit: 'login', username: result.username, address: req.ip }, 'admin logged in');
    return { username: result.username, expires_at: result.expiresAt.toISOString() };
  });
};

/** Logout, who am I, and password change (registered in the guard's session scope). */
export const authRoutes: FastifyPluginAsync<AuthRouteOptions> = async (app, opts) => {
  app.post('/api/auth/logout', async (req, reply) => {
    const session = sessionOf(req);
    const token = req.cookies[SESSION_COOKIE];
    if (token) await opts.sessions.destroy(token);
    opts.onSessionEnded(session.tokenHash);
    reply.clearCookie(SESSION_COOKIE, cookieOptions(req));
    return reply.code(204).send();
  });

  app.get('/api/auth/me', async (req) => {
    const session = sessionOf(req);
    return { username: session.username, expires_at: session.expires_at.toISOString() };
  });

  app.post('/api/auth/password', async (req, reply) => {
    const body = parseBody(changePasswordSchema, req.body, reply);
    if (!body) return reply;
    const session = sessionOf(req);
    const result = await opts.auth.changePassword(
      session.username,
      body.current_password,
      body.new_password,
      req.ip,
      session.tokenHash,
    );
    if (!result.ok && result.reason === 'throttled') return tooMany(reply, result.retryAfterMs);
    if (!result.ok) {
      req.log.warn(
        { audit: 'password_change_refused', username: session.username, address: req.ip },
        'password change refused: wrong current password',
      );
      return reply.code(403).send({
        error: 'invalid_credentials',
        parameter: 'current_password',
        message: 'current_password is wrong',
      });
    }
    req.log.info(
      { audit: 'password_changed', username: session.username, address: req.ip },
      'admin password changed; other sessions ended',
    );
    return reply.code(204).send();
  });
};
