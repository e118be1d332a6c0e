import type { MonitoringDashboard } from '@botpulse/protocol';
import { makeDashboard, makeHeatmap, makeOverview, makeTimeline, makeUsers } from './fixtures';
import { type Handler, type MockResponse, SESSION } from './mockApi';

/** A signed-in admin server with data everywhere; tests override the routes they are about. */
export function signedInRoutes(
  dashboard: MonitoringDashboard = makeDashboard(),
  overrides: Record<string, MockResponse | Handler> = {},
): Record<string, MockResponse | Handler> {
  return {
    'GET /api/auth/me': { body: SESSION },
    'GET /api/monitoring/dashboard': { body: dashboard },
    'GET /api/analytics/timeline': { body: makeTimeline() },
    'GET /api/analytics/users': { body: makeUsers() },
    'GET /api/analytics/overview': { body: makeOverview() },
    'GET /api/analytics/heatmap': { body: makeHeatmap() },
    'GET /api/alerts': { body: { rules: [], channels: [], silences: [], firing: [] } },
    ...overrides,
  };
}
