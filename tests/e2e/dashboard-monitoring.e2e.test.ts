import { type Stack, startStack } from '@botpulse/tools/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postText } from './helpers/bot';
import {
  describeWithBrowser,
  launchBrowser,
  loginThroughForm,
  openPage,
  unexpectedProblems,
  type WatchedPage,
  waitForAttribute,
  waitForCount,
} from './helpers/browser';
import type { PageElement, PageGlobals } from './helpers/dom';

/** The feed's message texts, top to bottom, as rendered. */
function feedTexts(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="message-feed"] .message-item', (items: PageElement[]) =>
    items
      .map((item) => ({
        top: item.getBoundingClientRect().top,
        text: item.querySelector('.message-text')?.textContent ?? '',
      }))
      .sort((a, b) => a.top - b.top)
      .map((i) => i.text),
  );
}

async function waitForFeedText(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (wanted) =>
      [
        ...(globalThis as unknown as PageGlobals).document.querySelectorAll(
          '[data-testid="message-feed"] .message-text',
        ),
      ].some((p) => p.textContent === wanted),
    text,
    { timeout: 30_000 },
  );
}

describeWithBrowser('dashboard: Monitoring, live', () => {
  let stack: Stack;
  let browser: Browser;
  let tab: WatchedPage;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    tab = await openPage(browser);
    await loginThroughForm(tab.page, stack);
    await tab.page.waitForURL((url) => url.pathname === '/');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the health of the bot and each dependency', async () => {
    const { page } = tab;
    // This stack: a bot and its database, the fake Graph API with a page token, no Gemini key.
    await waitForAttribute(page, 'health-bot', 'data-status', 'ok');
    await waitForAttribute(page, 'health-database', 'data-status', 'ok');
    await waitForAttribute(page, 'health-facebook', 'data-status', 'ok');
    await waitForAttribute(page, 'health-gemini', 'data-status', 'not_configured');
  });

  it('goes live on the socket', async () => {
    await waitForAttribute(tab.page, 'connection-state', 'data-state', 'live');
  });

  it('a signed webhook appears in the feed and the totals without a reload', async () => {
    const { page } = tab;
    const before = await waitForCount(page, 'total-messages', { min: 0 });
    expect(before).toBe(0);
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).e2eMarker = 'still here';
    });

    const psid = '7100000000000001';
    stack.graph!.setProfile(psid, { firstName: 'Ada', lastName: 'Lovelace' });
    const text = `Hello from the browser test ${Date.now()}`;
    await postText(stack, psid, text);

    await waitForFeedText(page, text);
    expect(await waitForCount(page, 'total-messages', { min: before + 1 })).toBe(before + 1);
    expect(await waitForCount(page, 'active-users-today', { min: 1 })).toBe(1);
    const item = page.locator('[data-testid="message-feed"] .message-item', { hasText: text });
    expect(await item.locator('.message-user').textContent()).toBe('Ada Lovelace');
    expect(await item.locator('.message-user-id').textContent()).toBe(psid);

    expect(navigations).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).e2eMarker)).toBe('still here');
  });

  it('the feed is newest first and shows each message in full', async () => {
    const { page } = tab;
    const total = await waitForCount(page, 'total-messages', { min: 1 });
    const older = `Older message ${Date.now()}`;
    await postText(stack, '7100000000000002', older);
    await waitForFeedText(page, older);
    // Long, with a line break: the feed must not cut it to one line or an ellipsis.
    const newer = `${'A long question about opening hours, delivery times and prices. '.repeat(8)}\nSecond line ${Date.now()}`;
    await postText(stack, '7100000000000003', newer);
    await waitForFeedText(page, newer);
    await waitForCount(page, 'total-messages', { min: total + 2, max: total + 2 });

    const texts = await feedTexts(page);
    expect(texts.slice(0, 2)).toEqual([newer, older]);

    const clipped = await page
      .locator('[data-testid="message-feed"] .message-text', { hasText: 'Second line' })
      .evaluate((el: PageElement) => {
        const style = (globalThis as unknown as PageGlobals).getComputedStyle(el);
        return {
          overflowing: el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1,
          ellipsis: style.textOverflow === 'ellipsis',
          clamp: style.webkitLineClamp !== 'none' && style.webkitLineClamp !== '',
          lines: Math.round(el.getBoundingClientRect().height / Number.parseFloat(style.lineHeight)),
        };
      });
    expect(clipped).toMatchObject({ overflowing: false, ellipsis: false, clamp: false });
    expect(clipped.lines).toBeGreaterThan(2);
  });

  it('draws the last 24 hours chart', async () => {
    const { page } = tab;
    await page.waitForSelector('[data-testid="volume-24h"] svg.recharts-surface');
    expect(await page.locator('[data-testid="volume-24h"] svg path').count()).toBeGreaterThan(0);
  });

  it('the page threw no errors', () => {
    expect(unexpectedProblems(tab.problems)).toEqual([]);
  });
});
