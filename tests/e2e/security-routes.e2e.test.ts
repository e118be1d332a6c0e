import { createTestDatabase, type TestDatabase } from '@botpulse/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminService } from '../../apps/admin/src/server';
import type { BotService } from '../../apps/bot/src/app';
import {
  type InProcess,
  inProcessAdmin,
  inProcessBot,
  type RawResponse,
  rawRequest,
} from './helpers/in-process';

// Every protected route, however its path is spelled. The router decodes `%61pi` into `api`, so a
// guard that tests the raw URL lets it through; these tests take the route table from the servers
// themselves (a route added later is covered without editing this file) and try each spelling an
// attacker would: none may reach a handler without a session (admin /api) or the DEBUG_TOKEN
// (/debug, /metrics on both services).

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const EVIL_ORIGIN = 'https://evil.example';

/** A concrete path for a route pattern: parameters get plausible values. */
function concrete(url: string): string {
  return url.replace(/:(\w+)/g, (_, name: string) =>
    name === 'alertname' ? 'BotDown' : name === 'id' ? '9000000000000015' : '1',
  );
}

const encode = (ch: string) => `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** The spellings of `path` (which starts with `area`, e.g. `/api`) that the issue lists, and a few more. */
function spellings(path: string, area: string): Array<[string, string]> {
  const name = area.slice(1); // 'api'
  const rest = path.slice(area.length); // '/monitoring/dashboard' or ''
  const first = name[0]!;
  const last = name.at(-1)!;
  return [
    ['as registered', path],
    [`%xx first letter`, `/${encode(first)}${name.slice(1)}${rest}`],
    [`%xx last letter`, `/${name.slice(0, -1)}${encode(last)}${rest}`],
    ['%25xx (double-encoded)', `/%25${first.charCodeAt(0).toString(16)}${name.slice(1)}${rest}`],
    ['/./ segment', `/${name}/.${rest || '/'}`],
    ['// duplicate slash', `/${name}/${rest || '/'}`],
    ['// leading', `//${name}${rest}`],
    ['upper case', `/${name.toUpperCase()}${rest}`],
    ['; parameter on the area', `/${name};x=1${rest}`],
    ['; parameter at the end', `${path};x=1`],
    ['trailing %00', `${path}%00`],
    ['%2F for slashes', `/${name}${rest.replaceAll('/', '%2F')}`],
    ['..', `/x/..${path}`],
  ];
}

function refused(r: RawResponse, expected: 401 | 403, label: string) {
  expect(r.status, `${label}: ${r.status} ${r.body.slice(0, 120)}`).toBe(expected);
  expect(r.body, `${label} leaks nothing`).not.toMatch(/"(totals|items|rows|buckets|cells|username)"/);
}

