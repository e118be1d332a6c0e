import type { AdminSelfHealth, InstanceState } from '@botpulse/protocol';
import { formatUptime } from '../transforms/format';

/** The longest-running live bot instance is "the bot's uptime"; gone instances do not count. */
export function botUptime(instances: readonly InstanceState[]): number | null {
  let best: number | null = null;
  for (const instance of instances) {
    if (instance.status === 'gone') continue;
    const uptime = instance.metrics?.uptime ?? instance.health?.uptime;
    if (uptime !== undefined && (best === null || uptime > best)) best = uptime;
  }
  return best;
}

export function UptimeDisplay({
  instances,
  admin,
}: {
  instances: readonly InstanceState[];
  admin: AdminSelfHealth | null;
}) {
  const live = instances.filter((i) => i.status !== 'gone').length;
  const gone = instances.length - live;
  return (
    <dl className="uptime">
      <div>
        <dt>Bot uptime</dt>
        <dd>{formatUptime(botUptime(instances))}</dd>
      </div>
      <div>
        <dt>Admin uptime</dt>
        <dd>{formatUptime(admin?.uptime)}</dd>
      </div>
      <div>
        <dt>Instances</dt>
        <dd>
          {live}
          {gone ? <span className="muted"> (+{gone} gone)</span> : null}
        </dd>
      </div>
    </dl>
  );
}
