import type { AdminSelfHealth } from '@botpulse/protocol';
import { formatDateTime, formatDurationMs, formatNumber, formatUptime } from '../transforms/format';

export function AdminHealthList({ admin }: { admin: AdminSelfHealth | null }) {
  if (!admin) return <p className="muted">No self-report from the admin server yet.</p>;
  const accuracy = admin.accuracy;
  return (
    <>
      <dl className="facts">
        <div>
          <dt>Uptime</dt>
          <dd>{formatUptime(admin.uptime)}</dd>
        </div>
        <div>
          <dt>Event loop p99</dt>
          <dd>{formatDurationMs(admin.event_loop_lag_p99_ms)}</dd>
        </div>
        <div>
          <dt>Dashboards / bot links</dt>
          <dd>
            {formatNumber(admin.dashboard_clients)} / {formatNumber(admin.bot_links)}
          </dd>
        </div>
        <div>
          <dt>Rollup lag</dt>
          <dd>
            {formatNumber(admin.rollup_lag_rows)} rows · {formatUptime(admin.rollup_lag_s)}
          </dd>
        </div>
        <div>
          <dt>Feed lag</dt>
          <dd>{formatDurationMs(admin.feed_lag_ms)}</dd>
        </div>
        <div>
          <dt>Accuracy check</dt>
          <dd>
            {accuracy
              ? `${accuracy.ok ? '✓ counts agree' : `✗ ${accuracy.drifts.length} drift(s)`} · ${formatDateTime(accuracy.checked_at)}`
              : 'not run yet'}
          </dd>
        </div>
      </dl>
      {accuracy && !accuracy.ok ? (
        <ul className="drifts">
          {accuracy.drifts.map((d) => (
            <li key={`${d.source}-${d.hour}-${d.metric}`}>
              {d.source} {d.metric} for the hour of {formatDateTime(d.hour)}: expected{' '}
              {formatNumber(d.expected)}, found {formatNumber(d.actual)}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
