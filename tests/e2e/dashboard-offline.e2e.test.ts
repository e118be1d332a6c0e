import { type Stack, startStack } from '@botpulse/tools/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postText } from './helpers/bot';
import {
  describeWithBrowser,
  launchBrowser,
  loginThroughForm,
  openPage,
  textOf,
  unexpectedProblems,
  type WatchedPage,
  waitForAttribute,
  waitForCount,
} from './helpers/browser';
import type { PageElement } from './helpers/dom';

function feedItem(page: Page, text: string) {
  return page.locator('[data-testid="message-feed"] .message-item', { hasText: text });
}

/**
 * What the page's socket.io client sends and receives, whichever transport carries it (the first
 * packets of a connection go over HTTP long-polling, later ones over the WebSocket).
 */
function recordSocketTraffic(page: Page): { sent: string[]; received: string[] } {
  const traffic = { sent: [] as string[], received: [] as string[] };
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => traffic.sent.push(String(f.payload)));
    ws.on('framereceived', (f) => traffic.received.push(String(f.payload)));
  });
  page.on('request', (req) => {
    if (req.url().includes('/socket.io/') && req.method() === 'POST') traffic.sent.push(req.postData() ?? '');
  });
  page.on('response', (res) => {
    if (!res.url().includes('/socket.io/') || res.request().method() !== 'GET') return;
    res.text().then(
      (body) => traffic.received.push(body),
      () => {},
    );
  });
  return traffic;
}

describeWithBrowser('dashboard: the admin goes away and comes back', () => {
  let stack: Stack;
  let browser: Browser;
  let tab: WatchedPage;
  let traffic: { sent: string[]; received: string[] };
  const before = `Before the outage ${Date.now()}`;
  const during = `Sent while the admin was down ${Date.now()}`;
  let beforeId = 0;
  let total = 0;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    tab = await openPage(browser);
    traffic = recordSocketTraffic(tab.page);
    await loginThroughForm(tab.page, stack);
    await tab.page.waitForURL((url) => url.pathname === '/');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('is live and shows a message', async () => {
    const { page } = tab;
    await waitForAttribute(page, 'connection-state', 'data-state', 'live');
    await postText(stack, '7300000000000001', before);
    await feedItem(page, before).waitFor();
    beforeId = Number(await feedItem(page, before).getAttribute('data-message-id'));
    expect(beforeId).toBeGreaterThan(0);
    total = await waitForCount(page, 'total-messages', { min: 1 });
  });

  it('says reconnecting, then offline, when the admin stops', async () => {
    const { page } = tab;
    await stack.admin!.stop();
    await waitForAttribute(page, 'connection-state', 'data-state', 'reconnecting', 10_000);
    expect(await textOf(page, 'connection-state')).toBe('Reconnecting…');
    await waitForAttribute(page, 'connection-state', 'data-state', 'offline', 20_000);
    expect(await textOf(page, 'connection-state')).toBe('Offline');
    // What was on screen stays on screen.
    expect(await feedItem(page, before).count()).toBe(1);
  });

  it('goes live again when the admin is back, with what it missed', async () => {
    const { page } = tab;
    // The bot keeps working without the admin: this message is stored while no dashboard can see it.
    await postText(stack, '7300000000000002', during);
    await stack.waitFor(
      async () => (await stack.conversations()).some((c) => c.message_text === during),
      'the row',
    );
    const sentBefore = traffic.sent.length;
    const receivedBefore = traffic.received.length;

    await stack.startAdmin(stack.adminPort);
    await waitForAttribute(page, 'connection-state', 'data-state', 'live', 30_000);
    await feedItem(page, during).waitFor();
    expect(await waitForCount(page, 'total-messages', { min: total + 1 })).toBe(total + 1);

    // Newest first, no hole: the missed message sits right above the one seen before the outage.
    const shown = await page.$$eval('[data-testid="message-feed"] .message-item', (items: PageElement[]) =>
      items
        .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
        .map((i) => ({
          id: Number(i.getAttribute('data-message-id')),
          text: i.querySelector('.message-text')?.textContent ?? '',
        })),
    );
    expect(shown.map((m) => m.text)).toEqual([during, before]);
    expect(shown[0]!.id).toBeGreaterThan(beforeId);

    // The reconnecting client asked for what came after the last message it had seen.
    const resubscribes = traffic.sent.slice(sentBefore).filter((p) => p.includes('"subscribe"'));
    expect(resubscribes.some((p) => p.includes(`"since":${beforeId}`))).toBe(true);
    // …and the admin replayed exactly that one (the `since` catch-up, not just a snapshot reload).
    const acks = traffic.received.slice(receivedBefore).filter((p) => p.includes('"replayed"'));
    expect(acks.some((p) => p.includes('"ok":true') && p.includes('"replayed":1'))).toBe(true);
  });

  it('the page threw nothing while the server was away', () => {
    // Refused connections while the admin is down are the browser reporting the outage, not bugs.
    const problems = unexpectedProblems(tab.problems).filter(
      (p) =>
        !/Failed to load resource: net::ERR_CONNECTION_REFUSED|WebSocket connection to .* failed/.test(p),
    );
    expect(problems).toEqual([]);
  });
});
