import { gzipSync } from 'node:zlib';
import { launchChromium, ROOT, startStack } from '@botpulse/tools/testing';
import type { Response } from 'playwright-core';
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
    const timelines: string[] = [];
    let jsGzipBytes = 0;
    const runs = quick ? 3 : 7;
    for (let i = 0; i < runs; i++) {
      // A new context each time: empty cache, as a first visit.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addCookies([{ name, value, url: stack.adminUrl }]);
      const page = await context.newPage();
      const scripts = new Map<string, Promise<number>>();
      const onResponse = (res: Response) => {
        if (res.request().resourceType() !== 'script') return;
        const size = res.body().then(
          (body) => gzipSync(body).length,
          () => Number.NaN,
        );
        scripts.set(new URL(res.url()).pathname, size);
      };
      if (i === 0) page.on('response', onResponse);
      // Where the time goes, from the browser's side: the document, the last script, the first API
      // answer, the socket's first frame from the admin (the dashboard state comes that way).
      const marks: Record<string, number> = {};
      const mark = (name: string) => {
        marks[name] ??= performance.now() - t0;
      };
      page.on('requestfinished', (req) => {
        const type = req.resourceType();
        if (type === 'document') mark('document');
        else if (type === 'script') marks['last script'] = performance.now() - t0;
        else if (new URL(req.url()).pathname.startsWith('/api/')) mark('first /api');
      });
      page.on('websocket', (ws) => {
        mark('socket open');
        ws.on('framereceived', () => mark('first frame'));
      });
      const t0 = performance.now();
      await page.goto(`${stack.adminUrl}/`, { waitUntil: 'commit' });
      // Locators poll without eval(), which the admin's CSP forbids.
      await page.getByTestId('total-messages').filter({ hasText: /\d/ }).waitFor({ timeout: 30_000 });
      times.push(performance.now() - t0);
      timelines.push(
        `${Object.entries(marks)
          .sort((a, b) => a[1] - b[1])
          .map(([k, v]) => `${k} ${v.toFixed(0)}`)
          .join(', ')}, ready ${times.at(-1)!.toFixed(0)} ms`,
      );
      if (i === 0) {
        // The first screen's JavaScript is what index.html loads (entry and module preloads); the
        // charts are lazily loaded after it, so they are reported beside it, not in it.
        await page.waitForLoadState('networkidle');
        page.off('response', onResponse);
        const html = await (await fetch(`${stack.adminUrl}/`)).text();
        const initial = [...html.matchAll(/(?:src|href)="([^"]+\.js)"/g)].map((m) => m[1]!);
        const total = async (paths: string[]) => {
          const sizes = await Promise.all(paths.map((path) => scripts.get(path) ?? Number.NaN));
          if (sizes.some(Number.isNaN))
            throw new Error(`a script of the first screen was not loaded: ${paths}`);
          return sizes.reduce((x, y) => x + y, 0);
        };
        jsGzipBytes = await total(initial);
        const all = await total([...scripts.keys()]);
        console.log(
          `  first screen JS ${(jsGzipBytes / 1024).toFixed(0)} KB gzip (${initial.length} files); with its lazily loaded charts ${(all / 1024).toFixed(0)} KB (${scripts.size} files)`,
        );
      }
      progress(`dashboard: load ${i + 1}/${runs}: ${times.at(-1)!.toFixed(0)} ms`);
      await context.close();
    }
    const middle = times.indexOf([...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!);
    console.log(`  the median load: ${timelines[middle]}`);
    return { dashboard_ready_ms: median(times), dashboard_initial_js_gzip_kb: jsGzipBytes / 1024 };
  } finally {
    await browser.close();
    await stack.stop();
  }
}
