import {
  CHROMIUM_ARGS,
  findChromium,
  CHROMIUM_INSTALL_HINT as INSTALL_HINT,
  type Stack,
} from '@botpulse/tools/testing';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { describe, it } from 'vitest';
import type { PageGlobals } from './dom';

const chromiumPath = findChromium();
let warned = false;

/**
 * `describe` for browser tests. Without Chromium, CI fails (a missing browser must never pass as
 * green) and a local run skips the block, saying loudly that the dashboard was not tested.
 */
export function describeWithBrowser(name: string, body: () => void): void {
  if (chromiumPath) {
    describe(name, body);
    return;
  }
  const where = process.env.CHROMIUM_PATH?.trim()
    ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} is not an executable`
    : 'no Chromium found (CHROMIUM_PATH unset, no /usr/bin/chromium, none on PATH)';
  if (process.env.CI) {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`The dashboard browser tests need Chromium: ${where}. ${INSTALL_HINT}`);
      });
    });
    return;
  }
  if (!warned) {
    warned = true;
    const bar = '!'.repeat(100);
    console.warn(
      `\n${bar}\n!! THE DASHBOARD BROWSER TESTS DID NOT RUN: ${where}.\n!! ${INSTALL_HINT}\n${bar}\n`,
    );
  }
  describe.skip(name, body);
}

export async function launchBrowser(): Promise<Browser> {
  if (!chromiumPath) throw new Error(`No Chromium. ${INSTALL_HINT}`);
  return chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** A page that records what the app threw or logged as an error, so a test can insist on none. */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** uncaught exceptions and console errors, in order */
  problems: string[];
}

export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    timezoneId: 'UTC',
    ...options,
  });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  return { page, context, problems };
}

/** Signs in through the login form and waits for the Monitoring page. */
export async function loginThroughForm(page: Page, stack: Stack, password = stack.secrets.ADMIN_PASSWORD) {
  if (!page.url().startsWith(`${stack.adminUrl}/login`)) await page.goto(`${stack.adminUrl}/login`);
  await page.getByLabel('Username').fill(stack.secrets.ADMIN_USER);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Gives the context the session cookie of an API login, so a page opens signed in. */
export async function addSessionCookie(context: BrowserContext, stack: Stack): Promise<void> {
  const cookie = await stack.login();
  await context.addCookies(
    cookie.split('; ').map((pair) => {
      const i = pair.indexOf('=');
      return { name: pair.slice(0, i), value: pair.slice(i + 1), url: stack.adminUrl };
    }),
  );
}

const testIdSelector = (testId: string) => `[data-testid="${testId}"]`;

/** Waits until `[data-testid=…]` has `attribute` equal to `value`; the timeout says what it had. */
export async function waitForAttribute(
  page: Page,
  testId: string,
  attribute: string,
  value: string,
  timeoutMs = 30_000,
): Promise<void> {
  try {
    await page.waitForSelector(`${testIdSelector(testId)}[${attribute}="${value}"]`, { timeout: timeoutMs });
  } catch {
    const actual = await page
      .locator(testIdSelector(testId))
      .first()
      .getAttribute(attribute, { timeout: 1_000 })
      .catch(() => '(element missing)');
    throw new Error(`${testId}: expected ${attribute}="${value}" within ${timeoutMs} ms, it is "${actual}"`);
  }
}

/** The trimmed text of `[data-testid=…]`. */
export async function textOf(page: Page, testId: string): Promise<string> {
  return ((await page.locator(testIdSelector(testId)).first().textContent()) ?? '').trim();
}

/** "12,345" → 12345; NaN for anything else ("—"). */
export function parseCount(text: string): number {
  return /^\d{1,3}(,\d{3})*$/.test(text) ? Number(text.replace(/,/g, '')) : Number.NaN;
}

/**
 * Waits (in the page, every frame) until the integer shown in `[data-testid=…]` is within
 * [min, max]; returns it. The timeout names what it showed.
 */
export async function waitForCount(
  page: Page,
  testId: string,
  range: { min?: number; max?: number },
  timeoutMs = 30_000,
): Promise<number> {
  const bounds = {
    selector: testIdSelector(testId),
    min: range.min ?? 0,
    max: range.max ?? Number.MAX_SAFE_INTEGER,
  };
  try {
    const handle = await page.waitForFunction(
      ({ selector, min, max }) => {
        const text =
          (globalThis as unknown as PageGlobals).document.querySelector(selector)?.textContent?.trim() ?? '';
        if (!/^\d{1,3}(,\d{3})*$/.test(text)) return false;
        const n = Number(text.replace(/,/g, ''));
        // An object, because a bare 0 would read as "not yet".
        return n >= min && n <= max ? { n } : false;
      },
      bounds,
      { timeout: timeoutMs },
    );
    const result = (await handle.jsonValue()) as { n: number };
    return result.n;
  } catch (err) {
    const shown = await textOf(page, testId).catch(() => '(element missing)');
    throw new Error(
      `${testId}: expected a count in [${bounds.min}, ${bounds.max}] within ${timeoutMs} ms, it shows "${shown}" (${(err as Error).message.split('\n')[0]})`,
    );
  }
}

/** What the page threw or logged, less the browser's own line for an expected 401 (signed out). */
export function unexpectedProblems(problems: readonly string[]): string[] {
  return problems.filter((p) => !/^console\.error: Failed to load resource: .*status of 401/.test(p));
}
