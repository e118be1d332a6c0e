import { ROOT } from '@botpulse/tools/testing';
import { buildDashboard, dashboardNeedsBuild } from '../../tools/src/supervisor/dashboard-build';

/** The admin serves apps/dashboard/dist: build it once before any browser test, only when stale. */
export default async function setup(): Promise<void> {
  if (!dashboardNeedsBuild(ROOT)) return;
  console.log('[e2e] apps/dashboard/dist is missing or older than its sources: building the dashboard…');
  const started = performance.now();
  await buildDashboard(ROOT, (line) => console.log(`[e2e] vite: ${line}`));
  console.log(`[e2e] dashboard built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
