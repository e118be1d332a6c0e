import { formatDateTime, formatNumber } from '../transforms/format';
import type { VolumePoint } from '../transforms/volumeSeries';

export function VolumeTooltip({
  point,
  previousLabel,
}: {
  point: VolumePoint | undefined;
  previousLabel: string;
}) {
  if (!point) return null;
  return (
    <div className="chart-tooltip">
      <p className="chart-tooltip-title">
        {formatDateTime(point.start)}
        {point.partial ? ' (still running)' : ''}
      </p>
      <p>
        <span className="legend-swatch swatch-current" aria-hidden="true" /> {formatNumber(point.messages)}{' '}
        messages · {formatNumber(point.users)} users{point.partial ? ' so far' : ''}
      </p>
      {point.previousMessages !== null ? (
        <p className="muted">
          <span className="legend-swatch swatch-previous" aria-hidden="true" />{' '}
          {formatNumber(point.previousMessages)} {previousLabel}
          {point.partial ? ' (whole)' : ''}
        </p>
      ) : null}
      {point.anomaly ? (
        <p className="text-bad">
          Anomaly: {point.anomaly === 'spike' ? 'unusually high' : 'unusually low'} (over 2 standard
          deviations from the baseline)
        </p>
      ) : null}
    </div>
  );
}
