import { gzipSync } from 'node:zlib';
import { launchChromium, ROOT, startStack } from '@botpulse/tools/testing';
import { buildDashboard, dashboardNeedsBuild } from '../../tools/src/supervisor/dashboard-build';
import type { Results } from '../lib/report';
import { progress } from '../lib/report';
import { median } from '../lib/stats';

/**
 * A logged-in admin opens the Monitoring page in headless Chromium with a cold cache: time from
 * navigation to the totals shown, and the JavaScript that first screen loads (gzip).
 */
export async function benchDashboard(databaseUrl: string, quick: boolean): Promise<Results> {
  if (dashboardNeedsBuild(ROOT)) {
    progress('dashboard: building');
    await buildDashboard(ROOT, () => {});
  }
  const stack = await startStack({ databaseUrl, graphRecord: false, env: { LOG_LEVEL: 'warn' } });
  const browser = await launchChromium();
  try {
    const cookie = await stack.login();
    const [name, value] = cookie.split('=') as [string, string];
    const times: number[] = [];
    let jsGzipBytes = 0;
    const runs = quick ? 3 : 7;
    for (let i = 0; i < runs; i++) {
      // A new context each time: empty cache, as a first visit.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addCookies([{ name, value, url: stack.adminUrl }]);
      const page = await context.newPage();
      const scripts: Array<Promise<number>> = [];
      if (i === 0) {
        page.on('response', (res) => {
          if (res.request().resourceType() === 'script')
            scripts.push(res.body().then((b) => gzipSync(b).length));
        });
      }
      const t0 = performance.now();
      await page.goto(`${stack.adminUrl}/`, { waitUntil: 'commit' });
      // Locators poll without eval(), which the admin's CSP forbids.
      await page.getByTestId('total-messages').filter({ hasText: /\d/ }).waitFor({ timeout: 30_000 });
      times.push(performance.now() - t0);
      if (i === 0) jsGzipBytes = (await Promise.all(scripts)).reduce((a, b) => a + b, 0);
      progress(`dashboard: load ${i + 1}/${runs}: ${times.at(-1)!.toFixed(0)} ms`);
      await context.close();
    }
    return { dashboard_ready_ms: median(times), dashboard_initial_js_gzip_kb: jsGzipBytes / 1024 };
  } finally {
    await browser.close();
    await stack.stop();
  }
}
