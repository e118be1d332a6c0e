import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useAlerts } from '../api/alerts';
import { Card } from '../components/Card';
import { ErrorState } from '../components/ErrorState';
import { Skeleton } from '../components/Skeleton';
import { StatusDot } from '../components/StatusDot';
import { useNow } from '../hooks/useNow';
import { useMetrics } from '../metrics/MetricsContext';
import { DiagnosticsPanel } from './DiagnosticsPanel';
import { ServiceIndicator } from './ServiceIndicator';
import { OVERALL_WORDS, SERVICES, type ServiceKey } from './services';
import { UptimeDisplay } from './UptimeDisplay';

/** Beside the Bot dot: what the alert rules say, one click from the Alerts page. */
function BotAlertsLink() {
  const { data } = useAlerts();
  const firing = data?.firing.length ?? 0;
  return (
    <Link
      to="/alerts"
      className={`health-alerts-link${firing > 0 ? ' health-alerts-link-firing' : ''}`}
      data-testid="health-alerts-link"
    >
      {firing > 0 ? `${firing} alert${firing > 1 ? 's' : ''} firing` : 'Alerts: none firing'}
    </Link>
  );
}

export function HealthStatusCard() {
  const { health, instances, admin, status, error, retry } = useMetrics();
  const [selected, setSelected] = useState<ServiceKey | null>(null);
  const now = useNow(10_000);

  if (!health) {
    return (
      <Card title="System health">
        {status === 'error' ? (
          <ErrorState title="Cannot load the bot's health" error={error} onRetry={retry} />
        ) : (
          <Skeleton height={84} label="Loading health" />
        )}
      </Card>
    );
  }

  return (
    <Card
      title="System health"
      subtitle={
        <span className={`overall overall-${health.overall}`}>
          <StatusDot status={health.overall} size="sm" /> {OVERALL_WORDS[health.overall]}
        </span>
      }
      actions={<UptimeDisplay instances={instances} admin={admin} />}
      className="health-card"
    >
      <div className="services">
        {SERVICES.map((service) => (
          <ServiceIndicator
            key={service.key}
            label={service.label}
            testId={service.testId}
            health={health.services[service.key]}
            selected={selected === service.key}
            onSelect={() => setSelected((s) => (s === service.key ? null : service.key))}
            now={now}
          />
        ))}
        <BotAlertsLink />
      </div>
      {selected ? <DiagnosticsPanel service={selected} onClose={() => setSelected(null)} /> : null}
    </Card>
  );
}
