import { ALERT_NAMES, type AlertName } from '@botpulse/protocol';
import { readGauge } from '@botpulse/runtime';
import { Counter, Gauge, type Registry } from 'prom-client';

/** The alerts on the admin's /metrics: what fires, what was delivered, what failed. */
export function createAlertMetrics(
  registry: Registry,
  read: { firing: () => AlertName[]; lastEvalSeconds: () => number },
) {
  new Gauge({
    name: 'botpulse_alerts_firing',
    help: 'Botpulse alert rules firing right now (1) or not (0)',
    labelNames: ['alertname'] as const,
    registers: [registry],
    collect() {
      const firing = new Set(read.firing());
      for (const name of ALERT_NAMES) this.set({ alertname: name }, firing.has(name) ? 1 : 0);
    },
  });
  readGauge(
    registry,
    'botpulse_alert_evaluation_duration_seconds',
    'Duration of the last alert evaluation on this admin (0 when another admin evaluates)',
    read.lastEvalSeconds,
  );
  return {
    delivered: new Counter({
      name: 'botpulse_alert_notifications_sent_total',
      help: 'Alert notifications delivered, by channel type',
      labelNames: ['channel_type'] as const,
      registers: [registry],
    }),
    failed: new Counter({
      name: 'botpulse_alert_notifications_failed_total',
      help: 'Failed alert notification attempts (each retry counts), by channel type',
      labelNames: ['channel_type'] as const,
      registers: [registry],
    }),
  };
}
