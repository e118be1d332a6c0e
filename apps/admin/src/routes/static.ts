import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../auth/sessions';

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Botpulse</title>
<body style="font-family:system-ui;margin:3rem"><h1>The dashboard is not built yet</h1>
<p>Run <code>npm run build</code> (or simply <code>npm start</code>, which builds it) and reload.</p>
<p>The API is up: <a href="/api/auth/me">/api/auth/me</a>.</p></body>`;

/** The built dashboard at `/`, with client-side routes (/login, /analytics) falling back to index.html. */
export const staticRoutes: FastifyPluginAsync<{
  dashboardDir: string;
  /** answers an unmatched request for a protected area (API, metrics) itself; true when it did */
  refuseUnmatched: (req: FastifyRequest, reply: FastifyReply) => Promise<boolean>;
}> = async (app, { dashboardDir, refuseUnmatched }) => {
  const built = existsSync(join(dashboardDir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: dashboardDir,
      wildcard: false,
      index: false,
      cacheControl: false,
    });
  }
  const sendIndex = (reply: FastifyReply) =>
    built
      ? reply.header('cache-control', 'no-cache').sendFile('index.html')
      : reply.type('text/html').send(NOT_BUILT);

  /**
   * A page other than /login asked for without a session cookie goes straight to the login form
   * (302, with where to come back to), instead of a blank page while the app asks the API whether
   * there is a session. A cookie that turns out stale is still handled by the app itself.
   */
  const sendPage = (req: FastifyRequest, reply: FastifyReply) => {
    const [path = '/', search = ''] = req.url.split(/\?(.*)/s, 2);
    if (path === '/login' || req.cookies[SESSION_COOKIE]) return sendIndex(reply);
    const intended = search ? `${path}?${search}` : path;
    const target = intended === '/' ? '/login' : `/login?next=${encodeURIComponent(intended)}`;
    return reply.header('cache-control', 'no-store').header('vary', 'cookie').redirect(target, 302);
  };

  app.setNotFoundHandler(async (req, reply) => {
    if (await refuseUnmatched(req, reply)) return reply;
    const path = req.url.split('?')[0]!;
    const wantsPage =
      req.method === 'GET' &&
      !path.startsWith('/api/') &&
      !path.startsWith('/socket.io') &&
      !/\.\w+$/.test(path);
    if (wantsPage) return sendPage(req, reply);
    return reply.code(404).send({ error: 'not_found', message: `no route for ${req.method} ${path}` });
  });
  app.get('/', (req, reply) => sendPage(req, reply));
  if (built) {
    // Hashed assets never change: cache them for a year.
    app.addHook('onSend', async (req, reply, payload) => {
      if (req.url.startsWith('/assets/'))
        reply.header('cache-control', 'public, max-age=31536000, immutable');
      return payload;
    });
  }
};
