import { STATUS_WORDS, StatusDot } from '../components/StatusDot';
import { useMetrics } from '../metrics/MetricsContext';
import { formatDateTime, formatDurationMs } from '../transforms/format';
import { AdminHealthList } from './AdminHealthList';
import { InstancesTable } from './InstancesTable';
import { RecentErrors } from './RecentErrors';
import { SERVICES, type ServiceKey } from './services';

/** Everything needed to answer "why is it yellow?" without opening a terminal. */
export function DiagnosticsPanel({ service, onClose }: { service: ServiceKey; onClose: () => void }) {
  const { health, instances, admin, recentErrors } = useMetrics();
  if (!health) return null;
  const check = health.services[service];
  const label = SERVICES.find((s) => s.key === service)?.label ?? service;
  const reasons = check.reasons ?? [];
  const errors = recentErrors.filter((e) => service === 'bot' || e.dependency === service);

  return (
    <section className="diagnostics" aria-label={`${label} diagnostics`}>
      <div className="diagnostics-header">
        <h3>
          <StatusDot status={check.status} /> {label}: {STATUS_WORDS[check.status]}
        </h3>
        <button type="button" className="btn btn-ghost btn-sm" onClick={onClose}>
          Close
        </button>
      </div>
      <dl className="facts">
        <div>
          <dt>Last check</dt>
          <dd>{check.checked_at ? formatDateTime(check.checked_at) : 'not checked yet'}</dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd>{check.latency_ms === undefined ? '—' : formatDurationMs(check.latency_ms)}</dd>
        </div>
        <div className="facts-wide">
          <dt>Last error</dt>
          <dd>{check.error ?? 'none'}</dd>
        </div>
      </dl>
      {reasons.length ? (
        <div className="reasons">
          <h4>Why</h4>
          <ul>
            {reasons.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        </div>
      ) : check.status === 'not_configured' ? (
        <p className="muted">
          No credential is set for this service, so the bot does not use it. See docs/deploy.md for the
          variables.
        </p>
      ) : null}
      <h4>Bot instances</h4>
      <InstancesTable instances={instances} />
      <h4>Admin server</h4>
      <AdminHealthList admin={admin} />
      <h4>Recent errors{service === 'bot' ? '' : ` (${label})`}</h4>
      <RecentErrors errors={errors} />
    </section>
  );
}
