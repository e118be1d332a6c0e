import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { DashboardState } from '../monitoring/dashboard-state';
import type { ExportService } from '../monitoring/export-service';

export interface MonitoringRouteOptions {
  state: DashboardState;
  exports: ExportService;
}

export const monitoringRoutes: FastifyPluginAsync<MonitoringRouteOptions> = async (app, opts) => {
  app.get('/api/monitoring/dashboard', async () => opts.state.dashboard());

  app.get('/api/monitoring/export', async (req, reply) => {
    const request = opts.exports.parse(req.query as Record<string, unknown>);
    const type = request.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8';
    return reply
      .type(type)
      .header('content-disposition', `attachment; filename="${request.filename}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(opts.exports.stream(request)));
  });
};
