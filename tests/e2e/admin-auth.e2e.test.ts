import type { ApiError, SessionInfo } from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, cookieOf, type DashboardSocket, dashboardSocket, login } from './admin-support';

// Admin authentication end to end: the session cookie, refusals without a session or from a
// foreign origin (REST and the dashboard socket), logout, idle expiry, password change, throttling.

/** Every /api route other than login, with a method: all must answer 401 without a session. */
const PROTECTED: Array<[string, string]> = [
  ['GET', '/api/auth/me'],
  ['POST', '/api/auth/logout'],
  ['POST', '/api/auth/password'],
  ['GET', '/api/monitoring/dashboard'],
  ['GET', '/api/monitoring/export?format=csv&type=messages'],
  ['GET', '/api/analytics/overview'],
  ['GET', '/api/analytics/timeline?granularity=day'],
  ['GET', '/api/analytics/users'],
  ['GET', '/api/analytics/heatmap'],
  ['DELETE', '/api/users/6100000000000001'],
  ['GET', '/api/conversations?q=x'],
  ['GET', '/api/users/6100000000000001'],
  ['GET', '/api/users/6100000000000001/conversations'],
  ['GET', '/api/no-such-route'],
];

function attributes(setCookie: string): Map<string, string> {
  const [, ...parts] = setCookie.split(';');
  return new Map(
    parts.map((p) => {
      const [k, v = ''] = p.trim().split('=');
      return [k!.toLowerCase(), v];
    }),
  );
}

async function me(stack: Stack, cookie: string) {
  return stack.api<SessionInfo | ApiError>('/api/auth/me', cookie);
}

