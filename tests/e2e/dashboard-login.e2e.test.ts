import { type Stack, startStack } from '@botpulse/tools/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeWithBrowser,
  launchBrowser,
  loginThroughForm,
  openPage,
  unexpectedProblems,
  type WatchedPage,
} from './helpers/browser';

describeWithBrowser('dashboard: signing in and out', () => {
  let stack: Stack;
  let browser: Browser;
  let tab: WatchedPage;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    tab = await openPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('an unknown visitor is sent to /login', async () => {
    const { page } = tab;
    await page.goto(`${stack.adminUrl}/analytics`);
    await page.waitForURL((url) => url.pathname === '/login');
    expect(page.url()).toContain('next=');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  it('the server sends a visitor without a session cookie to /login at once, and the form does not wait for the session check', async () => {
    const res = await fetch(`${stack.adminUrl}/analytics?granularity=week`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(
      `/login?next=${encodeURIComponent('/analytics?granularity=week')}`,
    );
    const home = await fetch(`${stack.adminUrl}/`, { redirect: 'manual' });
    expect([home.status, home.headers.get('location')]).toEqual([302, '/login']);
    // /login itself and the assets are served as before
    expect((await fetch(`${stack.adminUrl}/login`, { redirect: 'manual' })).status).toBe(200);

    // The session check never answers: the form is there anyway.
    const { page, context } = await openPage(browser);
    await page.route('**/api/auth/me', () => {});
    await page.goto(`${stack.adminUrl}/analytics`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 5_000 });
    await context.close();
  });

  it('a wrong password says "Invalid username or password" and stays on /login', async () => {
    const { page } = tab;
    await loginThroughForm(page, stack, 'not-the-password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect((await alert.textContent())?.trim()).toBe('Invalid username or password');
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('the right password lands on Monitoring', async () => {
    const { page } = tab;
    await page.goto(`${stack.adminUrl}/login`);
    await loginThroughForm(page, stack);
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('heading', { level: 1, name: 'Monitoring' }).waitFor();
    const link = page.getByRole('link', { name: 'Monitoring', exact: true });
    expect(await link.getAttribute('aria-current')).toBe('page');
    expect(await page.getByRole('link', { name: 'Analytics', exact: true }).getAttribute('href')).toBe(
      '/analytics',
    );
  });

  it('the session survives a reload', async () => {
    const { page } = tab;
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Monitoring' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    const status = await page.evaluate(async () => (await fetch('/api/auth/me')).status);
    expect(status).toBe(200);
  });

  it('logging out returns to /login, and the API then answers 401', async () => {
    const { page, context } = tab;
    const before = (await context.cookies(stack.adminUrl)).map((c) => `${c.name}=${c.value}`).join('; ');
    expect(before).toContain('=');
    await page.getByRole('button', { name: 'Log out' }).first().click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/monitoring/dashboard')).status);
    expect(status).toBe(401);
    // The old cookie is dead on the server too, not just forgotten by the browser.
    const replay = await stack.api('/api/monitoring/dashboard', before);
    expect(replay.status).toBe(401);
    // And the app does not let a back button show the dashboard again.
    await page.goto(`${stack.adminUrl}/`);
    await page.waitForURL((url) => url.pathname === '/login');
  });

  it('a dead session cookie: the login form, then Monitoring with its totals (the 401s of the first screen asked for early do not stick)', async () => {
    const { page, context } = tab;
    const name = (await stack.login()).split('=')[0]!;
    await context.addCookies([{ name, value: 'no-such-session', url: stack.adminUrl }]);
    await page.goto(`${stack.adminUrl}/`);
    await page.waitForURL((url) => url.pathname === '/login');
    await loginThroughForm(page, stack);
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByTestId('total-messages').filter({ hasText: /\d/ }).waitFor({ timeout: 10_000 });
  });

  it('the pages threw no errors', () => {
    // The wrong password and the probes while signed out are expected 401s; nothing else.
    expect(unexpectedProblems(tab.problems)).toEqual([]);
  });
});
