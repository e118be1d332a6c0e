import type { FastifyPluginAsync } from 'fastify';
import type { AnalyticsService } from '../analytics/analytics-service';

type Query = Record<string, unknown>;

/** `/api/analytics/*`: parse → service → respond (bad parameters become 400 in the error handler). */
export const analyticsRoutes: FastifyPluginAsync<{ analytics: AnalyticsService }> = async (
  app,
  { analytics },
) => {
  app.get('/api/analytics/overview', async (req) => analytics.overview(req.query as Query));
  app.get('/api/analytics/timeline', async (req) => analytics.timeline(req.query as Query));
  app.get('/api/analytics/users', async (req) => analytics.users(req.query as Query));
  app.get('/api/analytics/heatmap', async (req) => analytics.heatmap(req.query as Query));
};
