import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, type Stack, startStack } from '@botpulse/tools/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AlertReceiver, startAlertReceiver } from '../../tools/src/fakes/alert-receivers';
import { alertsApi, onlyRule } from './helpers/alerts';
import {
  addSessionCookie,
  describeWithBrowser,
  launchBrowser,
  openPage,
  unexpectedProblems,
} from './helpers/browser';
import type { PageGlobals } from './helpers/dom';

// The Alerts page in Chromium: rules with their state, the banner on every page while BotDown
// fires, the link beside the health dots, "Send test" reaching the receiver; pictures for docs/.

describeWithBrowser('the Alerts page', () => {
  let stack: Stack;
  let browser: Browser;
  let receiver: AlertReceiver;
  let outDir: string;

  beforeAll(async () => {
    receiver = await startAlertReceiver();
    // DOCS_SCREENSHOTS=1 refreshes the pictures in docs/images (as the guide test does).
    outDir =
      process.env.DOCS_SCREENSHOTS === '1'
        ? join(ROOT, 'docs/images')
        : await mkdtemp(join(tmpdir(), 'botpulse-alert-shots-'));
    [stack, browser] = await Promise.all([
      startStack({
        env: { ALERT_EVAL_SECONDS: '0.5', ALERT_SLACK_WEBHOOK_URL: receiver.url('/services/T0/B0/secret') },
      }),
      launchBrowser(),
    ]);
    const api = alertsApi(stack, await stack.login());
    await onlyRule(api, 'BotDown', { for_seconds: 1 });
    await api.setRule('DependencyDown', { enabled: true });
    await api.setRule('WebhookBacklog', { enabled: true });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await receiver?.stop();
  });

  it('shows rules, the firing banner on every page, and sends a test', async () => {
    const { page, context, problems } = await openPage(browser);
    await addSessionCookie(context, stack);
    await page.goto(`${stack.adminUrl}/alerts`);
    await page.getByTestId('alerts-page').waitFor();
    await page.waitForSelector('[data-testid="alert-rule"][data-alertname="BotDown"][data-state="normal"]');
    expect(await page.getByTestId('alert-rule').count()).toBe(7);
    expect(await page.getByRole('link', { name: 'Alerts' }).first().getAttribute('href')).toBe('/alerts');

    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByTestId('channel-test-result').filter({ hasText: 'Test sent' }).waitFor();
    expect(receiver.received('/services/T0/B0/secret')).toHaveLength(1);
    expect(await page.content()).not.toContain('/services/T0/B0/secret');

    await stack.bots[0]!.process.kill();
    await page.waitForSelector('[data-testid="alert-rule"][data-alertname="BotDown"][data-state="firing"]', {
      timeout: 30_000,
    });
    await page.getByTestId('alert-banner').waitFor({ timeout: 10_000 });
    await page.mouse.move(4, 796);
    await page.evaluate(() =>
      (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
    );
    const shot = join(outDir, 'alerts.png');
    await page.screenshot({ path: shot, fullPage: true, animations: 'disabled', caret: 'hide' });
    expect((await readFile(shot)).length).toBeGreaterThan(10_000);

    // The banner is on every page; the Monitoring page links from the health dots.
    await page.getByRole('link', { name: 'Monitoring' }).click();
    await page.getByTestId('alert-banner').waitFor();
    expect(await page.getByTestId('alert-banner').textContent()).toContain('BotDown');
    await page.getByTestId('health-alerts-link').filter({ hasText: '1 alert firing' }).click();
    await page.getByTestId('alerts-page').waitFor();
    expect(unexpectedProblems(problems)).toEqual([]);
    await context.close();
  });

  it('fits a 390 px phone: no sideways overflow, the nav scrolls', async () => {
    const { page, context } = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    await addSessionCookie(context, stack);
    await page.goto(`${stack.adminUrl}/alerts`);
    await page.waitForSelector('[data-testid="alert-rule"][data-alertname="BotDown"]');
    const overflow = await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      return w.document.documentElement.scrollWidth - w.innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({
      path: join(outDir, 'alerts-phone.png'),
      animations: 'disabled',
      caret: 'hide',
    });
    await context.close();
  });
});
