import type { ValidSession } from '@botpulse/db';
import { canonicalPath, isUnder } from '@botpulse/runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, type SessionStore } from './sessions';

export type AdminSession = ValidSession & { tokenHash: string };

declare module 'fastify' {
  interface FastifyRequest {
    /** set by the API guard; read it through `sessionOf` */
    session: AdminSession | null;
  }
}

/** How a route of the admin is protected; every `/api` route must have one (checked at start). */
export type RouteGuard = 'session' | 'login';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export class UnauthorizedError extends Error {
  readonly statusCode = 401;
  readonly code = 'unauthorized';
  constructor() {
    super('log in first');
  }
}

/** The request's session. Throws (401) rather than ever letting a handler run without one. */
export function sessionOf(req: FastifyRequest): AdminSession {
  if (!req.session) throw new UnauthorizedError();
  return req.session;
}

/**
 * The rule that protects the admin's API lives on its routes: `/api` routes are registered inside
 * scopes (`sessionScope`, `loginScope`) whose onRequest hooks run for every route of the scope,
 * whatever spelling of the path the router decoded to reach it (`/%61pi/…` is `/api/…` to the
 * router). A global hook testing `req.url` for a prefix is exactly what that spelling slipped past.
 */
export class ApiGuard {
  private readonly guarded = new Map<string, RouteGuard>();
  private readonly apiRoutes: Array<{ method: string; url: string }> = [];

  constructor(
    private readonly sessions: SessionStore,
    private readonly originAllowed: (req: FastifyRequest) => boolean,
  ) {}

  /** Call on the root instance before any route is registered. */
  install(app: FastifyInstance) {
    app.decorateRequest('session', null);
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        if (isUnder(canonicalPath(route.url), '/api')) this.apiRoutes.push({ method, url: route.url });
      }
    });
  }

  /** Every `/api` route except login: a foreign Origin on a state-changing method → 403; no session → 401. */
  sessionScope = async (scope: FastifyInstance) => this.scope(scope, 'session');

  /** Login: the Origin rule only (a login from a foreign page is refused too). */
  loginScope = async (scope: FastifyInstance) => this.scope(scope, 'login');

  private scope(scope: FastifyInstance, guard: RouteGuard) {
    scope.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) this.guarded.set(`${method} ${route.url}`, guard);
    });
    scope.addHook('onRequest', async (req, reply) => {
      if (this.refuseForeignOrigin(req, reply)) return reply;
      await this.loadSession(req);
      if (guard === 'session' && !req.session) return unauthorized(reply);
    });
  }

  /**
   * A request the router matched to no route but whose path names the API (`/API/x`, `/api/./x`,
   * `/api;x/…`): refused like a real route (403/401), and only then 404, so probing spellings
   * tells an outsider nothing. Returns false when the path is not the API's.
   */
  async refuseUnmatched(req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    if (!isUnder(canonicalPath(req.url), '/api')) return false;
    if (this.refuseForeignOrigin(req, reply)) return true;
    await this.loadSession(req);
    if (!req.session) unauthorized(reply);
    else reply.code(404).send({ error: 'not_found', message: `no route for ${req.method} ${req.url}` });
    return true;
  }

  /** The `/api` routes of the server and their guard (`undefined`: registered outside both scopes). */
  routes(): Array<{ method: string; url: string; guard: RouteGuard | undefined }> {
    return this.apiRoutes.map((r) => ({ ...r, guard: this.guarded.get(`${r.method} ${r.url}`) }));
  }

  /** Refuses to start a server with an `/api` route outside the guarded scopes. */
  assertAllGuarded() {
    const open = this.routes().filter((r) => !r.guard);
    if (open.length > 0) {
      throw new Error(
        `API routes registered outside the session scope: ${open.map((r) => `${r.method} ${r.url}`).join(', ')}`,
      );
    }
  }

  private refuseForeignOrigin(req: FastifyRequest, reply: FastifyReply): boolean {
    if (SAFE_METHODS.has(req.method) || this.originAllowed(req)) return false;
    reply.code(403).send({ error: 'forbidden_origin', message: 'request from a foreign origin refused' });
    return true;
  }

  private async loadSession(req: FastifyRequest) {
    const token = req.cookies[SESSION_COOKIE];
    req.session = token ? ((await this.sessions.validate(token)) ?? null) : null;
  }
}

function unauthorized(reply: FastifyReply) {
  return reply.code(401).send({ error: 'unauthorized', message: 'log in first' });
}