describe('sessions', () => {
  let stack: Stack;
  let password: string;
  const sockets: DashboardSocket[] = [];
  const socket = (headers: Record<string, string>) => {
    const s = dashboardSocket(stack, headers);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    stack = await startStack({ bots: 0, graph: false });
    password = stack.secrets.ADMIN_PASSWORD;
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await stack?.stop();
  });

  it('login sets an httpOnly, SameSite=Strict session cookie', async () => {
    const res = await login(stack, 'admin', password);
    expect(res.status).toBe(200);
    const body = (await res.json()) as SessionInfo;
    expect(body.username).toBe('admin');
    const maxAgeMs = Date.parse(body.expires_at) - Date.now();
    expect(maxAgeMs).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(maxAgeMs).toBeLessThanOrEqual(7 * 86_400_000);

    const lines = res.headers.getSetCookie();
    expect(lines).toHaveLength(1);
    const [nameValue] = lines[0]!.split(';');
    expect(nameValue).toMatch(/^botpulse_session=[A-Za-z0-9_-]{40,}$/);
    const attrs = attributes(lines[0]!);
    expect(attrs.has('httponly')).toBe(true);
    expect(attrs.get('samesite')?.toLowerCase()).toBe('strict');
    expect(attrs.get('path')).toBe('/');
    expect(attrs.get('max-age')).toBe(String(7 * 86_400));
    // Plain http here: a Secure cookie would never be sent back.
    expect(attrs.has('secure')).toBe(false);

    const who = await me(stack, cookieOf(res));
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ username: 'admin' });
  });

  it.each([
    ['a wrong password', 'admin', 'not-the-password'],
    ['an unknown user', 'nobody', 'not-the-password'],
  ])('%s → 401 "Invalid username or password", no cookie', async (_what, username, pw) => {
    const res = await login(stack, username, pw);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: 'invalid_credentials',
      message: 'Invalid username or password',
    });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('a login body without a password → 400 naming it', async () => {
    const res = await fetch(`${stack.adminUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ parameter: 'password' });
  });

  it.each(PROTECTED)('%s %s → 401 without a session, and with a made-up one', async (method, path) => {
    for (const cookie of ['', 'botpulse_session=forged-token-value']) {
      const res = await fetch(stack.adminUrl + path, {
        method,
        headers: {
          ...(cookie ? { cookie } : {}),
          ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'unauthorized' });
    }
  });

  it('logout ends the session: the old cookie gets 401', async () => {
    const cookie = await stack.login();
    expect((await me(stack, cookie)).status).toBe(200);
    const res = await stack.api('/api/auth/logout', cookie, { method: 'POST' });
    expect(res.status).toBe(204);
    // The browser is told to drop the cookie.
    const cleared = res.headers.get('set-cookie') ?? '';
    expect(cleared).toMatch(/^botpulse_session=;/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/);
    expect((await me(stack, cookie)).status).toBe(401);
    expect((await stack.api('/api/monitoring/dashboard', cookie)).status).toBe(401);
  });

  it('logout closes the dashboard sockets of that session', async () => {
    const cookie = await stack.login();
    const s = socket({ cookie });
    expect(await connect(s)).toEqual({ ok: true });
    const closed = new Promise<string>((resolve) => s.once('disconnect', resolve));
    expect((await stack.api('/api/auth/logout', cookie, { method: 'POST' })).status).toBe(204);
    expect(await closed).toBe('io server disconnect');
  });

  describe('the dashboard socket', () => {
    let cookie: string;
    beforeAll(async () => {
      cookie = await stack.login();
    });

    it('without a cookie → connect_error "unauthorized"', async () => {
      expect(await connect(socket({}))).toEqual({ ok: false, message: 'unauthorized' });
    });

    it('with a made-up or logged-out cookie → connect_error "unauthorized"', async () => {
      expect(await connect(socket({ cookie: 'botpulse_session=forged' }))).toEqual({
        ok: false,
        message: 'unauthorized',
      });
      const old = await stack.login();
      await stack.api('/api/auth/logout', old, { method: 'POST' });
      expect(await connect(socket({ cookie: old }))).toEqual({ ok: false, message: 'unauthorized' });
    });

    it('with a foreign Origin → refused even with a valid session', async () => {
      for (const origin of ['https://evil.example', `http://localhost:${stack.adminPort}`, 'null']) {
        expect(await connect(socket({ cookie, origin }))).toEqual({ ok: false, message: 'forbidden origin' });
      }
    });

    it('with the own origin, or no Origin (not a browser), and a session → accepted', async () => {
      expect(await connect(socket({ cookie, origin: `http://127.0.0.1:${stack.adminPort}` }))).toEqual({
        ok: true,
      });
      expect(await connect(socket({ cookie }))).toEqual({ ok: true });
    });
  });

  it('POST /api/auth/logout from a foreign Origin → 403 and the session stays', async () => {
    const cookie = await stack.login();
    const res = await stack.api<ApiError>('/api/auth/logout', cookie, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'forbidden_origin' });
    expect((await me(stack, cookie)).status).toBe(200);
    // The same request from the admin's own origin works.
    const own = await stack.api('/api/auth/logout', cookie, {
      method: 'POST',
      headers: { origin: stack.adminUrl },
    });
    expect(own.status).toBe(204);
  });

  it('a login from a foreign Origin → 403', async () => {
    const res = await fetch(`${stack.adminUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('a password change ends the other sessions and keeps the current one', async () => {
    const current = await stack.login();
    const other = await stack.login();
    const change = (cookie: string, body: unknown) =>
      stack.api<ApiError>('/api/auth/password', cookie, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const next = `new-${password}`;

    const short = await change(current, { current_password: password, new_password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.parameter).toBe('new_password');
    const wrong = await change(current, { current_password: 'wrong-password', new_password: next });
    expect(wrong.status).toBe(403);
    expect(wrong.body.parameter).toBe('current_password');
    expect((await me(stack, other)).status).toBe(200);

    const ok = await change(current, { current_password: password, new_password: next });
    expect(ok.status).toBe(204);
    expect((await me(stack, current)).status).toBe(200);
    expect((await me(stack, other)).status).toBe(401);
    expect((await login(stack, 'admin', password)).status).toBe(401);
    expect((await login(stack, 'admin', next)).status).toBe(200);
    password = next;
  });
});

describe('idle expiry', () => {
  const IDLE_S = 4;
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ bots: 0, graph: false, env: { SESSION_IDLE_SECONDS: String(IDLE_S) } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Waits until `ms` have passed since `since` (Date.now() based). */
  const waitUntilPassed = (since: number, ms: number) =>
    stack.waitFor(() => Date.now() - since >= ms, `${ms} ms to pass`, ms + 5_000, 20);

  it(`a session used every second outlives ${IDLE_S} s; left idle for longer it ends`, async () => {
    const cookie = await stack.login();
    const started = Date.now();
    let last = started;
    while (Date.now() - started < 2.5 * IDLE_S * 1000) {
      await waitUntilPassed(last, 1_000);
      last = Date.now();
      const res = await me(stack, cookie);
      expect(res.status, `after ${((last - started) / 1000).toFixed(1)} s of use`).toBe(200);
    }
    await waitUntilPassed(last, IDLE_S * 1000 + 500);
    expect((await me(stack, cookie)).status).toBe(401);
    expect(await connect(dashboardSocket(stack, { cookie }))).toEqual({ ok: false, message: 'unauthorized' });
  });
});

describe('login throttle', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ bots: 0, graph: false });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('5 failures for a username → 429 with Retry-After, even for the right password', async () => {
    for (let i = 0; i < 5; i++) expect((await login(stack, 'admin', `wrong-${i}`)).status).toBe(401);
    const blocked = await login(stack, 'admin', stack.secrets.ADMIN_PASSWORD);
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    // The username's 5-minute window, nearly all of it left.
    expect(retryAfter).toBeGreaterThan(280);
    expect(retryAfter).toBeLessThanOrEqual(300);
    expect(await blocked.json()).toMatchObject({ error: 'too_many_attempts' });
    expect(blocked.headers.getSetCookie()).toEqual([]);
  });

  it('20 failures from one address (different usernames) → 429 for any username', async () => {
    // 6 attempts of this address were counted above (5 failures, then the refused right one);
    // 14 more reach 20.
    for (let i = 0; i < 14; i++) expect((await login(stack, `user${i}`, 'wrong')).status).toBe(401);
    const blocked = await login(stack, 'someone-new', 'wrong');
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });
});
