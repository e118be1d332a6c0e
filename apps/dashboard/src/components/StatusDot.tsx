import type { HealthStatus, InstanceStatus } from '@botpulse/protocol';

export type DotStatus = HealthStatus | InstanceStatus;

export const STATUS_WORDS: Record<DotStatus, string> = {
  ok: 'Operational',
  degraded: 'Degraded',
  down: 'Down',
  not_configured: 'Not configured',
  gone: 'Gone (no word from it)',
};

/** Green/yellow/red/grey; problems pulse so they catch the eye, "ok" breathes gently. */
export function StatusDot({ status, size = 'md' }: { status: DotStatus; size?: 'sm' | 'md' }) {
  return <span className={`status-dot status-${status} status-dot-${size}`} aria-hidden="true" />;
}
