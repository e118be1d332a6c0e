import { readFile } from 'node:fs/promises';
import type { OverviewResponse, UsersResponse } from '@botpulse/protocol';
import { type Stack, startStack } from '@botpulse/tools/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateHistory } from '../../tools/src/history/generate';
import { postText } from './helpers/bot';
import {
  describeWithBrowser,
  launchBrowser,
  loginThroughForm,
  openPage,
  textOf,
  unexpectedProblems,
  type WatchedPage,
  waitForCount,
} from './helpers/browser';
import { MESSAGE_COLUMNS, parseCsv } from './helpers/csv';
import type { PageElement, PageGlobals } from './helpers/dom';

/** Not UTC on purpose: "today", the buckets and the heatmap hours are the viewer's. */
const TZ = 'Pacific/Auckland';

/** YYYY-MM-DD of `at` in `tz`. */
function dateIn(tz: string, at: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** "0.4 ms", "650 ms", "1.3 s" → ms, with how far the rounding may be off. */
function parseDuration(text: string): { ms: number; tolerance: number } {
  const ms = /^(\d[\d,]*(?:\.\d)?) ms$/.exec(text);
  if (ms) {
    const value = Number(ms[1]!.replace(/,/g, ''));
    return { ms: value, tolerance: value < 10 ? 0.05 : 0.5 };
  }
  const s = /^(\d+(?:\.\d)?) s$/.exec(text);
  if (s) return { ms: Number(s[1]) * 1000, tolerance: 50 };
  throw new Error(`not a duration: "${text}"`);
}

interface Range {
  from: string;
  to: string;
}

describeWithBrowser('dashboard: Analytics', () => {
  let stack: Stack;
  let browser: Browser;
  let tab: WatchedPage;
  let cookie: string;

  const query = (r: Range, extra = '') =>
    `from=${r.from}&to=${r.to}&tz=${encodeURIComponent(TZ)}${extra ? `&${extra}` : ''}`;

  async function overview(r: Range): Promise<OverviewResponse> {
    const res = await stack.api<OverviewResponse>(`/api/analytics/overview?${query(r)}`, cookie);
    expect(res.status).toBe(200);
    return res.body;
  }

  /** Conversations of the calendar days [from, to] in TZ, straight from the table. */
  async function sqlIds(r: Range): Promise<number[]> {
    const { rows } = await stack.db.query<{ id: string | number }>(
      `SELECT id FROM conversations
        WHERE "timestamp" >= ($1::date)::timestamp AT TIME ZONE $3
          AND "timestamp" < ($2::date + 1)::timestamp AT TIME ZONE $3
        ORDER BY id`,
      [r.from, r.to, TZ],
    );
    return rows.map((row) => Number(row.id));
  }

  /** Waits for the KPI cards to show this range's overview, and checks all three against it. */
  async function expectKpis(page: Page, r: Range): Promise<OverviewResponse> {
    const expected = await overview(r);
    expect(expected.current.messages).toBe((await sqlIds(r)).length);
    expect(expected.current.messages).toBeGreaterThan(0);
    await waitForCount(page, 'kpi-total-messages', {
      min: expected.current.messages,
      max: expected.current.messages,
    });
    expect(await waitForCount(page, 'kpi-unique-users', { min: 0 })).toBe(expected.current.users);
    const avg = parseDuration(await textOf(page, 'kpi-avg-response-time'));
    expect(Math.abs(avg.ms - expected.current.avg_response_time_ms)).toBeLessThanOrEqual(avg.tolerance);
    return expected;
  }

  const areaPath = (page: Page) =>
    page.locator('[data-testid="volume-chart"] path.recharts-area-area').first().getAttribute('d');

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    await generateHistory(stack.db, {
      days: 30,
      perDay: 300,
      users: 200,
      seed: 'e2e',
      tz: 'UTC',
      endMs: Date.now(),
      batchSize: 5000,
      instanceId: 'history',
    });
    // One live message too: the newest minutes come from rows not yet folded into the rollups.
    await postText(stack, '7200000000000001', 'live one');
    await stack.waitFor(
      async () => (await stack.conversations()).some((c) => c.message_text === 'live one'),
      'the live row',
    );
    cookie = await stack.login();
    tab = await openPage(browser, { timezoneId: TZ });
    await loginThroughForm(tab.page, stack);
    await tab.page.waitForURL((url) => url.pathname === '/');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const today = () => dateIn(TZ);
  const last7 = (): Range => ({ from: addDays(today(), -6), to: today() });

  it('opens from the navigation on the last 7 days, today included', async () => {
    const { page } = tab;
    // Read down the Monitoring feed first: the new page must still open at its top.
    await page.locator('[data-testid="message-feed"] .message-item').first().waitFor();
    await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      w.scrollTo(0, w.document.documentElement.scrollHeight);
    });
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).scrollY)).toBeGreaterThan(100);
    await page.getByRole('link', { name: 'Analytics', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/analytics');
    await page.getByRole('heading', { level: 1, name: 'Analytics' }).waitFor();
    await page.locator('[data-testid="kpi-total-messages"]').waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).scrollY)).toBe(0);
    expect(await page.getByRole('button', { name: 'Last 7 days' }).getAttribute('aria-pressed')).toBe('true');
    const range = last7();
    expect(await page.getByLabel('From date').inputValue()).toBe(range.from);
    expect(await page.getByLabel('To date').inputValue()).toBe(range.to);
  });

  it('shows the same key numbers as the API (and the table) for that range', async () => {
    await expectKpis(tab.page, last7());
  });

  it('draws the volume chart, the 7 × 24 heatmap and the top users', async () => {
    const { page } = tab;
    await page.waitForSelector('[data-testid="volume-chart"] path.recharts-area-area[d]');
    expect((await areaPath(page)) ?? '').toMatch(/^M[\d.-]+,[\d.-]+[CL]/);

    const cells = page.locator('[data-testid="heatmap"] td.heatmap-cell');
    await cells.first().waitFor();
    expect(await cells.count()).toBe(168);
    const counts = await cells.evaluateAll((tds: PageElement[]) =>
      tds.map((td) => Number(td.getAttribute('data-count'))),
    );
    const expected = await overview(last7());
    expect(counts.reduce((a, b) => a + b, 0)).toBe(expected.current.messages);

    const users = await stack.api<UsersResponse>(
      `/api/analytics/users?${query(last7(), 'page=1&page_size=25')}`,
      cookie,
    );
    expect(users.status).toBe(200);
    const rows = page.locator('[data-testid="top-users"] tr.users-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(Math.min(25, users.body.total));
    const shown = await rows.evaluateAll((trs: PageElement[]) =>
      trs.slice(0, 5).map((tr) => ({
        name: tr.querySelector('.users-name')?.textContent ?? '',
        id: tr.querySelector('.users-id')?.textContent ?? '',
      })),
    );
    expect(shown).toEqual(users.body.top.slice(0, 5).map((u) => ({ name: u.name, id: u.user_id })));
    for (const row of shown) {
      expect(row.name).toMatch(/\S+ \S+/);
      expect(row.id).toMatch(/^\d+$/);
    }
  });

  it('exports the range as CSV, row for row', async () => {
    const { page } = tab;
    const range = last7();
    const link = page.locator('[data-testid="export"] a', { hasText: 'CSV' });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const path = await download.path();
    const [header, ...rows] = parseCsv(await readFile(path, 'utf8'));
    expect(header).toEqual(MESSAGE_COLUMNS);
    const ids = rows.map((r) => Number(r[0])).sort((a, b) => a - b);
    expect(ids).toEqual(await sqlIds(range));
    const start = Date.parse(`${range.from}T00:00:00Z`) - 14 * 3_600_000;
    const end = Date.parse(`${addDays(range.to, 1)}T00:00:00Z`) - 12 * 3_600_000;
    for (const r of rows) {
      const at = Date.parse(r[1]!);
      // Auckland is UTC+12 or +13: a loose bound here, the exact one is the id set above.
      expect(at).toBeGreaterThanOrEqual(start);
      expect(at).toBeLessThan(end + 3_600_000);
    }
  });

  it('follows a longer range and redraws daily, weekly and monthly', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: 'Last 90 days' }).click();
    const range: Range = { from: addDays(today(), -89), to: today() };
    await expectKpis(page, range);

    const chart = page.locator('[data-testid="volume-chart"]');
    const pressed = (label: string) =>
      chart.getByRole('button', { name: label, exact: true }).getAttribute('aria-pressed');
    // 90 days open weekly; daily and monthly are fetched on the click, weekly comes from the cache.
    expect(await pressed('Weekly')).toBe('true');
    for (const [label, granularity] of [
      ['Daily', 'day'],
      ['Monthly', 'month'],
      ['Weekly', 'week'],
    ] as const) {
      const before = await areaPath(page);
      const response =
        granularity === 'week'
          ? null
          : page.waitForResponse(
              (res) =>
                res.url().includes('/api/analytics/timeline') &&
                res.url().includes(`granularity=${granularity}`),
            );
      await chart.getByRole('button', { name: label, exact: true }).click();
      if (response) expect((await response).status()).toBe(200);
      await page.waitForFunction((previous) => {
        const { document } = globalThis as unknown as PageGlobals;
        const d = document
          .querySelector('[data-testid="volume-chart"] path.recharts-area-area')
          ?.getAttribute('d');
        return Boolean(d) && d !== previous;
      }, before);
      expect(await pressed(label)).toBe('true');
      expect(new URL(page.url()).searchParams.get('g')).toBe(granularity);
    }
  });

  it('the page threw no errors', () => {
    expect(unexpectedProblems(tab.problems)).toEqual([]);
  });
});
