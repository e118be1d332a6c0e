import type { InstanceState } from '@botpulse/protocol';
import { STATUS_WORDS, StatusDot } from '../components/StatusDot';
import { formatAgo, formatDurationMs, formatNumber, formatUptime } from '../transforms/format';

/** Per-instance state and the pipeline's own meta-metrics (plan 6.4, "monitoring the monitoring"). */
export function InstancesTable({ instances }: { instances: readonly InstanceState[] }) {
  if (instances.length === 0) {
    return <p className="muted">No bot instance has connected to this admin server yet.</p>;
  }
  return (
    <div className="table-scroll">
      <table className="table table-compact">
        <thead>
          <tr>
            <th scope="col">Instance</th>
            <th scope="col">Status</th>
            <th scope="col">Last seen</th>
            <th scope="col">Uptime</th>
            <th scope="col" title="Events stored but not yet processed">
              Inbox
            </th>
            <th scope="col" title="Events waiting for (or lost on) the link to this admin">
              Admin link
            </th>
            <th scope="col">Event loop p99</th>
            <th scope="col" title="Time spent in monitoring code per message">
              Overhead
            </th>
          </tr>
        </thead>
        <tbody>
          {instances.map((instance) => {
            const pipeline = instance.health?.checks.pipeline;
            const system = instance.metrics?.system;
            return (
              <tr key={instance.instance_id} className={instance.status === 'gone' ? 'row-muted' : undefined}>
                <th scope="row" className="mono">
                  {instance.instance_id}
                </th>
                <td>
                  <StatusDot status={instance.status} size="sm" /> {STATUS_WORDS[instance.status]}
                  {pipeline?.reasons.length ? (
                    <div className="cell-note">{pipeline.reasons.join('; ')}</div>
                  ) : null}
                </td>
                <td>{formatAgo(instance.last_seen)}</td>
                <td>{formatUptime(instance.metrics?.uptime ?? instance.health?.uptime)}</td>
                <td>
                  {pipeline
                    ? `${formatNumber(pipeline.inbox_depth)} pending${pipeline.inbox_depth ? `, oldest ${formatUptime(pipeline.oldest_pending_s)}` : ''}`
                    : '—'}
                </td>
                <td>
                  {pipeline
                    ? `${pipeline.admin_link.connected ? 'connected' : 'down'} · ${formatNumber(pipeline.admin_link.buffered)} buffered · ${formatNumber(pipeline.admin_link.dropped)} dropped`
                    : '—'}
                </td>
                <td>{formatDurationMs(pipeline?.event_loop_lag_p99_ms ?? system?.event_loop_lag_p99_ms)}</td>
                <td>{system ? `${system.monitoring_overhead_us_per_message.toFixed(1)} µs/msg` : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