describe('admin: every /api route, every spelling', () => {
  let database: TestDatabase;
  let admin: InProcess<AdminService>;
  let cookie: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = await inProcessAdmin(database.url);
    const res = await rawRequest(
      admin.url,
      'POST',
      '/api/auth/login',
      {},
      JSON.stringify({ username: 'admin', password: admin.secrets.ADMIN_PASSWORD }),
    );
    expect(res.status).toBe(200);
    cookie = [res.headers['set-cookie']].flat()[0]!.split(';')[0]!;
  });
  afterAll(async () => {
    await admin?.stop();
    await database?.drop();
  });

  const apiRoutes = () => admin.service.apiRoutes().filter((r) => r.method !== 'HEAD');

  it('every /api route is registered under a guard, and only login without a session', () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(9);
    expect(routes.filter((r) => r.guard === undefined)).toEqual([]);
    expect(routes.filter((r) => r.guard === 'login').map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /api/auth/login',
    ]);
  });

  it('without a session: 401 for every route and spelling, 403 for a foreign Origin on state-changing ones', async () => {
    const tried: string[] = [];
    for (const route of apiRoutes().filter((r) => r.guard === 'session')) {
      for (const [label, path] of spellings(concrete(route.url), '/api')) {
        const what = `${route.method} ${path} (${label})`;
        const body = STATE_CHANGING.has(route.method) ? '{}' : undefined;
        refused(await rawRequest(admin.url, route.method, path, {}, body), 401, what);
        if (STATE_CHANGING.has(route.method)) {
          const foreign = await rawRequest(admin.url, route.method, path, { origin: EVIL_ORIGIN }, body);
          refused(foreign, 403, `${what} from ${EVIL_ORIGIN}`);
          // A session does not lift the Origin rule.
          const withSession = await rawRequest(
            admin.url,
            route.method,
            path,
            { origin: EVIL_ORIGIN, cookie },
            body,
          );
          refused(withSession, 403, `${what} from ${EVIL_ORIGIN} with a session`);
        }
        tried.push(what);
      }
    }
    console.log(`[routes] admin: ${tried.length} (route, spelling) pairs refused without a session`);
  });

  it('login from a foreign Origin is refused however it is spelled', async () => {
    for (const [label, path] of spellings('/api/auth/login', '/api')) {
      const r = await rawRequest(
        admin.url,
        'POST',
        path,
        { origin: EVIL_ORIGIN },
        JSON.stringify({ username: 'admin', password: admin.secrets.ADMIN_PASSWORD }),
      );
      expect(r.status, label).toBe(403);
      expect(r.headers['set-cookie'], label).toBeUndefined();
    }
  });

  it('the spellings are real: with a session the decoded ones reach the handler (so the refusals above mean something)', async () => {
    const reached = await rawRequest(admin.url, 'GET', '/%61pi/auth/me', { cookie });
    expect(reached.status).toBe(200);
    expect(JSON.parse(reached.body)).toMatchObject({ username: 'admin' });
    const dashboard = await rawRequest(admin.url, 'GET', '/ap%69/monitoring/dashboard', { cookie });
    expect(dashboard.status).toBe(200);
    // An unmatched spelling with a session is simply not found (no SPA page, no data).
    expect((await rawRequest(admin.url, 'GET', '/API/auth/me', { cookie })).status).toBe(404);
  });

  it('the issue’s reproductions fail: export, dashboard, deletion from a foreign origin, password change', async () => {
    expect((await rawRequest(admin.url, 'GET', '/%61pi/monitoring/export?format=csv')).status).toBe(401);
    expect((await rawRequest(admin.url, 'GET', '/ap%69/monitoring/dashboard')).status).toBe(401);
    const del = await rawRequest(admin.url, 'DELETE', '/%61pi/users/9000000000000015', {
      origin: EVIL_ORIGIN,
    });
    expect(del.status).toBe(403);
    expect((await rawRequest(admin.url, 'POST', '/%61pi/auth/password', {}, '{}')).status).toBe(401);
  });

  it('/metrics: 401 without the DEBUG_TOKEN however it is spelled', async () => {
    const bearer = { authorization: `Bearer ${admin.secrets.DEBUG_TOKEN}` };
    for (const [label, path] of spellings('/metrics', '/metrics')) {
      const r = await rawRequest(admin.url, 'GET', path);
      expect(r.status, `${path} (${label})`).toBe(401);
      expect(r.body).not.toContain('# HELP');
      const wrong = await rawRequest(admin.url, 'GET', path, { authorization: 'Bearer wrong-token-000000' });
      expect(wrong.status, `${path} (${label}) with a wrong token`).toBe(401);
    }
    expect((await rawRequest(admin.url, 'GET', '/m%65trics', bearer)).body).toContain('# HELP');
  });

  it('eight unauthenticated analytics requests in parallel are refused before any query runs', async () => {
    const heavy = Array.from({ length: 8 }, (_, i) =>
      rawRequest(
        admin.url,
        'GET',
        `/%61pi/analytics/users?from=2020-01-01&to=2026-12-31&tz=America/New_York&page=${i + 1}`,
      ),
    );
    const started = performance.now();
    const me = await rawRequest(admin.url, 'GET', '/api/auth/me', { cookie });
    const meMs = performance.now() - started;
    const results = await Promise.all(heavy);
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(401));
    expect(me.status).toBe(200);
    console.log(`[routes] /api/auth/me beside 8 refused analytics requests: ${meMs.toFixed(1)} ms`);
  });
});

describe('bot: /debug/* and /metrics, every spelling', () => {
  let database: TestDatabase;
  let bot: InProcess<BotService>;

  beforeAll(async () => {
    database = await createTestDatabase();
    bot = await inProcessBot(database.url);
  });
  afterAll(async () => {
    await bot?.stop();
    await database?.drop();
  });

  it('401 without the DEBUG_TOKEN for every protected route and spelling; the token reaches them', async () => {
    const routes = bot.service
      .routes()
      .filter((r) => r.method !== 'HEAD' && /^\/(debug|metrics)(\/|$)/.test(r.url));
    expect(routes.map((r) => r.url)).toEqual(
      expect.arrayContaining(['/debug/health-quick', '/debug/metrics', '/debug/message-stream', '/metrics']),
    );
    let tried = 0;
    for (const route of routes) {
      const area = route.url.startsWith('/debug') ? '/debug' : '/metrics';
      for (const [label, path] of spellings(route.url, area)) {
        const r = await rawRequest(bot.url, route.method, path);
        expect(r.status, `${route.method} ${path} (${label})`).toBe(401);
        tried++;
      }
    }
    // The decoded spelling is the real route: with the token it answers.
    const bearer = { authorization: `Bearer ${bot.secrets.DEBUG_TOKEN}` };
    const metrics = await rawRequest(bot.url, 'GET', '/%64ebug/metrics', bearer);
    expect(metrics.status).toBe(200);
    expect(JSON.parse(metrics.body)).toHaveProperty('messages');
    console.log(`[routes] bot: ${tried} (route, spelling) pairs refused without the token`);
  });

  it('the SSE stream takes ?token= only on its own route, not as a way around the header elsewhere', async () => {
    const q = `?token=${bot.secrets.DEBUG_TOKEN}`;
    expect((await rawRequest(bot.url, 'GET', `/debug/metrics${q}`)).status).toBe(401);
    expect((await rawRequest(bot.url, 'GET', `/%64ebug/metrics${q}`)).status).toBe(401);
  });
});
