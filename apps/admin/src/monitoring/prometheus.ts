import type { InstanceState } from '@botpulse/protocol';
import { readCounter, readGauge } from '@botpulse/runtime';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export interface AdminMetricSources {
  dashboardClients: () => number;
  botLinks: () => number;
  instances: () => InstanceState[];
  rollupLagRows: () => number;
  rollupLagSeconds: () => number;
  feedLagMs: () => number;
  eventLoopP99Ms: () => number;
  accuracyDriftsTotal: () => number;
  accuracyChecksTotal: () => number;
  accuracyLastDurationMs: () => number;
  accuracyOk: () => number;
}

/** The admin's own health on /metrics (meta-monitoring): values read at scrape time. */
export function createAdminMetrics(src: AdminMetricSources) {
  const registry = new Registry();
  // Standard names (process_*, nodejs_*): bot and admin are separate scrape targets.
  collectDefaultMetrics({ register: registry });
  const gauge = (name: string, help: string, fn: () => number) => readGauge(registry, name, help, fn);
  gauge('botpulse_dashboard_clients', 'Dashboard sockets connected to this admin', src.dashboardClients);
  gauge('botpulse_bot_links', 'Bot sockets connected to this admin', src.botLinks);
  gauge(
    'botpulse_rollup_lag_rows',
    'Conversations stored but not yet folded into the analytics rollups',
    src.rollupLagRows,
  );
  gauge(
    'botpulse_rollup_lag_seconds',
    'Age of the oldest conversation not yet folded into the rollups',
    src.rollupLagSeconds,
  );
  gauge(
    'botpulse_feed_lag_seconds',
    'From a bot reporting a message to the live feed emitting it',
    () => src.feedLagMs() / 1000,
  );
  gauge(
    'botpulse_admin_event_loop_lag_p99_seconds',
    'Event-loop delay p99 over the last 10 s',
    () => src.eventLoopP99Ms() / 1000,
  );
  readCounter(
    registry,
    'botpulse_accuracy_drifts_total',
    'Differences found by the accuracy check since start',
    src.accuracyDriftsTotal,
  );
  readCounter(
    registry,
    'botpulse_accuracy_checks_total',
    'Accuracy checks run since start',
    src.accuracyChecksTotal,
  );
  gauge(
    'botpulse_accuracy_check_duration_seconds',
    'Duration of the last accuracy check',
    () => src.accuracyLastDurationMs() / 1000,
  );
  gauge('botpulse_accuracy_ok', '1 when the last accuracy check found no drift', src.accuracyOk);
  new Gauge({
    name: 'botpulse_bot_instances',
    help: 'Bot instances known to this admin, by status',
    labelNames: ['status'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const i of src.instances()) this.inc({ status: i.status });
    },
  });
  return { registry };
}
