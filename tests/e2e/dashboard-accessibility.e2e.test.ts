import { createRequire } from 'node:module';
import { type Stack, startStack } from '@botpulse/tools/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateHistory } from '../../tools/src/history/generate';
import { postText } from './helpers/bot';
import {
  addSessionCookie,
  describeWithBrowser,
  launchBrowser,
  openPage,
  unexpectedProblems,
  type WatchedPage,
  waitForAttribute,
  waitForCount,
} from './helpers/browser';

/**
 * axe-core (WCAG 2 A/AA and best practices) over every page of the dashboard, in the light and the
 * dark theme, on a filled demo: any serious or critical violation fails. Every violation found is
 * printed by impact, so the minor ones are visible too. A new page goes into PAGES.
 */
const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const FAILING = new Set(['serious', 'critical']);

interface AxeNode {
  target: string[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: AxeNode[];
}

async function runAxe(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_SOURCE });
  return page.evaluate(async () => {
    const { axe } = globalThis as unknown as {
      axe: { run(ctx: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> };
    };
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

/** Counts of violating elements by impact, and the lines that describe them. */
function summarize(name: string, violations: AxeViolation[]) {
  const byImpact: Record<string, number> = {};
  const lines: string[] = [];
  for (const v of violations) {
    const impact = v.impact ?? 'unknown';
    byImpact[impact] = (byImpact[impact] ?? 0) + v.nodes.length;
    lines.push(`  ${name}: [${impact}] ${v.id} × ${v.nodes.length}: ${v.help}`);
    for (const n of v.nodes.slice(0, 3)) lines.push(`      ${n.target.join(' ')}`);
  }
  return { byImpact, lines };
}

/** Elements inside a chart that a Tab press would stop on. */
async function chartTabStops(page: Page): Promise<number> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as {
      document: { querySelectorAll(s: string): ArrayLike<unknown> };
    };
    return document.querySelectorAll(
      '.recharts-wrapper [tabindex]:not([tabindex="-1"]), .recharts-wrapper a[href], svg.sparkline [tabindex]:not([tabindex="-1"])',
    ).length;
  });
}

describeWithBrowser('dashboard: accessibility (axe-core)', () => {
  let stack: Stack;
  let browser: Browser;
  // Reduced motion (which the dashboard honours: no transitions) so axe measures every element in
  // its final state: a tooltip caught half-way through its fade-in read as low contrast.
  const TAB = { bypassCSP: true, reducedMotion: 'reduce' as const };
  const tabs: WatchedPage[] = [];
  const report: string[] = [];
  const failures: string[] = [];

  async function check(name: string, page: Page): Promise<void> {
    const violations = await runAxe(page);
    const { byImpact, lines } = summarize(name, violations);
    report.push(`${name}: ${JSON.stringify(byImpact)}`, ...lines);
    for (const v of violations)
      if (v.impact && FAILING.has(v.impact))
        failures.push(
          `${name}: ${v.id} (${v.impact}) on ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        );
  }

  async function signedIn(colorScheme: 'light' | 'dark'): Promise<Page> {
    const tab = await openPage(browser, { colorScheme, ...TAB });
    tabs.push(tab);
    await addSessionCookie(tab.context, stack);
    return tab.page;
  }

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack({ bots: 0 }), launchBrowser()]);
    await generateHistory(stack.db, {
      days: 30,
      perDay: 120,
      users: 60,
      seed: 'a11y',
      tz: 'UTC',
      endMs: Date.now() - 60_000,
      batchSize: 5000,
      instanceId: 'bot-1',
    });
    await stack.addBot('bot-1');
    await postText(stack, '7500000000000001', 'Hello, are you open on Sunday?');
  });
  afterAll(async () => {
    if (report.length) console.log(['', '── axe-core violations ──', ...report, ''].join('\n'));
    for (const t of tabs) await t.context.close().catch(() => {});
    await browser?.close();
    await stack?.stop();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`login (${scheme})`, async () => {
      const tab = await openPage(browser, { colorScheme: scheme, ...TAB });
      tabs.push(tab);
      await tab.page.goto(`${stack.adminUrl}/login`);
      await tab.page.getByRole('button', { name: 'Sign in' }).waitFor();
      await check(`login/${scheme}`, tab.page);
    });

    it(`monitoring and its diagnostics (${scheme})`, async () => {
      const page = await signedIn(scheme);
      await page.goto(`${stack.adminUrl}/`);
      await waitForAttribute(page, 'connection-state', 'data-state', 'live');
      await waitForCount(page, 'total-messages', { min: 1 });
      await page.waitForSelector('[data-testid="volume-24h"] svg.recharts-surface path.recharts-line-curve');
      await page.locator('[data-testid="message-feed"] .message-item').first().waitFor();
      await check(`monitoring/${scheme}`, page);
      expect(await chartTabStops(page), 'tab stops inside the charts of Monitoring').toBe(0);

      await page.getByTestId('health-bot').click();
      await page.getByRole('region', { name: 'Bot diagnostics' }).waitFor();
      await check(`diagnostics/${scheme}`, page);
    });

    it(`analytics and the change-password dialog (${scheme})`, async () => {
      const page = await signedIn(scheme);
      await page.goto(`${stack.adminUrl}/analytics`);
      await page.waitForSelector('[data-testid="volume-chart"] path.recharts-area-area[d]');
      await page.locator('[data-testid="heatmap"] td.heatmap-cell').first().waitFor();
      await page.locator('[data-testid="top-users"] tr.users-row').first().waitFor();
      await page.locator('.analytics-grid svg.recharts-surface').first().waitFor();
      await waitForCount(page, 'kpi-total-messages', { min: 1 });
      await page.waitForLoadState('networkidle');
      await check(`analytics/${scheme}`, page);
      expect(await chartTabStops(page), 'tab stops inside the charts of Analytics').toBe(0);

      await page.locator('.user-menu-trigger').click();
      await page.getByRole('menuitem', { name: 'Change password' }).click();
      await page.getByRole('dialog').waitFor();
      await check(`change-password/${scheme}`, page);
    });
  }

  it('no serious or critical violation on any page, and nothing thrown', () => {
    expect(failures).toEqual([]);
    expect(tabs.flatMap((t) => unexpectedProblems(t.problems))).toEqual([]);
  });
});
