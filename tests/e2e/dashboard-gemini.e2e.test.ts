import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MonitoringDashboard, PriceTable } from '@botpulse/protocol';
import { ROOT, type Stack, startStack } from '@botpulse/tools/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newPsid, postText } from './helpers/bot';
import {
  addSessionCookie,
  describeWithBrowser,
  launchBrowser,
  openPage,
  textOf,
  unexpectedProblems,
  type WatchedPage,
  waitForCount,
} from './helpers/browser';

/**
 * The Gemini card against the real bot, admin and the fake Gemini with known usageMetadata: the
 * cost shown under `gemini-cost-today` is the API's cost, which is the price table applied to the
 * forced token counts (thinking tokens included), and it follows new replies live.
 */

const MODEL = 'gemini-2.5-flash';

/** What the fake answers, in order: one thinking answer with a cached prompt, one cut short, one block. */
const FORCED = [
  {
    usage: {
      promptTokenCount: 1200,
      cachedContentTokenCount: 1000,
      candidatesTokenCount: 80,
      thoughtsTokenCount: 300,
    },
  },
  {
    finishReason: 'MAX_TOKENS',
    usage: { promptTokenCount: 4000, candidatesTokenCount: 512, thoughtsTokenCount: 2000 },
  },
  { blockReason: 'PROHIBITED_CONTENT', usage: { promptTokenCount: 500 } },
];

/** DESIGN.md's formula, written out here on its own: (input − cached) × in + cached × cached + (out + thinking) × out. */
function expectedCost(table: PriceTable): number {
  const p = table.models[MODEL]!;
  let usd = 0;
  for (const f of FORCED) {
    const u = f.usage as {
      promptTokenCount: number;
      cachedContentTokenCount?: number;
      candidatesTokenCount?: number;
      thoughtsTokenCount?: number;
    };
    const cached = u.cachedContentTokenCount ?? 0;
    usd +=
      ((u.promptTokenCount - cached) * p.input +
        cached * p.cached_input +
        ((u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0)) * p.output) /
      1e6;
  }
  return usd;
}

/** "$0.0087" / "$12.35" → dollars, and the size of the last digit shown. */
function parseUsd(text: string): { usd: number; step: number } {
  const m = /^\$([\d,]+)\.(\d+)$/.exec(text);
  if (!m) return { usd: Number.NaN, step: 0 };
  return { usd: Number(`${m[1]!.replace(/,/g, '')}.${m[2]}`), step: 10 ** -m[2]!.length };
}

describeWithBrowser('dashboard: the Gemini card shows the cost the API reports', () => {
  let stack: Stack;
  let browser: Browser;
  let tab: WatchedPage;
  let cookie: string;
  const dashboard = async () =>
    (await stack.api<MonitoringDashboard>('/api/monitoring/dashboard', cookie)).body;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack({ gemini: true }), launchBrowser()]);
    cookie = await stack.login();
    stack.gemini!.forceAnswers(...FORCED);
    for (const [i, text] of [
      'Can I book a cleaning?',
      'Tell me everything about implants',
      'something rude',
    ].entries()) {
      await postText(stack, newPsid(), `${text} (${i})`);
    }
    await stack.waitFor(
      async () =>
        (await stack.conversations()).filter(
          (c: { status: string }) => c.status === 'replied' || c.status === 'failed',
        ).length === 3,
      'three replies',
    );
    tab = await openPage(browser);
    await addSessionCookie(tab.context, stack);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('gemini-cost-today shows the same cost as the API, which is the price table applied to the usage', async () => {
    const table = JSON.parse(
      await readFile(join(ROOT, 'apps/bot/src/gen-ai/gemini-prices.json'), 'utf8'),
    ) as PriceTable;
    const want = expectedCost(table);
    const api = await stack.waitFor(async () => {
      const d = await dashboard();
      return d.gen_ai.requests === 3 ? d.gen_ai : undefined;
    }, 'the API counting three Gemini answers');
    expect(api.cost_usd).toBeCloseTo(want, 9);
    expect(api).toMatchObject({
      input_tokens: 5700,
      cached_tokens: 1000,
      output_tokens: 592,
      reasoning_tokens: 2300,
      blocked: 1,
      truncated: 1,
      unpriced_models: [],
    });

    const { page } = tab;
    await page.goto(`${stack.adminUrl}/`);
    await page.getByTestId('gemini-cost-today').waitFor();
    await page.waitForFunction(() =>
      /^\$/.test(
        (
          globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }
        ).document.querySelector('[data-testid="gemini-cost-today"]')?.textContent ?? '',
      ),
    );
    const shown = parseUsd(await textOf(page, 'gemini-cost-today'));
    console.log(
      `Gemini card: shown ${await textOf(page, 'gemini-cost-today')}, API ${api.cost_usd} USD, price table ${want} USD`,
    );
    expect(Math.abs(shown.usd - api.cost_usd)).toBeLessThanOrEqual(shown.step / 2 + 1e-12);
    // 5,700 in + 592 out + 2,300 thinking
    expect(await waitForCount(page, 'gemini-tokens-today', { min: 8592, max: 8592 })).toBe(8592);
    expect(await textOf(page, 'gemini-blocked-share')).toBe(`${Math.round(api.blocked_share! * 100)}% (1)`);
    expect(await textOf(page, 'gemini-truncated-share')).toBe(
      `${Math.round(api.truncated_share! * 100)}% (1)`,
    );
  });

  it('follows a new Gemini reply live (metrics:update), still equal to the API', async () => {
    const { page } = tab;
    const before = await textOf(page, 'gemini-cost-today');
    stack.gemini!.forceAnswers({
      usage: { promptTokenCount: 20_000, candidatesTokenCount: 1000, thoughtsTokenCount: 3000 },
    });
    await postText(stack, newPsid(), 'One more question, a long one');
    const api = await stack.waitFor(async () => {
      const d = await dashboard();
      return d.gen_ai.requests === 4 ? d.gen_ai : undefined;
    }, 'the API counting a fourth Gemini answer');
    await page.waitForFunction(
      (old) =>
        (
          globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }
        ).document.querySelector('[data-testid="gemini-cost-today"]')?.textContent !== old,
      before,
      { timeout: 30_000 },
    );
    const shown = parseUsd(await textOf(page, 'gemini-cost-today'));
    expect(Math.abs(shown.usd - api.cost_usd)).toBeLessThanOrEqual(shown.step / 2 + 1e-12);
  });

  it('no page threw or logged an error', () => {
    expect(unexpectedProblems(tab.problems)).toEqual([]);
  });
});
