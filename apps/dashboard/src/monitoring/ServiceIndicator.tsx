import type { ServiceHealth } from '@botpulse/protocol';
import { useId } from 'react';
import { STATUS_WORDS, StatusDot } from '../components/StatusDot';
import { formatAgo, formatClock, formatDurationMs } from '../transforms/format';

export interface ServiceIndicatorProps {
  label: string;
  testId: string;
  health: ServiceHealth;
  selected: boolean;
  onSelect: () => void;
  now: number;
}

export function ServiceIndicator({ label, testId, health, selected, onSelect, now }: ServiceIndicatorProps) {
  const tooltipId = useId();
  const checked = health.checked_at
    ? `Last checked ${formatClock(health.checked_at)} (${formatAgo(health.checked_at, now)})`
    : health.status === 'not_configured'
      ? 'Not checked: no credential configured'
      : 'Not checked yet';
  return (
    <button
      type="button"
      className={`service service-${health.status}${selected ? ' service-selected' : ''}`}
      data-testid={testId}
      data-status={health.status}
      aria-pressed={selected}
      aria-describedby={tooltipId}
      onClick={onSelect}
    >
      <StatusDot status={health.status} />
      <span className="service-text">
        <span className="service-label">{label}</span>
        <span className="service-status">
          {STATUS_WORDS[health.status]}
          {health.latency_ms !== undefined ? ` · ${formatDurationMs(health.latency_ms)}` : ''}
        </span>
      </span>
      <span className="tooltip" role="tooltip" id={tooltipId}>
        {checked}
        {health.error ? <span className="tooltip-line">{health.error}</span> : null}
        <span className="tooltip-hint">Click for diagnostics</span>
      </span>
    </button>
  );
}
